//! Which groups there are and what they look like: ListGroups + DescribeGroups for every protocol
//! type, ListConsumerGroups for the consumer groups' types, DescribeConsumerGroups for their
//! members (classic and KIP-848 alike).

use std::collections::BTreeMap;
use std::ffi::{CString, c_char};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::bindings as sys;
use rdkafka::client::NativeClient;
use rdkafka::types::*;

use super::assignment::decode_assignment;
use super::bounded::bounded_join_at_coordinator;
use super::model::{Group, Member, SHARE_OR_STREAMS};
use crate::kafka::admin::Admin;
use crate::kafka::error::{Error, Kind as ErrorKind};
use crate::kafka::ffi::{self, AdminCall, Owned, bytes, destroy_group_list, err_name, partitions, slice, text};

/// ListGroups on every broker, then DescribeGroups for each group (librdkafka's
/// `rd_kafka_list_groups`). A partial answer (a broker did not reply in time) is returned as far
/// as it goes rather than thrown away.
fn list_groups_raw(client: &NativeClient, timeout: Duration) -> Result<(Vec<Group>, bool), Error> {
    const OP: &str = "ListGroups/DescribeGroups";
    let mut list: *const sys::rd_kafka_group_list = std::ptr::null();
    // SAFETY: the client is borrowed for the call; `list` is owned by the guard below.
    let code = unsafe { sys::rd_kafka_list_groups(client.ptr(), std::ptr::null(), &mut list, ffi::ms(timeout)) };
    // SAFETY: the list (or null) came from rd_kafka_list_groups and is owned by nobody else.
    let guard = unsafe { Owned::new(list.cast_mut(), destroy_group_list) };
    let partial = code == RDKafkaRespErr::RD_KAFKA_RESP_ERR__PARTIAL;
    if !ffi::ok(code) && !partial {
        return Err(match code {
            RDKafkaRespErr::RD_KAFKA_RESP_ERR__TIMED_OUT => ffi::code_error(OP, code, "timed out"),
            RDKafkaRespErr::RD_KAFKA_RESP_ERR__TRANSPORT => ffi::code_error(OP, code, "broker unreachable"),
            other => ffi::code_error(OP, other, &format!("{OP}: {}", err_name(other))),
        });
    }
    if guard.is_null() {
        return Ok((Vec::new(), partial));
    }
    let mut out = Vec::new();
    // SAFETY: the list and everything it points to live until `guard` drops at the end.
    unsafe {
        let l = &*guard.ptr();
        let groups = slice(l.groups, usize::try_from(l.group_cnt).unwrap_or(0));
        for g in groups {
            let members = slice(g.members, usize::try_from(g.member_cnt).unwrap_or(0));
            let protocol_type = text(g.protocol_type);
            out.push(Group {
                name: text(g.group),
                state: text(g.state),
                error: (!ffi::ok(g.err)).then(|| err_name(g.err)),
                members: members
                    .iter()
                    .map(|m| Member {
                        member_id: text(m.member_id),
                        client_id: text(m.client_id),
                        client_host: text(m.client_host),
                        // Only the "consumer" protocol has this layout ("" = unknown, try it).
                        assignment: if protocol_type == "consumer" || protocol_type.is_empty() {
                            decode_assignment(bytes(m.member_assignment, m.member_assignment_size)).unwrap_or_default()
                        } else {
                            BTreeMap::new()
                        },
                    })
                    .collect(),
                kind: String::new(),
                protocol_type,
                described: true,
            });
        }
    }
    Ok((out, partial))
}

/// A consumer group as ListConsumerGroups lists it.
struct Listing {
    name: String,
    state: String,
    kind: String,
}

fn type_name(t: sys::rd_kafka_consumer_group_type_t) -> String {
    match t {
        sys::rd_kafka_consumer_group_type_t::RD_KAFKA_CONSUMER_GROUP_TYPE_CONSUMER => "consumer".into(),
        // A broker before KIP-848 reports no type: every consumer group there is classic.
        _ => "classic".into(),
    }
}

/// ListConsumerGroups: every group of the consumer protocol type (classic and KIP-848) with its
/// state and type. The flag is true when some broker's answer is missing.
fn list_consumer_groups_raw(client: &NativeClient, timeout: Duration) -> Result<(Vec<Listing>, bool), Error> {
    const OP: &str = "ListConsumerGroups";
    let mut call = AdminCall::new(client, OP, RDKafkaAdminOp::RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, timeout);
    // SAFETY: `call` borrows the client; every object is owned by `call` or by its event.
    unsafe {
        sys::rd_kafka_ListConsumerGroups(call.rk(), call.options(), call.queue());
        let ev = call.wait(timeout + Duration::from_millis(500))?;
        let res = sys::rd_kafka_event_ListConsumerGroups_result(ev);
        if res.is_null() {
            return Err(Error::text(OP, "unexpected reply to ListConsumerGroups"));
        }
        let mut cnt = 0usize;
        let list = slice(sys::rd_kafka_ListConsumerGroups_result_valid(res, &mut cnt), cnt);
        let mut out = Vec::with_capacity(list.len());
        for &g in list {
            out.push(Listing {
                name: text(sys::rd_kafka_ConsumerGroupListing_group_id(g)),
                state: text(sys::rd_kafka_consumer_group_state_name(sys::rd_kafka_ConsumerGroupListing_state(g))),
                kind: type_name(sys::rd_kafka_ConsumerGroupListing_type(g)),
            });
        }
        let mut ecnt = 0usize;
        let _ = sys::rd_kafka_ListConsumerGroups_result_errors(res, &mut ecnt);
        Ok((out, ecnt > 0))
    }
}

/// DescribeConsumerGroups (ConsumerGroupDescribe for KIP-848 groups, DescribeGroups for classic
/// ones: librdkafka picks per group): state, type and members with their assignments.
fn describe_consumer_groups_raw(
    client: &NativeClient,
    names: &[String],
    timeout: Duration,
) -> Result<Vec<Group>, Error> {
    const OP: &str = "DescribeConsumerGroups";
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let cnames: Vec<CString> = names.iter().filter_map(|n| ffi::cstring("group name", n).ok()).collect();
    let mut ptrs: Vec<*const c_char> = cnames.iter().map(|c| c.as_ptr()).collect();
    let mut call = AdminCall::new(client, OP, RDKafkaAdminOp::RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, timeout);
    // SAFETY: `call` borrows the client; the names outlive the call (librdkafka copies them);
    // everything read below lives until `call` (and its event) drops.
    unsafe {
        sys::rd_kafka_DescribeConsumerGroups(call.rk(), ptrs.as_mut_ptr(), ptrs.len(), call.options(), call.queue());
        let ev = call.wait(timeout + Duration::from_millis(500))?;
        let res = sys::rd_kafka_event_DescribeConsumerGroups_result(ev);
        if res.is_null() {
            return Err(Error::text(OP, "unexpected reply to DescribeConsumerGroups"));
        }
        let mut cnt = 0usize;
        let gs = slice(sys::rd_kafka_DescribeConsumerGroups_result_groups(res, &mut cnt), cnt);
        let mut out = Vec::with_capacity(gs.len());
        for &g in gs {
            let error = ffi::read_error(sys::rd_kafka_ConsumerGroupDescription_error(g)).map(|(_, msg)| msg);
            let mut members = Vec::new();
            for i in 0..sys::rd_kafka_ConsumerGroupDescription_member_count(g) {
                let m = sys::rd_kafka_ConsumerGroupDescription_member(g, i);
                if m.is_null() {
                    continue;
                }
                let mut assignment: BTreeMap<String, Vec<i32>> = BTreeMap::new();
                let a = sys::rd_kafka_MemberDescription_assignment(m);
                if !a.is_null() {
                    for e in partitions(sys::rd_kafka_MemberAssignment_partitions(a)) {
                        assignment.entry(text(e.topic)).or_default().push(e.partition);
                    }
                }
                members.push(Member {
                    member_id: text(sys::rd_kafka_MemberDescription_consumer_id(m)),
                    client_id: text(sys::rd_kafka_MemberDescription_client_id(m)),
                    client_host: text(sys::rd_kafka_MemberDescription_host(m)),
                    assignment,
                });
            }
            out.push(Group {
                name: text(sys::rd_kafka_ConsumerGroupDescription_group_id(g)),
                state: text(sys::rd_kafka_consumer_group_state_name(sys::rd_kafka_ConsumerGroupDescription_state(g))),
                protocol_type: "consumer".into(),
                kind: type_name(sys::rd_kafka_ConsumerGroupDescription_type(g)),
                error,
                members,
                described: true,
            });
        }
        Ok(out)
    }
}

/// The type of a group that ListConsumerGroups does not list, from its protocol type.
fn kind_of_protocol(protocol_type: &str) -> String {
    match protocol_type {
        "" | "consumer" => "classic".into(),
        other => other.to_string(),
    }
}

/// Every group: ListGroups + DescribeGroups for all protocol types (to see Connect, share and
/// streams groups), ListConsumerGroups for the consumer groups' types, and DescribeConsumerGroups
/// for their members, so KIP-848 groups (which the classic DescribeGroups answers as "not
/// found") are described as well as classic ones. All three share one deadline.
fn list_all_raw(client: &NativeClient, timeout: Duration) -> Result<(Vec<Group>, bool), Error> {
    let deadline = Instant::now() + timeout;
    let left = || deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(100));
    // librdkafka fails the whole ListGroups when one broker cannot be reached (a node just died,
    // not yet fenced), though the others answered. The consumer groups still come from
    // ListConsumerGroups below, which answers broker by broker; the list is marked partial. When
    // that finds nothing either, the brokers are as good as gone: the first error stands.
    let (all, partial_all, unreachable) = match list_groups_raw(client, left()) {
        Ok((all, partial)) => (all, partial, None),
        Err(e) if matches!(e.kind(), ErrorKind::BrokerUnreachable | ErrorKind::TimedOut) => (Vec::new(), true, Some(e)),
        Err(e) => return Err(e),
    };
    let (listing, partial_cg) = list_consumer_groups_raw(client, left())?;
    if let Some(e) = unreachable
        && listing.is_empty()
        && partial_cg
    {
        return Err(e);
    }
    let names: Vec<String> = listing.iter().map(|l| l.name.clone()).collect();
    let described = describe_consumer_groups_raw(client, &names, left())?;
    let mut by_name: BTreeMap<String, Group> = described.into_iter().map(|g| (g.name.clone(), g)).collect();
    let mut out = Vec::new();
    for l in listing {
        let mut g = by_name.remove(&l.name).unwrap_or_else(|| Group {
            name: l.name.clone(),
            state: l.state.clone(),
            protocol_type: "consumer".into(),
            kind: l.kind.clone(),
            error: Some("not described".into()),
            members: Vec::new(),
            described: false,
        });
        if g.state.is_empty() || g.state == "Unknown" {
            g.state = l.state;
        }
        if l.kind == "consumer" {
            g.kind = l.kind;
        }
        out.push(g);
    }
    for mut g in all {
        if out.iter().any(|o| o.name == g.name) {
            continue;
        }
        g.kind = kind_of_protocol(&g.protocol_type);
        if g.protocol_type.is_empty() && !partial_cg {
            // ListGroups returned it, ListConsumerGroups (which lists every group of protocol
            // type "consumer" or none) did not, and the classic DescribeGroups gave no protocol
            // type: a group of a newer type that DescribeGroups answers as "Dead" (Kafka does so
            // for share and streams groups before DescribeGroups v6). Its state and members are
            // unknown, not Dead and none.
            g.kind = SHARE_OR_STREAMS.to_string();
            g.state = "unknown".to_string();
            g.described = false;
            g.members.clear();
            g.error = None;
        }
        if g.kind != "classic" {
            // Not a consumer group: its members' metadata is not a consumer assignment.
            for m in &mut g.members {
                m.assignment.clear();
            }
        }
        out.push(g);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((out, partial_all || partial_cg))
}

/// Every group on the cluster with its type, state, members and their assignments, bounded by
/// `--timeout` (see [`list_all_raw`]).
/// The flag is true when some broker did not answer (the list may be incomplete).
pub async fn list(admin: &Arc<Admin>) -> Result<(Vec<Group>, bool), Error> {
    let me = Arc::clone(admin);
    let timeout = admin.settings.timeout;
    let fut = tokio::task::spawn_blocking(move || list_all_raw(me.client.inner().native_client(), timeout));
    let (mut groups, partial) =
        bounded_join_at_coordinator(admin, &admin.ctx, "a group coordinator", "ListGroups/DescribeConsumerGroups", fut)
            .await?;
    if groups.iter().any(|g| g.kind == SHARE_OR_STREAMS) {
        name_share_and_streams(admin, &mut groups).await;
    }
    super::streams::describe_listed(admin, &mut groups).await;
    Ok((groups, partial))
}

/// Tells share and streams groups apart (and gives their state) with ListGroups v5 on the raw
/// protocol path, which librdkafka cannot. Where that path cannot answer (a broker before Kafka
/// 3.8, a setting it cannot honour such as a keystore or OAUTHBEARER, no answer in time), they stay
/// `share/streams`, as librdkafka lists them.
async fn name_share_and_streams(admin: &Arc<Admin>, groups: &mut [Group]) {
    let Ok(md) = admin.metadata(None).await else { return };
    let brokers: Vec<String> = md.brokers.iter().map(|b| format!("{}:{}", b.host, b.port)).collect();
    let Ok(types) = crate::kafka::wire::groups::types(&admin.settings, &brokers).await else { return };
    for g in groups.iter_mut().filter(|g| g.kind == SHARE_OR_STREAMS) {
        if let Some(l) = types.get(&g.name).filter(|l| !l.kind.is_empty()) {
            g.kind = l.kind.clone();
            g.state = l.state.clone();
        }
    }
}
