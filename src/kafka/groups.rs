//! Consumer groups through librdkafka's C API: listing and describing groups, reading a group's
//! committed offsets without joining it, and changing a group from outside it (moving its
//! offsets, deleting them, deleting the group).
//!
//! rdkafka 0.39 wraps `rd_kafka_list_groups` but panics on a name that is not UTF-8 and leaves the
//! member assignment undecoded, and it does not wrap `rd_kafka_ListConsumerGroupOffsets` at all,
//! which is the only way to learn *which* partitions a group without members has committed
//! (OffsetFetch with a null topic list), nor AlterConsumerGroupOffsets and
//! DeleteConsumerGroupOffsets. Its DeleteGroups runs on an admin client, and every request to a
//! group coordinator goes through a consumer handle here (see [`committed_many`]), so that one is
//! wrapped too. They are small safe functions that return owned data; every librdkafka object is
//! freed on every path by an RAII guard.

use std::collections::BTreeMap;
use std::ffi::{CStr, CString, c_char, c_void};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use rdkafka::bindings as sys;
use rdkafka::consumer::Consumer as _;
use rdkafka::types::*;

use super::admin::Admin;

/// One member of a group as DescribeGroups reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Member {
    pub member_id: String,
    pub client_id: String,
    pub client_host: String,
    /// Decoded consumer-protocol assignment: topic → partitions. Empty when the member has no
    /// assignment yet or the group uses another protocol (Connect, a custom one).
    pub assignment: BTreeMap<String, Vec<i32>>,
}

/// One group: ListGroups, then DescribeConsumerGroups for consumer groups of either protocol.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Group {
    pub name: String,
    /// Stable, Empty, PreparingRebalance, CompletingRebalance, Assigning, Reconciling, Dead, or
    /// what the broker says.
    pub state: String,
    pub protocol_type: String,
    /// The group's type: `classic` or `consumer` (KIP-848) for consumer groups, else `connect`,
    /// `share`, `streams` or the protocol type the broker reports. Only `classic` and
    /// `consumer` groups are consumer groups (with committed offsets and lag).
    pub kind: String,
    /// The DescribeGroups error for this group, when there was one.
    pub error: Option<String>,
    pub members: Vec<Member>,
    /// False for share and streams groups: librdkafka 2.12 cannot describe them, so their state
    /// and members are unknown (not "Dead, no members", which is what the classic DescribeGroups
    /// answers for them).
    pub described: bool,
}

/// The type of the groups ListGroups returns that neither the classic DescribeGroups nor
/// ListConsumerGroups describes: share groups (KIP-932) and streams groups (KIP-1071).
///
/// librdkafka 2.12 reads ListGroups' protocol type and group type but keeps them only for
/// consumer groups, and every other API it offers answers the same for both types (Kafka's
/// OffsetFetch, for one, answers a share group as if it were a group without commits), so the
/// two cannot be told apart.
pub const SHARE_OR_STREAMS: &str = "share/streams";

/// What OffsetFetch answers for a group the coordinator does not hold as a consumer group.
pub const GROUP_NOT_FOUND: &str = "no such consumer group (GROUP_ID_NOT_FOUND)";

/// A committed offset as OffsetFetch returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    pub topic: String,
    pub partition: i32,
    /// `None` when the group has no commit for this partition.
    pub offset: Option<i64>,
}

/// One group of [`committed_many`] and the partitions to ask for (`None` = every committed one).
pub type GroupRequest = (String, Option<Vec<(String, i32)>>);

/// The answer for one group of [`committed_many`].
pub type GroupOffsets = (String, Result<Vec<Committed>, String>);

/// Decode a consumer-protocol `MemberAssignment`: version (i16), then an array (i32 count) of
/// topic (i16-length string) + partitions (i32 count of i32), then user data we ignore.
///
/// Returns `None` on anything malformed (another protocol, truncation): a garbage assignment must
/// never take the command down, it just means "owner unknown".
pub fn decode_assignment(bytes: &[u8]) -> Option<BTreeMap<String, Vec<i32>>> {
    struct R<'a>(&'a [u8]);
    impl R<'_> {
        fn take(&mut self, n: usize) -> Option<&[u8]> {
            if self.0.len() < n {
                return None;
            }
            let (a, b) = self.0.split_at(n);
            self.0 = b;
            Some(a)
        }
        fn i16(&mut self) -> Option<i16> {
            self.take(2).map(|b| i16::from_be_bytes([b[0], b[1]]))
        }
        fn i32(&mut self) -> Option<i32> {
            self.take(4).map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        }
    }
    let mut r = R(bytes);
    if bytes.is_empty() {
        // An empty assignment (a member that was just added) is valid and owns nothing.
        return Some(BTreeMap::new());
    }
    let version = r.i16()?;
    if version < 0 {
        return None;
    }
    let topics = r.i32()?;
    // A count larger than the bytes left cannot be honest; checking it bounds the allocation.
    if topics < 0 || topics as usize > r.0.len() / 6 {
        return None;
    }
    let mut out = BTreeMap::new();
    for _ in 0..topics {
        let len = r.i16()?;
        if len < 0 {
            return None;
        }
        let name = String::from_utf8_lossy(r.take(len as usize)?).into_owned();
        let n = r.i32()?;
        if n < 0 || n as usize > r.0.len() / 4 {
            return None;
        }
        let mut parts = Vec::with_capacity(n as usize);
        for _ in 0..n {
            parts.push(r.i32()?);
        }
        out.entry(name).or_insert_with(Vec::new).extend(parts);
    }
    Some(out)
}

/// A C string from librdkafka, lossily decoded; null reads as "".
unsafe fn text(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        // SAFETY: non-null pointers handed out by librdkafka are NUL-terminated and live as long
        // as the object that owns them, which the caller keeps alive.
        unsafe { CStr::from_ptr(p).to_string_lossy().into_owned() }
    }
}

/// A byte buffer from librdkafka; null or a non-positive size reads as empty.
unsafe fn bytes<'a>(p: *const c_void, len: i32) -> &'a [u8] {
    if p.is_null() || len <= 0 {
        &[]
    } else {
        // SAFETY: librdkafka guarantees `len` readable bytes at `p` while the list is alive.
        unsafe { std::slice::from_raw_parts(p as *const u8, len as usize) }
    }
}

fn err_name(code: RDKafkaRespErr) -> String {
    rdkafka::types::RDKafkaErrorCode::from(code).to_string()
}

/// Frees a group list however `list_groups` returns.
struct GroupListGuard(*const sys::rd_kafka_group_list);

impl Drop for GroupListGuard {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the list came from rd_kafka_list_groups and is destroyed exactly once.
            unsafe { sys::rd_kafka_group_list_destroy(self.0) }
        }
    }
}

/// ListGroups on every broker, then DescribeGroups for each group (librdkafka's
/// `rd_kafka_list_groups`). A partial answer (a broker did not reply in time) is returned as far
/// as it goes rather than thrown away.
///
/// `rk` must be a live client handle that outlives the call.
fn list_groups_raw(rk: *mut RDKafka, timeout: Duration) -> Result<(Vec<Group>, bool), String> {
    let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
    let mut list: *const sys::rd_kafka_group_list = std::ptr::null();
    // SAFETY: rk is live (caller's contract); `list` is owned by the guard below.
    let code = unsafe { sys::rd_kafka_list_groups(rk, std::ptr::null(), &mut list, ms) };
    let guard = GroupListGuard(list);
    let partial = code == RDKafkaRespErr::RD_KAFKA_RESP_ERR__PARTIAL;
    if code != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR && !partial {
        return Err(match code {
            RDKafkaRespErr::RD_KAFKA_RESP_ERR__TIMED_OUT => "timed out".to_string(),
            RDKafkaRespErr::RD_KAFKA_RESP_ERR__TRANSPORT => "broker unreachable".to_string(),
            other => format!("ListGroups/DescribeGroups: {}", err_name(other)),
        });
    }
    if guard.0.is_null() {
        return Ok((Vec::new(), partial));
    }
    let mut out = Vec::new();
    // SAFETY: the list and everything it points to live until `guard` drops at the end.
    unsafe {
        let l = &*guard.0;
        let groups: &[sys::rd_kafka_group_info] = if l.groups.is_null() || l.group_cnt <= 0 {
            &[]
        } else {
            std::slice::from_raw_parts(l.groups, l.group_cnt as usize)
        };
        for g in groups {
            let members: &[sys::rd_kafka_group_member_info] = if g.members.is_null() || g.member_cnt <= 0 {
                &[]
            } else {
                std::slice::from_raw_parts(g.members, g.member_cnt as usize)
            };
            let protocol_type = text(g.protocol_type);
            out.push(Group {
                name: text(g.group),
                state: text(g.state),
                error: (g.err != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR).then(|| err_name(g.err)),
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

/// Owns the librdkafka objects of one admin request answered on its own queue.
struct AdminCall {
    queue: *mut RDKafkaQueue,
    options: *mut RDKafkaAdminOptions,
    event: *mut RDKafkaEvent,
}

impl AdminCall {
    /// A queue and options for `op`, with librdkafka's request timeout set to `timeout`.
    ///
    /// # Safety
    /// `rk` must be a live client handle that outlives the returned value.
    unsafe fn new(rk: *mut RDKafka, op: RDKafkaAdminOp, timeout: Duration) -> AdminCall {
        let ms = timeout.as_millis().clamp(1, i32::MAX as u128) as i32;
        // SAFETY: rk is live (caller's contract); both objects are owned by the returned value.
        unsafe {
            let options = sys::rd_kafka_AdminOptions_new(rk, op);
            let mut errstr = [0 as c_char; 512];
            sys::rd_kafka_AdminOptions_set_request_timeout(options, ms, errstr.as_mut_ptr(), errstr.len());
            AdminCall { queue: sys::rd_kafka_queue_new(rk), options, event: std::ptr::null_mut() }
        }
    }

    /// Wait for the answer (at most `wait`); `Err` carries the request-level error.
    fn wait(&mut self, wait: Duration) -> Result<*mut RDKafkaEvent, String> {
        // SAFETY: the queue is live; the event is owned by `self` and destroyed once in Drop.
        unsafe {
            let ev = sys::rd_kafka_queue_poll(self.queue, wait.as_millis().clamp(1, i32::MAX as u128) as i32);
            if ev.is_null() {
                return Err("timed out".into());
            }
            self.event = ev;
            let code = sys::rd_kafka_event_error(ev);
            if code != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
                return Err(if code == RDKafkaRespErr::RD_KAFKA_RESP_ERR__TIMED_OUT {
                    "timed out".into()
                } else {
                    text(sys::rd_kafka_event_error_string(ev))
                });
            }
            Ok(ev)
        }
    }
}

impl Drop for AdminCall {
    fn drop(&mut self) {
        // SAFETY: each pointer came from its librdkafka constructor and is freed exactly once.
        unsafe {
            if !self.event.is_null() {
                sys::rd_kafka_event_destroy(self.event);
            }
            sys::rd_kafka_AdminOptions_destroy(self.options);
            sys::rd_kafka_queue_destroy(self.queue);
        }
    }
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
fn list_consumer_groups_raw(rk: *mut RDKafka, timeout: Duration) -> Result<(Vec<Listing>, bool), String> {
    // SAFETY: rk is live (caller's contract); every object is owned by `call` or by the event.
    unsafe {
        let mut call = AdminCall::new(rk, RDKafkaAdminOp::RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, timeout);
        sys::rd_kafka_ListConsumerGroups(rk, call.options, call.queue);
        let ev = call.wait(timeout + Duration::from_millis(500))?;
        let res = sys::rd_kafka_event_ListConsumerGroups_result(ev);
        if res.is_null() {
            return Err("unexpected reply to ListConsumerGroups".into());
        }
        let mut cnt = 0usize;
        let valid = sys::rd_kafka_ListConsumerGroups_result_valid(res, &mut cnt);
        let list: &[*const sys::rd_kafka_ConsumerGroupListing_t] =
            if valid.is_null() || cnt == 0 { &[] } else { std::slice::from_raw_parts(valid, cnt) };
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
fn describe_consumer_groups_raw(rk: *mut RDKafka, names: &[String], timeout: Duration) -> Result<Vec<Group>, String> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let cnames: Vec<CString> = names.iter().filter_map(|n| CString::new(n.as_str()).ok()).collect();
    let mut ptrs: Vec<*const c_char> = cnames.iter().map(|c| c.as_ptr()).collect();
    // SAFETY: rk is live (caller's contract); the names outlive the call (librdkafka copies
    // them); everything read below lives until `call` (and its event) drops.
    unsafe {
        let mut call = AdminCall::new(rk, RDKafkaAdminOp::RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, timeout);
        sys::rd_kafka_DescribeConsumerGroups(rk, ptrs.as_mut_ptr(), ptrs.len(), call.options, call.queue);
        let ev = call.wait(timeout + Duration::from_millis(500))?;
        let res = sys::rd_kafka_event_DescribeConsumerGroups_result(ev);
        if res.is_null() {
            return Err("unexpected reply to DescribeConsumerGroups".into());
        }
        let mut cnt = 0usize;
        let gs = sys::rd_kafka_DescribeConsumerGroups_result_groups(res, &mut cnt);
        let gs: &[*const sys::rd_kafka_ConsumerGroupDescription_t] =
            if gs.is_null() || cnt == 0 { &[] } else { std::slice::from_raw_parts(gs, cnt) };
        let mut out = Vec::with_capacity(gs.len());
        for &g in gs {
            let err = sys::rd_kafka_ConsumerGroupDescription_error(g);
            let error = (!err.is_null()).then(|| text(sys::rd_kafka_error_string(err)));
            let mut members = Vec::new();
            for i in 0..sys::rd_kafka_ConsumerGroupDescription_member_count(g) {
                let m = sys::rd_kafka_ConsumerGroupDescription_member(g, i);
                if m.is_null() {
                    continue;
                }
                let mut assignment: BTreeMap<String, Vec<i32>> = BTreeMap::new();
                let a = sys::rd_kafka_MemberDescription_assignment(m);
                if !a.is_null() {
                    let l = sys::rd_kafka_MemberAssignment_partitions(a);
                    if !l.is_null() {
                        let l = &*l;
                        let elems: &[sys::rd_kafka_topic_partition_t] = if l.elems.is_null() || l.cnt <= 0 {
                            &[]
                        } else {
                            std::slice::from_raw_parts(l.elems, l.cnt as usize)
                        };
                        for e in elems {
                            assignment.entry(text(e.topic)).or_default().push(e.partition);
                        }
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
fn list_all_raw(rk: *mut RDKafka, timeout: Duration) -> Result<(Vec<Group>, bool), String> {
    let deadline = Instant::now() + timeout;
    let left = || deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(100));
    let (all, partial_all) = list_groups_raw(rk, left())?;
    let (listing, partial_cg) = list_consumer_groups_raw(rk, left())?;
    let names: Vec<String> = listing.iter().map(|l| l.name.clone()).collect();
    let described = describe_consumer_groups_raw(rk, &names, left())?;
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

/// Owns every librdkafka object of one batch of ListConsumerGroupOffsets requests.
struct OffsetsRequest {
    queue: *mut RDKafkaQueue,
    options: Vec<*mut RDKafkaAdminOptions>,
    requests: Vec<*mut sys::rd_kafka_ListConsumerGroupOffsets_t>,
    lists: Vec<*mut RDKafkaTopicPartitionList>,
    events: Vec<*mut RDKafkaEvent>,
}

impl Drop for OffsetsRequest {
    fn drop(&mut self) {
        // SAFETY: each pointer was returned by the matching librdkafka constructor and is freed once.
        unsafe {
            for e in self.events.drain(..) {
                sys::rd_kafka_event_destroy(e);
            }
            for r in self.requests.drain(..) {
                sys::rd_kafka_ListConsumerGroupOffsets_destroy(r);
            }
            for l in self.lists.drain(..) {
                sys::rd_kafka_topic_partition_list_destroy(l);
            }
            for o in self.options.drain(..) {
                sys::rd_kafka_AdminOptions_destroy(o);
            }
            if !self.queue.is_null() {
                sys::rd_kafka_queue_destroy(self.queue);
            }
        }
    }
}

fn unsupported(code: RDKafkaRespErr) -> bool {
    matches!(
        code,
        RDKafkaRespErr::RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE
            | RDKafkaRespErr::RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION
            | RDKafkaRespErr::RD_KAFKA_RESP_ERR_INVALID_REQUEST
    )
}

/// Committed offsets of many groups (OffsetFetch through `rd_kafka_ListConsumerGroupOffsets`),
/// all requests in flight at once on one queue: librdkafka accepts one group per request, so this
/// is one request per group, not one per partition.
///
/// For each group, `partitions` = `None` asks for every partition the group has committed;
/// `Some(list)` asks for exactly those (an uncommitted one comes back with `offset: None`).
/// Groups whose answer did not arrive within `timeout` get an error of their own.
///
/// `rk` must be a live client handle that outlives the call.
fn committed_many_raw(
    rk: *mut RDKafka,
    groups: &[GroupRequest],
    timeout: Duration,
) -> Result<Vec<GroupOffsets>, String> {
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
    let deadline = Instant::now() + timeout + Duration::from_secs(1);
    let mut results: Vec<Option<Result<Vec<Committed>, String>>> = vec![None; groups.len()];
    // SAFETY: all calls follow librdkafka's documented ownership rules; `OffsetsRequest` frees
    // everything (request objects and options are copied by librdkafka when enqueued).
    unsafe {
        let mut req = OffsetsRequest {
            queue: sys::rd_kafka_queue_new(rk),
            options: Vec::with_capacity(groups.len()),
            requests: Vec::with_capacity(groups.len()),
            lists: Vec::new(),
            events: Vec::new(),
        };
        let mut in_flight = 0usize;
        for (i, (group, parts)) in groups.iter().enumerate() {
            let Ok(name) = CString::new(group.as_str()) else {
                results[i] = Some(Err(format!("group name {group:?} contains a NUL byte")));
                continue;
            };
            let list = match parts {
                None => std::ptr::null_mut(),
                Some(parts) if parts.is_empty() => {
                    // librdkafka refuses an empty list; nothing asked means nothing committed.
                    results[i] = Some(Ok(Vec::new()));
                    continue;
                }
                Some(parts) => {
                    let l = sys::rd_kafka_topic_partition_list_new(parts.len() as i32);
                    req.lists.push(l);
                    let mut ok = true;
                    for (t, p) in parts {
                        match CString::new(t.as_str()) {
                            Ok(t) => {
                                sys::rd_kafka_topic_partition_list_add(l, t.as_ptr(), *p);
                            }
                            Err(_) => ok = false,
                        }
                    }
                    if !ok {
                        results[i] = Some(Err("a topic name contains a NUL byte".into()));
                        continue;
                    }
                    l
                }
            };
            let r = sys::rd_kafka_ListConsumerGroupOffsets_new(name.as_ptr(), list);
            req.requests.push(r);
            let o = sys::rd_kafka_AdminOptions_new(rk, RDKafkaAdminOp::RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS);
            req.options.push(o);
            let mut errstr = [0 as c_char; 512];
            sys::rd_kafka_AdminOptions_set_request_timeout(o, ms, errstr.as_mut_ptr(), errstr.len());
            // The index comes back with the event, so a whole-request failure (timeout, no
            // coordinator) is charged to the right group.
            sys::rd_kafka_AdminOptions_set_opaque(o, (i + 1) as *mut c_void);
            let mut one = [r];
            sys::rd_kafka_ListConsumerGroupOffsets(rk, one.as_mut_ptr(), 1, o, req.queue);
            in_flight += 1;
        }

        while in_flight > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let ev = sys::rd_kafka_queue_poll(req.queue, left.as_millis().min(i32::MAX as u128) as i32);
            if ev.is_null() {
                continue;
            }
            req.events.push(ev);
            let idx = (sys::rd_kafka_event_opaque(ev) as usize).wrapping_sub(1);
            if idx >= groups.len() || results[idx].is_some() {
                continue;
            }
            in_flight -= 1;
            results[idx] = Some(read_event(ev));
        }
    }
    Ok(groups
        .iter()
        .zip(results)
        .map(|((g, _), r)| (g.clone(), r.unwrap_or_else(|| Err("timed out".into()))))
        .collect())
}

/// One ListConsumerGroupOffsets result event, read into owned data.
unsafe fn read_event(ev: *mut RDKafkaEvent) -> Result<Vec<Committed>, String> {
    // SAFETY: ev is a live event owned by the caller's guard.
    unsafe {
        let code = sys::rd_kafka_event_error(ev);
        if code != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
            let msg = text(sys::rd_kafka_event_error_string(ev));
            return Err(if code == RDKafkaRespErr::RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND {
                GROUP_NOT_FOUND.to_string()
            } else if unsupported(code) {
                format!("broker does not support OffsetFetch for all partitions of a group ({msg})")
            } else if code == RDKafkaRespErr::RD_KAFKA_RESP_ERR__TIMED_OUT {
                "timed out".into()
            } else {
                msg
            });
        }
        let result = sys::rd_kafka_event_ListConsumerGroupOffsets_result(ev);
        if result.is_null() {
            return Err("unexpected reply to OffsetFetch".into());
        }
        let mut cnt = 0usize;
        let gs = sys::rd_kafka_ListConsumerGroupOffsets_result_groups(result, &mut cnt);
        if gs.is_null() || cnt == 0 {
            return Ok(Vec::new());
        }
        let g = *gs;
        let err = sys::rd_kafka_group_result_error(g);
        if !err.is_null() {
            let code = sys::rd_kafka_error_code(err);
            let msg = text(sys::rd_kafka_error_string(err));
            return Err(if code == RDKafkaRespErr::RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND {
                GROUP_NOT_FOUND.to_string()
            } else if unsupported(code) {
                format!("broker does not support OffsetFetch ({msg})")
            } else {
                msg
            });
        }
        let parts = sys::rd_kafka_group_result_partitions(g);
        if parts.is_null() {
            return Ok(Vec::new());
        }
        let l = &*parts;
        let elems: &[sys::rd_kafka_topic_partition_t] =
            if l.elems.is_null() || l.cnt <= 0 { &[] } else { std::slice::from_raw_parts(l.elems, l.cnt as usize) };
        let mut out = Vec::with_capacity(elems.len());
        for e in elems {
            if e.err != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
                // A partition error (unknown topic, not authorised) is "no commit we can read".
                out.push(Committed { topic: text(e.topic), partition: e.partition, offset: None });
                continue;
            }
            out.push(Committed {
                topic: text(e.topic),
                partition: e.partition,
                // Negative offsets are Kafka's "no commit" sentinels (-1, -1001).
                offset: (e.offset >= 0).then_some(e.offset),
            });
        }
        Ok(out)
    }
}

/// Every group on the cluster with its type, state, members and their assignments, bounded by
/// `--timeout` (see [`list_all_raw`]).
/// The flag is true when some broker did not answer (the list may be incomplete).
pub async fn list(admin: &Arc<Admin>) -> Result<(Vec<Group>, bool)> {
    let me = Arc::clone(admin);
    let timeout = admin.settings.timeout;
    let fut = tokio::task::spawn_blocking(move || list_all_raw(me.client.inner().native_ptr(), timeout));
    bounded_join(admin, "ListGroups/DescribeConsumerGroups", fut).await
}

/// Committed offsets of many groups at once, bounded by `--timeout` (see [`committed_many_raw`]).
///
/// The requests go through a consumer handle (with a `group.id`, never joined), not the admin
/// client: librdkafka 2.12 dereferences a null consumer group when an OffsetFetch answer says
/// NOT_COORDINATOR on a client without one (librdkafka issue 5040), which Apache Kafka answers
/// while a group's coordinator loads. Those answers, and "coordinator loading/not available",
/// are asked again until the timeout.
pub async fn committed_many(admin: &Arc<Admin>, groups: Vec<GroupRequest>) -> Result<Vec<GroupOffsets>> {
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let settings = &admin.settings;
    let (consumer, ctx) = settings.consumer(Some(&groups[0].0), &[])?;
    let consumer = Arc::new(consumer);
    let timeout = settings.timeout;
    let c = Arc::clone(&consumer);
    let fut = tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + timeout;
        let rk = c.client().native_ptr();
        let mut done: BTreeMap<String, Result<Vec<Committed>, String>> = BTreeMap::new();
        let mut pending = groups;
        // Only the groups answered "not coordinator/loading" are asked again; the last answer
        // of each group is its result.
        super::retry::within(
            deadline,
            super::retry::COORDINATOR_PAUSE,
            |left| -> Result<bool, String> {
                let answers = committed_many_raw(rk, &pending, left.max(Duration::from_millis(200)))?;
                let mut again = Vec::new();
                for ((name, r), req) in answers.into_iter().zip(std::mem::take(&mut pending)) {
                    if r.as_ref().is_err_and(|e| super::retry::transient_text(e)) {
                        again.push(req);
                    }
                    done.insert(name, r);
                }
                pending = again;
                Ok(pending.is_empty())
            },
            |r| matches!(r, Ok(false)),
        )?;
        Ok(done.into_iter().collect())
    });
    let r = bounded_join(admin, "OffsetFetch (ListConsumerGroupOffsets)", fut).await;
    drop((consumer, ctx));
    r
}

/// The outcome of a change to one partition of a group (AlterConsumerGroupOffsets,
/// DeleteConsumerGroupOffsets): `error` is `None` when the broker applied it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionOutcome {
    pub topic: String,
    pub partition: i32,
    pub error: Option<String>,
}

/// A librdkafka object freed by its destructor when dropped (null is never freed).
struct Owned<T>(*mut T, unsafe extern "C" fn(*mut T));

impl<T> Drop for Owned<T> {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the pointer came from the constructor matching this destructor and is
            // freed exactly once, here.
            unsafe { (self.1)(self.0) }
        }
    }
}

/// The changes a coordinator is asked to make to one group.
#[derive(Debug, Clone)]
enum GroupChange {
    /// AlterConsumerGroupOffsets (OffsetCommit from outside the group).
    Alter(Vec<(String, i32, i64)>),
    /// DeleteConsumerGroupOffsets (OffsetDelete).
    DeleteOffsets(Vec<(String, i32)>),
    /// DeleteGroups.
    Delete,
}

impl GroupChange {
    fn api(&self) -> &'static str {
        match self {
            GroupChange::Alter(_) => "AlterConsumerGroupOffsets",
            GroupChange::DeleteOffsets(_) => "DeleteConsumerGroupOffsets",
            GroupChange::Delete => "DeleteGroups",
        }
    }
}

/// A coordinator's answer for one group: its own error, and each partition's error code.
#[derive(Debug, Default)]
struct GroupAnswer {
    error: Option<(RDKafkaRespErr, String)>,
    partitions: Vec<(String, i32, RDKafkaRespErr)>,
}

impl GroupAnswer {
    /// An answer a coordinator gives while it moves or loads: the request is worth sending again
    /// (every change here is idempotent: the same offsets, the same deletion).
    fn transient(&self) -> bool {
        let t = |c: RDKafkaRespErr| {
            matches!(
                c,
                RDKafkaRespErr::RD_KAFKA_RESP_ERR_NOT_COORDINATOR
                    | RDKafkaRespErr::RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS
                    | RDKafkaRespErr::RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE
            )
        };
        self.error.as_ref().is_some_and(|(c, m)| t(*c) || super::retry::transient_text(m))
            || self.partitions.iter().any(|(_, _, c)| t(*c))
    }
}

/// A topic-partition list of `(topic, partition, offset)`; `None` offsets are left unset.
///
/// # Safety
/// The returned list must be destroyed (the guard does it).
unsafe fn partition_list(parts: &[(String, i32, Option<i64>)]) -> Result<Owned<RDKafkaTopicPartitionList>, String> {
    // SAFETY: a fresh list, filled with copies of the names (librdkafka copies the strings).
    unsafe {
        let l = Owned(
            sys::rd_kafka_topic_partition_list_new(parts.len() as i32),
            sys::rd_kafka_topic_partition_list_destroy,
        );
        for (t, p, o) in parts {
            let name = CString::new(t.as_str()).map_err(|_| format!("topic name {t:?} contains a NUL byte"))?;
            let e = sys::rd_kafka_topic_partition_list_add(l.0, name.as_ptr(), *p);
            if let (Some(o), false) = (o, e.is_null()) {
                (*e).offset = *o;
            }
        }
        Ok(l)
    }
}

/// One group result (`rd_kafka_group_result_t`) read into owned data.
///
/// # Safety
/// `g` must be a live group result owned by a live event.
unsafe fn read_group_answer(g: *const sys::rd_kafka_group_result_t) -> GroupAnswer {
    // SAFETY: everything read lives as long as the event (caller's contract).
    unsafe {
        let mut out = GroupAnswer::default();
        let err = sys::rd_kafka_group_result_error(g);
        if !err.is_null() {
            out.error = Some((sys::rd_kafka_error_code(err), text(sys::rd_kafka_error_string(err))));
        }
        let parts = sys::rd_kafka_group_result_partitions(g);
        if !parts.is_null() {
            let l = &*parts;
            let elems: &[sys::rd_kafka_topic_partition_t] =
                if l.elems.is_null() || l.cnt <= 0 { &[] } else { std::slice::from_raw_parts(l.elems, l.cnt as usize) };
            out.partitions = elems.iter().map(|e| (text(e.topic), e.partition, e.err)).collect();
        }
        out
    }
}

/// Send one change for `group` to its coordinator and wait (at most `timeout`) for the answer.
///
/// `rk` must be a live client handle that outlives the call.
fn group_change_raw(
    rk: *mut RDKafka,
    group: &str,
    change: &GroupChange,
    timeout: Duration,
) -> Result<GroupAnswer, String> {
    let name = CString::new(group).map_err(|_| format!("group name {group:?} contains a NUL byte"))?;
    // SAFETY: rk is live (caller's contract). librdkafka copies the request objects when they are
    // enqueued, so the guards may free them when this function returns; the result objects read
    // below live until `call` (which owns the event) drops.
    unsafe {
        let wait = timeout + Duration::from_millis(500);
        let groups_of = |ev: *mut RDKafkaEvent| -> Result<Vec<GroupAnswer>, String> {
            let mut cnt = 0usize;
            let gs = match change {
                GroupChange::Alter(_) => {
                    let r = sys::rd_kafka_event_AlterConsumerGroupOffsets_result(ev);
                    if r.is_null() {
                        return Err("unexpected reply to AlterConsumerGroupOffsets".into());
                    }
                    sys::rd_kafka_AlterConsumerGroupOffsets_result_groups(r, &mut cnt)
                }
                GroupChange::DeleteOffsets(_) => {
                    let r = sys::rd_kafka_event_DeleteConsumerGroupOffsets_result(ev);
                    if r.is_null() {
                        return Err("unexpected reply to DeleteConsumerGroupOffsets".into());
                    }
                    sys::rd_kafka_DeleteConsumerGroupOffsets_result_groups(r, &mut cnt)
                }
                GroupChange::Delete => {
                    let r = sys::rd_kafka_event_DeleteGroups_result(ev);
                    if r.is_null() {
                        return Err("unexpected reply to DeleteGroups".into());
                    }
                    sys::rd_kafka_DeleteGroups_result_groups(r, &mut cnt)
                }
            };
            let gs: &[*const sys::rd_kafka_group_result_t] =
                if gs.is_null() || cnt == 0 { &[] } else { std::slice::from_raw_parts(gs, cnt) };
            Ok(gs.iter().map(|&g| read_group_answer(g)).collect())
        };
        let mut call;
        match change {
            GroupChange::Alter(offsets) => {
                let parts: Vec<_> = offsets.iter().map(|(t, p, o)| (t.clone(), *p, Some(*o))).collect();
                let list = partition_list(&parts)?;
                let req = Owned(
                    sys::rd_kafka_AlterConsumerGroupOffsets_new(name.as_ptr(), list.0),
                    sys::rd_kafka_AlterConsumerGroupOffsets_destroy,
                );
                call = AdminCall::new(rk, RDKafkaAdminOp::RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, timeout);
                let mut one = [req.0];
                sys::rd_kafka_AlterConsumerGroupOffsets(rk, one.as_mut_ptr(), 1, call.options, call.queue);
            }
            GroupChange::DeleteOffsets(ps) => {
                let parts: Vec<_> = ps.iter().map(|(t, p)| (t.clone(), *p, None)).collect();
                let list = partition_list(&parts)?;
                let req = Owned(
                    sys::rd_kafka_DeleteConsumerGroupOffsets_new(name.as_ptr(), list.0),
                    sys::rd_kafka_DeleteConsumerGroupOffsets_destroy,
                );
                call = AdminCall::new(rk, RDKafkaAdminOp::RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS, timeout);
                let mut one = [req.0];
                sys::rd_kafka_DeleteConsumerGroupOffsets(rk, one.as_mut_ptr(), 1, call.options, call.queue);
            }
            GroupChange::Delete => {
                let req = Owned(sys::rd_kafka_DeleteGroup_new(name.as_ptr()), sys::rd_kafka_DeleteGroup_destroy);
                call = AdminCall::new(rk, RDKafkaAdminOp::RD_KAFKA_ADMIN_OP_DELETEGROUPS, timeout);
                let mut one = [req.0];
                sys::rd_kafka_DeleteGroups(rk, one.as_mut_ptr(), 1, call.options, call.queue);
            }
        }
        // A request-level failure (no coordinator, timeout) is an answer too: it may be transient.
        let ev = match call.wait(wait) {
            Ok(ev) => ev,
            Err(e) => {
                let code = if call.event.is_null() {
                    RDKafkaRespErr::RD_KAFKA_RESP_ERR__TIMED_OUT
                } else {
                    sys::rd_kafka_event_error(call.event)
                };
                return Ok(GroupAnswer { error: Some((code, e)), partitions: Vec::new() });
            }
        };
        Ok(groups_of(ev)?.into_iter().next().unwrap_or_default())
    }
}

/// Run one change on `group`'s coordinator, asking again while the coordinator moves or loads,
/// all within `--timeout`.
///
/// Like [`committed_many`], the request goes through a consumer handle with the group's id
/// (never joined): librdkafka's coordinator requests on a client without a consumer group have
/// crashed on NOT_COORDINATOR answers (librdkafka issue 5040), which Apache Kafka gives while a
/// group's coordinator loads.
async fn change_group(admin: &Arc<Admin>, group: &str, change: GroupChange) -> Result<GroupAnswer> {
    let (consumer, ctx) = admin.settings.consumer(Some(group), &[])?;
    let consumer = Arc::new(consumer);
    let timeout = admin.settings.timeout;
    let c = Arc::clone(&consumer);
    let (name, api) = (group.to_string(), change.api());
    let fut = tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + timeout;
        let rk = c.client().native_ptr();
        super::retry::within(
            deadline,
            super::retry::COORDINATOR_PAUSE,
            |left| group_change_raw(rk, &name, &change, left.max(Duration::from_millis(200))),
            |r| r.as_ref().is_ok_and(GroupAnswer::transient),
        )
    });
    let r = bounded_join(admin, api, fut).await;
    drop((consumer, ctx));
    r
}

/// What a group-level or partition-level error means for someone changing a group from outside.
fn explain_change_error(code: RDKafkaRespErr, message: &str, api: &str, group: &str, topic: Option<&str>) -> String {
    use RDKafkaRespErr::*;
    let g = crate::term::sanitize::for_terminal(group);
    match code {
        RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID
        | RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION
        | RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS
        | RD_KAFKA_RESP_ERR_STALE_MEMBER_EPOCH
        | RD_KAFKA_RESP_ERR_FENCED_MEMBER_EPOCH
        | RD_KAFKA_RESP_ERR_NON_EMPTY_GROUP => {
            format!(
                "group '{g}' has active members; Kafka changes a group from outside only while it is empty ({})",
                err_name(code)
            )
        }
        RD_KAFKA_RESP_ERR_GROUP_SUBSCRIBED_TO_TOPIC => format!(
            "group '{g}' is subscribed to {}; its offsets there cannot be deleted while members consume it",
            topic.map_or_else(|| "the topic".to_string(), |t| format!("'{}'", crate::term::sanitize::for_terminal(t)))
        ),
        RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND => format!("no group '{g}'"),
        RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED => {
            let op = if api == "AlterConsumerGroupOffsets" { "Read" } else { "Delete" };
            format!("not authorized: {op} on group '{g}' ({api})")
        }
        RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED => format!(
            "not authorized: Read on topic '{}' ({api})",
            topic.map(crate::term::sanitize::for_terminal).unwrap_or_default()
        ),
        RD_KAFKA_RESP_ERR__TIMED_OUT => "timed out".into(),
        _ if unsupported(code) => format!("broker does not support {api} ({})", err_name(code)),
        _ if message.is_empty() => err_name(code),
        _ => message.to_string(),
    }
}

/// Turn an answer into one outcome per partition asked for (a group-level error applies to all).
fn outcomes(
    answer: GroupAnswer,
    api: &str,
    group: &str,
    asked: &[(String, i32)],
) -> Result<Vec<PartitionOutcome>, String> {
    if let Some((code, msg)) = &answer.error {
        return Err(explain_change_error(*code, msg, api, group, None));
    }
    Ok(asked
        .iter()
        .map(|(t, p)| {
            let code = answer.partitions.iter().find(|(at, ap, _)| at == t && ap == p).map(|x| x.2);
            let error = match code {
                Some(RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR) => None,
                Some(c) => Some(explain_change_error(c, "", api, group, Some(t))),
                None => Some(format!("no answer for this partition from {api}")),
            };
            PartitionOutcome { topic: t.clone(), partition: *p, error }
        })
        .collect())
}

/// Commit `offsets` for `group` from outside it (AlterConsumerGroupOffsets), for classic and
/// KIP-848 groups alike. Kafka takes them only while the group has no active members.
/// `Err` for a failure of the whole request; per-partition failures are in the outcomes.
pub async fn alter_offsets(
    admin: &Arc<Admin>,
    group: &str,
    offsets: Vec<(String, i32, i64)>,
) -> Result<Vec<PartitionOutcome>> {
    if offsets.is_empty() {
        return Ok(Vec::new());
    }
    let asked: Vec<(String, i32)> = offsets.iter().map(|(t, p, _)| (t.clone(), *p)).collect();
    let answer = change_group(admin, group, GroupChange::Alter(offsets)).await?;
    outcomes(answer, "AlterConsumerGroupOffsets", group, &asked)
        .map_err(|e| admin.settings.failure("AlterConsumerGroupOffsets", &admin.ctx, Some(e)))
}

/// Delete `group`'s committed offsets on these partitions (DeleteConsumerGroupOffsets).
pub async fn delete_offsets(
    admin: &Arc<Admin>,
    group: &str,
    parts: Vec<(String, i32)>,
) -> Result<Vec<PartitionOutcome>> {
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    let answer = change_group(admin, group, GroupChange::DeleteOffsets(parts.clone())).await?;
    outcomes(answer, "DeleteConsumerGroupOffsets", group, &parts)
        .map_err(|e| admin.settings.failure("DeleteConsumerGroupOffsets", &admin.ctx, Some(e)))
}

/// Delete a whole group with its committed offsets (DeleteGroups). `Ok(Err(reason))` when the
/// broker refused (members present, no such group, not authorized).
pub async fn delete_group(admin: &Arc<Admin>, group: &str) -> Result<Result<(), String>> {
    let answer = change_group(admin, group, GroupChange::Delete).await?;
    Ok(match answer.error {
        None => Ok(()),
        Some((code, msg)) => Err(explain_change_error(code, &msg, "DeleteGroups", group, None)),
    })
}

async fn bounded_join<T>(admin: &Admin, what: &str, fut: tokio::task::JoinHandle<Result<T, String>>) -> Result<T> {
    // The admin client (held by the task through its Arc) outlives the blocking call either way.
    match tokio::time::timeout(admin.settings.timeout + Duration::from_secs(2), fut).await {
        Err(_) => Err(admin.settings.failure(what, &admin.ctx, None)),
        Ok(Err(join)) => Err(anyhow::anyhow!("{what}: {join}")),
        Ok(Ok(r)) => r.map_err(|e| {
            if e == "timed out" {
                admin.settings.failure(what, &admin.ctx, None)
            } else {
                admin.settings.failure(what, &admin.ctx, Some(e))
            }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(version: i16, topics: &[(&str, &[i32])], user_data: &[u8]) -> Vec<u8> {
        let mut b = version.to_be_bytes().to_vec();
        b.extend((topics.len() as i32).to_be_bytes());
        for (t, ps) in topics {
            b.extend((t.len() as i16).to_be_bytes());
            b.extend(t.as_bytes());
            b.extend((ps.len() as i32).to_be_bytes());
            for p in *ps {
                b.extend(p.to_be_bytes());
            }
        }
        b.extend((user_data.len() as i32).to_be_bytes());
        b.extend(user_data);
        b
    }

    #[test]
    fn decodes_a_consumer_assignment() {
        let b = encode(1, &[("orders", &[0, 2]), ("payments", &[1])], b"xyz");
        let a = decode_assignment(&b).unwrap();
        assert_eq!(a.get("orders"), Some(&vec![0, 2]));
        assert_eq!(a.get("payments"), Some(&vec![1]));
        assert_eq!(a.len(), 2);
    }

    #[test]
    fn empty_assignment_owns_nothing() {
        assert_eq!(decode_assignment(&[]), Some(BTreeMap::new()));
        assert_eq!(decode_assignment(&encode(0, &[], &[])), Some(BTreeMap::new()));
    }

    #[test]
    fn garbage_is_rejected_not_panicked_on() {
        assert_eq!(decode_assignment(&[0]), None);
        assert_eq!(decode_assignment(&[0, 0, 0x7f, 0xff, 0xff, 0xff]), None);
        let mut b = encode(0, &[("orders", &[0, 1, 2])], &[]);
        b.truncate(b.len() - 9);
        assert_eq!(decode_assignment(&b), None);
        assert_eq!(decode_assignment(&[0xff, 0xff, 0, 0, 0, 1]), None);
        // Every prefix of a valid assignment and random bytes: no panic.
        let full = encode(3, &[("a", &[1, 2]), ("bb", &[3])], b"u");
        for n in 0..full.len() {
            let _ = decode_assignment(&full[..n]);
        }
        let mut x: u32 = 12345;
        for _ in 0..2000 {
            let len = (x % 40) as usize;
            let v: Vec<u8> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (x >> 16) as u8
                })
                .collect();
            let _ = decode_assignment(&v);
        }
    }
}
