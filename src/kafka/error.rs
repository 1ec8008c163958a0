//! What went wrong at the broker, as a value a caller can reason about: [`Error`] carries the
//! operation, the Kafka error code when there is one, whether asking again may help, and the
//! (redacted) text a user reads, with the few cases callers act on ([`Kind`]) told apart by a
//! method instead of by searching the text.
//!
//! Its `Display` is the whole user-visible message and it has no source, so an `anyhow` chain
//! built from it prints exactly what the strings it replaced printed (`term::error_text`), and
//! `exit::code_for` maps it to 1 like any other failure.

use std::fmt;

use rdkafka::error::KafkaError;
use rdkafka::types::RDKafkaErrorCode as C;

use crate::term::redact;

/// The kinds of failure callers tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An ACL refused the operation, or the client could not authenticate.
    NotAuthorized,
    /// No answer in time (`--timeout`, or the broker's own request timeout).
    TimedOut,
    /// The topic or partition does not exist.
    UnknownTopic,
    /// No broker could be reached (connection refused, name not resolved, all brokers down).
    BrokerUnreachable,
    /// The broker (or librdkafka) does not know the API at the version asked for.
    Unsupported,
    /// The coordinator holds no consumer group of that name.
    GroupNotFound,
    /// The thing to create exists already (a topic).
    AlreadyExists,
    /// A client property librdkafka refused.
    InvalidConfig,
    /// Anything else.
    Other,
}

/// A failed broker call or a failed part of one (a topic of a batch, a group of many).
#[derive(Debug, Clone)]
pub struct Error {
    op: String,
    code: Option<C>,
    kind: Kind,
    retriable: bool,
    message: String,
    /// The failure proves the bootstrap broker answered: it names a broker the bootstrap broker's
    /// metadata named (see [`at_coordinator`]).
    bootstrap_answered: bool,
}

impl Error {
    /// An error whose kind is read from its text: for librdkafka answers that come as text only
    /// (admin results, background errors) and for evbus's own wording.
    pub fn text(op: impl Into<String>, message: impl Into<String>) -> Error {
        let message = redact::redact_text(&message.into());
        let kind = kind_of_text(&message);
        let retriable =
            matches!(kind, Kind::TimedOut | Kind::BrokerUnreachable) || super::retry::transient_text(&message);
        Error { op: op.into(), code: None, kind, retriable, message, bootstrap_answered: false }
    }

    /// An error of a known kind, worded by evbus.
    pub fn new(op: impl Into<String>, kind: Kind, message: impl Into<String>) -> Error {
        let retriable = matches!(kind, Kind::TimedOut | Kind::BrokerUnreachable);
        let message = redact::redact_text(&message.into());
        Error { op: op.into(), code: None, kind, retriable, message, bootstrap_answered: false }
    }

    /// An error with librdkafka's (or the broker's) code; the kind follows from the code, or from
    /// the text when the code says nothing more specific.
    pub(crate) fn with_code(op: impl Into<String>, code: C, message: impl Into<String>) -> Error {
        let mut e = Error::text(op, message);
        let kind = kind_of_code(code);
        if kind != Kind::Other {
            e.kind = kind;
        }
        e.retriable = e.retriable || retriable_code(code) || matches!(kind, Kind::TimedOut | Kind::BrokerUnreachable);
        e.code = Some(code);
        e
    }

    /// A Kafka error code from a response evbus decoded itself (the raw protocol path): the
    /// code's name and the broker's message, kind and retriable flag from the code.
    pub(crate) fn from_protocol(op: impl Into<String>, code: i16, broker_message: Option<&str>) -> Error {
        let op = op.into();
        let name = kafka_protocol::ResponseError::try_from_code(code).map(|e| format!("{e:?}")).unwrap_or_default();
        let message = match broker_message.filter(|m| !m.is_empty()) {
            Some(m) => format!("{op} failed: {name} (error {code}): {m}"),
            None => format!("{op} failed: {name} (error {code})"),
        };
        let retriable = kafka_protocol::ResponseError::try_from_code(code).is_some_and(|e| e.is_retriable());
        let mut e = match rdkafka::types::RDKafkaRespErr::try_from(i32::from(code)) {
            Ok(rc) => Error::with_code(op, C::from(rc), message),
            Err(_) => Error::text(op, message),
        };
        e.retriable = e.retriable || retriable;
        e
    }

    /// An rdkafka error, worded by [`describe_error`].
    pub(crate) fn from_kafka(op: impl Into<String>, e: &KafkaError) -> Error {
        match code_of(e) {
            Some(code) => Error::with_code(op, code, describe_error(e)),
            None => Error::text(op, describe_error(e)),
        }
    }

    /// An rdkafka error in its own words (a partition's error of a batched answer).
    pub(crate) fn from_kafka_verbatim(op: impl Into<String>, e: &KafkaError) -> Error {
        match e.rdkafka_error_code() {
            Some(code) => Error::with_code(op, code, e.to_string()),
            None => Error::text(op, e.to_string()),
        }
    }

    /// The same error with another message (a wording for the user that names the resource);
    /// kind and code stay.
    pub fn reworded(mut self, message: impl Into<String>) -> Error {
        self.message = redact::redact_text(&message.into());
        self
    }

    /// What failed, e.g. `CreateTopics`, `probe delivery`.
    pub fn op(&self) -> &str {
        &self.op
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The Kafka (positive) or librdkafka (negative) error code, when the failure has one.
    pub fn code(&self) -> Option<i32> {
        self.code.map(|c| c as i32)
    }

    /// The code's name as librdkafka spells it (`TopicAuthorizationFailed`), when there is one.
    pub fn code_name(&self) -> Option<String> {
        self.code.map(|c| format!("{c:?}"))
    }

    /// Whether asking again later may succeed (a timeout, a moving leader or coordinator).
    pub fn retriable(&self) -> bool {
        self.retriable
    }

    /// The message a user reads (redacted).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Shorthand for `kind() == Kind::NotAuthorized`.
    pub fn is_not_authorized(&self) -> bool {
        self.kind == Kind::NotAuthorized
    }

    /// Shorthand for `kind() == Kind::TimedOut`.
    pub fn is_timed_out(&self) -> bool {
        self.kind == Kind::TimedOut
    }

    /// Shorthand for `kind() == Kind::UnknownTopic`.
    pub fn is_unknown_topic(&self) -> bool {
        self.kind == Kind::UnknownTopic
    }

    /// Shorthand for `kind() == Kind::BrokerUnreachable`.
    pub fn is_broker_unreachable(&self) -> bool {
        self.kind == Kind::BrokerUnreachable
    }

    /// Whether the failure proves that the bootstrap broker answered (a group call that named the
    /// coordinator the bootstrap broker's metadata pointed to): the cluster is up, one broker is not.
    pub fn bootstrap_answered(&self) -> bool {
        self.bootstrap_answered
    }

    /// The kind of an `anyhow` error that carries a Kafka error anywhere in its chain.
    pub fn kind_of(err: &anyhow::Error) -> Option<Kind> {
        err.chain().find_map(|c| c.downcast_ref::<Error>()).map(Error::kind)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// A group request (OffsetFetch, OffsetCommit, DeleteGroups, ...) that got no answer, said of the
/// broker that did not answer: the group's coordinator, not the bootstrap broker.
///
/// A group request goes to the bootstrap broker first (metadata, FindCoordinator), then to the
/// coordinator it names. When only the coordinator is down, the bootstrap broker answered, yet
/// [`Settings::fail`](super::settings::Settings::fail) says "broker unreachable (brokers tried:
/// BOOTSTRAP)", pointing at the one broker that works. librdkafka names a broker it learned from
/// metadata `host:port/ID` in its background errors (a bootstrap address it was given is
/// `host:port/bootstrap`), so an error naming an id proves the bootstrap broker answered, and names
/// the coordinator. Anything else (every broker down, no background error, a refusal) is left as is.
/// `role` names the broker for the request: `the group coordinator` (one group's requests), `a
/// group coordinator` (ListGroups, asked of every broker as the coordinator of its groups).
pub fn at_coordinator(e: Error, role: &str, last: Option<&str>, bootstrap: &str, all_down: bool) -> Error {
    if !matches!(e.kind, Kind::TimedOut | Kind::BrokerUnreachable) {
        return e;
    }
    let Some((addr, id)) = last.and_then(named_broker) else { return e };
    let last = last.unwrap_or_default();
    let what = if e.kind == Kind::TimedOut { "did not answer in time" } else { "could not be reached" };
    // librdkafka's "all brokers down" counts the brokers it learned, so it is said when the only
    // coordinator is down and the bootstrap address answered; it proves the bootstrap broker down
    // only when that is the address that failed.
    let in_bootstrap = bootstrap.split(',').any(|b| b.trim() == addr);
    let also = match (in_bootstrap, all_down) {
        (true, true) => return e,
        (true, false) => format!("it is in the bootstrap list too; metadata came from {bootstrap}"),
        (false, _) => format!("the bootstrap broker {bootstrap} answered and named it"),
    };
    let message = format!("{} failed: {role} (broker {id} at {addr}) {what}; {also} (coordinator error: {last})", e.op);
    // Only a coordinator outside the bootstrap list proves the bootstrap broker up: one inside it
    // may be the bootstrap broker itself, gone since it answered.
    Error { bootstrap_answered: !in_bootstrap, ..e.reworded(message) }
}

/// Whether, when a metadata request and a group call made side by side both failed, the group
/// call's failure is the one to report.
///
/// The metadata request's failure comes first as a rule: it is what a dead cluster (or a dead
/// bootstrap broker) says, in the "metadata request failed: ..." wording scripts rely on. But when
/// the group call's failure proves that the bootstrap broker answered ([`Error::bootstrap_answered`])
/// and the metadata request failed for want of an answer, the metadata failure is a consequence,
/// not the cause: librdkafka (2.10 and later) drops its bootstrap connection once metadata names
/// the cluster's brokers, so when the only broker named is down (say, at a wrong advertised
/// address), a metadata request sent after that first answer has no broker left to ask and reads
/// "broker unreachable (brokers tried: BOOTSTRAP)", blaming the one broker that answered. Whether
/// it went out before or after that answer is a race; the group call's failure, which names the
/// broker that did not answer, is true in both orders.
pub fn group_failure_first(metadata: &Error, group: &Error) -> bool {
    matches!(metadata.kind, Kind::TimedOut | Kind::BrokerUnreachable) && group.bootstrap_answered
}

/// Both results of a metadata request and a group call made side by side (`tokio::join!`), or the
/// one failure to report ([`group_failure_first`] decides when both failed; the group call's
/// failure may come wrapped in context).
pub fn side_by_side<M, G>(metadata: Result<M, Error>, group: anyhow::Result<G>) -> anyhow::Result<(M, G)> {
    match (metadata, group) {
        (Ok(m), Ok(g)) => Ok((m, g)),
        (Err(m), Ok(_)) => Err(m.into()),
        (Ok(_), Err(g)) => Err(g),
        (Err(m), Err(g)) => {
            let first = g.chain().find_map(|c| c.downcast_ref::<Error>()).is_some_and(|ge| group_failure_first(&m, ge));
            Err(if first { g } else { m.into() })
        }
    }
}

/// The `host:port` and id of the broker a librdkafka background error names
/// (`127.0.0.1:9093/2: Connect to ipv4#127.0.0.1:9093 failed: Connection refused`), when it is one
/// learned from metadata (a numeric id, not `bootstrap`).
fn named_broker(text: &str) -> Option<(String, i32)> {
    let head = text.split(": ").next()?;
    let (addr, id) = head.rsplit_once('/')?;
    let id = id.parse::<i32>().ok()?;
    // Kafka broker ids are never negative; librdkafka's internal handles have no numeric id.
    (id >= 0 && addr.contains(':')).then(|| (addr.to_string(), id))
}

/// librdkafka's error text, with the timeout case spelled out.
pub fn describe_error(e: &KafkaError) -> String {
    match code_of(e) {
        Some(C::OperationTimedOut) | Some(C::RequestTimedOut) => "timed out".into(),
        Some(C::BrokerTransportFailure) | Some(C::AllBrokersDown) => "broker unreachable".into(),
        _ => e.to_string(),
    }
}

/// librdkafka's code of `e`, also for a failed admin operation (rdkafka's own
/// `rdkafka_error_code` drops it there, so an admin timeout read "Admin operation error:
/// OperationTimedOut (Local: Timed out)" and had no kind).
fn code_of(e: &KafkaError) -> Option<C> {
    match e {
        KafkaError::AdminOp(code) => Some(*code),
        other => other.rdkafka_error_code(),
    }
}

fn kind_of_code(code: C) -> Kind {
    match code {
        C::TopicAuthorizationFailed
        | C::GroupAuthorizationFailed
        | C::ClusterAuthorizationFailed
        | C::TransactionalIdAuthorizationFailed
        | C::DelegationTokenAuthorizationFailed
        | C::SaslAuthenticationFailed
        | C::Authentication => Kind::NotAuthorized,
        C::OperationTimedOut | C::RequestTimedOut | C::MessageTimedOut | C::TimedOutQueue => Kind::TimedOut,
        C::UnknownTopicOrPartition | C::UnknownTopic | C::UnknownPartition | C::UnknownTopicId => Kind::UnknownTopic,
        C::BrokerTransportFailure | C::AllBrokersDown | C::Resolve => Kind::BrokerUnreachable,
        C::UnsupportedVersion | C::UnsupportedFeature | C::InvalidRequest => Kind::Unsupported,
        C::GroupIdNotFound => Kind::GroupNotFound,
        C::TopicAlreadyExists => Kind::AlreadyExists,
        _ => Kind::Other,
    }
}

fn retriable_code(code: C) -> bool {
    super::retry::transient(code)
        || matches!(
            code,
            C::RequestTimedOut
                | C::OperationTimedOut
                | C::NetworkException
                | C::NotEnoughReplicas
                | C::NotEnoughReplicasAfterAppend
                | C::BrokerNotAvailable
                | C::ReplicaNotAvailable
                | C::BrokerTransportFailure
                | C::AllBrokersDown
        )
}

/// The kind a text names, for errors that come without a code.
fn kind_of_text(text: &str) -> Kind {
    let t = text.to_ascii_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| t.contains(n));
    if has(&["not authorized", "authorization failed", "authorizationfailed", "authentication failed"]) {
        Kind::NotAuthorized
    } else if has(&["does not support", "unsupportedversion", "unsupportedfeature"]) {
        Kind::Unsupported
    } else if has(&["no such consumer group", "group_id_not_found"]) {
        Kind::GroupNotFound
    } else if has(&["already exists", "topicalreadyexists"]) {
        Kind::AlreadyExists
    } else if has(&["unknown topic", "unknowntopicorpartition"]) {
        Kind::UnknownTopic
    } else if has(&["broker unreachable", "brokers are down", "connection refused", "failed to resolve"]) {
        Kind::BrokerUnreachable
    } else if has(&["timed out"]) {
        Kind::TimedOut
    } else if has(&["invalid client configuration"]) {
        Kind::InvalidConfig
    } else {
        Kind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cases_callers_act_on_are_told_apart() {
        let denied =
            Error::with_code("CreateTopics", C::TopicAuthorizationFailed, "not authorized: Create on topic 'x'");
        assert_eq!(denied.kind(), Kind::NotAuthorized);
        assert_eq!(denied.code(), Some(29));
        assert_eq!(denied.code_name().as_deref(), Some("TopicAuthorizationFailed"));
        assert!(!denied.retriable());
        let late = Error::with_code("metadata request", C::OperationTimedOut, "timed out");
        assert!(late.is_timed_out() && late.retriable());
        assert!(
            Error::with_code("x", C::UnknownTopicOrPartition, "Broker: Unknown topic or partition").is_unknown_topic()
        );
        assert!(Error::with_code("x", C::AllBrokersDown, "broker unreachable").is_broker_unreachable());
        // Coordinators moving are worth asking again, and the code says so even with odd text.
        assert!(Error::with_code("OffsetFetch", C::NotCoordinator, "whatever").retriable());
    }

    #[test]
    fn a_silent_coordinator_is_named_not_the_bootstrap_broker() {
        let boot = "127.0.0.1:9092";
        let refused =
            "127.0.0.1:9093/2: Connect to ipv4#127.0.0.1:9093 failed: Connection refused (after 0ms in state CONNECT)";
        let failed = |kind, text: &str| {
            Error::new("OffsetFetch", kind, format!("OffsetFetch failed: {text} (brokers tried: {boot})"))
        };
        let e = at_coordinator(
            failed(Kind::BrokerUnreachable, "broker unreachable"),
            "the group coordinator",
            Some(refused),
            boot,
            false,
        );
        assert_eq!(
            e.message(),
            "OffsetFetch failed: the group coordinator (broker 2 at 127.0.0.1:9093) could not be reached; the \
             bootstrap broker 127.0.0.1:9092 answered and named it (coordinator error: 127.0.0.1:9093/2: Connect to \
             ipv4#127.0.0.1:9093 failed: Connection refused (after 0ms in state CONNECT))"
        );
        assert_eq!(e.kind(), Kind::BrokerUnreachable);
        assert!(!e.message().contains("broker unreachable"), "{}", e.message());
        let e =
            at_coordinator(failed(Kind::TimedOut, "timed out"), "the group coordinator", Some(refused), boot, false);
        assert!(e.message().contains("(broker 2 at 127.0.0.1:9093) did not answer in time;"), "{}", e.message());
        // The coordinator is also in the bootstrap list: it is not said to have answered.
        let e = at_coordinator(
            failed(Kind::TimedOut, "timed out"),
            "the group coordinator",
            Some(refused),
            "127.0.0.1:9093,127.0.0.1:9092",
            false,
        );
        assert!(e.message().contains("it is in the bootstrap list too; metadata came from"), "{}", e.message());
        // "All brokers down" counts only the brokers learned from metadata: the coordinator alone.
        let e = at_coordinator(
            failed(Kind::BrokerUnreachable, "broker unreachable"),
            "the group coordinator",
            Some(refused),
            boot,
            true,
        );
        assert!(e.message().contains("the bootstrap broker 127.0.0.1:9092 answered and named it"), "{}", e.message());

        // Not the coordinator's doing, or not provably: the message stays.
        let same = |e: Error| e.message().to_string();
        let unreachable = failed(Kind::BrokerUnreachable, "broker unreachable");
        let boot_refused = "127.0.0.1:9092/bootstrap: Connect to ipv4#127.0.0.1:9092 failed: Connection refused";
        assert_eq!(
            same(at_coordinator(unreachable.clone(), "the group coordinator", Some(boot_refused), boot, false)),
            unreachable.message()
        );
        let only = "127.0.0.1:9092/1: Connect to ipv4#127.0.0.1:9092 failed: Connection refused";
        assert_eq!(
            same(at_coordinator(unreachable.clone(), "the group coordinator", Some(only), boot, true)),
            unreachable.message()
        );
        assert_eq!(
            same(at_coordinator(unreachable.clone(), "the group coordinator", None, boot, false)),
            unreachable.message()
        );
        let denied = Error::new("OffsetFetch", Kind::NotAuthorized, "not authorized");
        assert_eq!(same(at_coordinator(denied, "the group coordinator", Some(refused), boot, false)), "not authorized");
    }

    /// A metadata request and a group call side by side, against a cluster whose only broker
    /// answers at the bootstrap address but advertises a dead one (or against a dead cluster).
    #[test]
    fn side_by_side_failures_name_the_broker_that_did_not_answer_in_either_order() {
        let boot = "127.0.0.1:9092";
        let gone = |op: &str| {
            Error::with_code(op, C::AllBrokersDown, format!("{op} failed: broker unreachable (brokers tried: {boot})"))
        };
        let advertised = "127.0.0.1:9093/1: Connect to ipv4#127.0.0.1:9093 failed: Connection refused";
        let boot_refused = "127.0.0.1:9092/bootstrap: Connect to ipv4#127.0.0.1:9092 failed: Connection refused";
        let group = |last: &str, bootstrap: &str| {
            at_coordinator(gone("ListGroups"), "a group coordinator", Some(last), bootstrap, true)
        };
        let at_advertised = || group(advertised, boot);
        let names_coordinator = "a group coordinator (broker 1 at 127.0.0.1:9093) could not be reached; the \
                                 bootstrap broker 127.0.0.1:9092 answered";
        let said = |r: anyhow::Result<((), ())>| format!("{:#}", r.unwrap_err());
        assert!(at_advertised().bootstrap_answered());

        // The metadata request went out before the bootstrap connection was dropped: it answered.
        let e = said(side_by_side(Ok(()), Err(at_advertised().into())));
        assert!(e.contains(names_coordinator), "{e}");
        // It went out after: it failed, and the group call's failure, which names the broker that
        // did not answer, is reported, also when wrapped in context.
        let e = said(side_by_side(Err(gone("metadata request")), Err(at_advertised().into())));
        assert!(e.contains(names_coordinator) && !e.contains("broker unreachable"), "{e}");
        let wrapped = anyhow::Error::from(at_advertised()).context("finding group g");
        let e = said(side_by_side(Err(gone("metadata request")), Err(wrapped)));
        assert!(e.contains(names_coordinator), "{e}");
        let late = Error::with_code("metadata request", C::OperationTimedOut, "metadata request failed: timed out");
        assert!(said(side_by_side(Err(late), Err(at_advertised().into()))).contains(names_coordinator));

        // The whole broker is dead: nothing proves the bootstrap broker answered, so the metadata
        // request's failure is reported as it always was.
        let dead = group(boot_refused, boot);
        assert!(!dead.bootstrap_answered());
        let e = said(side_by_side(Err(gone("metadata request")), Err(dead.into())));
        assert_eq!(e, "metadata request failed: broker unreachable (brokers tried: 127.0.0.1:9092)");
        let e = said(side_by_side(Err(gone("metadata request")), Ok(())));
        assert!(e.starts_with("metadata request failed: broker unreachable"), "{e}");
        // A coordinator in the bootstrap list may be the bootstrap broker itself, gone since it
        // answered: no proof either.
        let listed =
            at_coordinator(gone("ListGroups"), "a group coordinator", Some(advertised), "127.0.0.1:9093", false);
        assert!(listed.message().contains("in the bootstrap list too") && !listed.bootstrap_answered());
        let e = said(side_by_side(Err(gone("metadata request")), Err(listed.into())));
        assert!(e.starts_with("metadata request failed:"), "{e}");
        // A metadata failure that is not for want of an answer is its own cause, and stays first.
        let denied = Error::with_code("metadata request", C::ClusterAuthorizationFailed, "not authorized: Describe");
        assert_eq!(said(side_by_side(Err(denied), Err(at_advertised().into()))), "not authorized: Describe");
    }

    #[test]
    fn text_only_errors_are_classified_by_their_words() {
        assert_eq!(Error::text("DeleteGroups", "not authorized: Delete on group 'g'").kind(), Kind::NotAuthorized);
        assert_eq!(Error::text("x", "SASL authentication failed: bad password").kind(), Kind::NotAuthorized);
        assert_eq!(Error::text("x", "broker does not support OffsetFetch (x)").kind(), Kind::Unsupported);
        assert_eq!(Error::text("x", "Topic 'a' already exists.").kind(), Kind::AlreadyExists);
        assert_eq!(Error::text("x", "metadata request timed out after 1s").kind(), Kind::TimedOut);
        assert!(Error::text("x", "Broker: Coordinator load in progress").retriable());
        assert_eq!(Error::text("x", "Broker: Invalid replication factor").kind(), Kind::Other);
    }

    #[test]
    fn the_message_is_the_whole_text_and_redacted() {
        let e = Error::text("probe delivery", "failed with sasl.password=hunter2 set");
        assert_eq!(e.to_string(), "failed with sasl.password=[redacted] set");
        let any: anyhow::Error = e.into();
        assert_eq!(format!("{any:#}"), "failed with sasl.password=[redacted] set");
        assert_eq!(Error::kind_of(&any.context("producing")), Some(Kind::Other));
    }
}
