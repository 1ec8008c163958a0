//! The JSON shape of a lag snapshot: `lag -o json` (one document, or one line per `--watch`
//! sample) and the group part of `groups describe -o json`. Field names are part of the CLI's
//! contract: scripts read them.

use serde::Serialize;

use super::report::{GroupLag, PartitionLag};
use super::timelag::{self, Risk};
use super::verdict::PartitionStatus;
use super::watch::Verdicts;

/// One partition of a group in the JSON output.
#[derive(Serialize)]
pub struct PartitionJson<'a> {
    topic: &'a str,
    partition: i32,
    committed: Option<i64>,
    end: Option<i64>,
    lag: Option<i64>,
    /// Omitted when the snapshot did not read log-start offsets (`groups list`).
    #[serde(skip_serializing_if = "Option::is_none")]
    log_start: Option<i64>,
    time_lag_ms: Option<i64>,
    /// Records removed by retention or DeleteRecords before the group read them (named before
    /// the wording said both).
    lost_to_retention: Option<i64>,
    retention_risk: Option<Risk>,
    /// How far the committed offset is above the log end (consumers will hit
    /// `auto.offset.reset`); omitted when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    past_end: Option<i64>,
    /// `client-id@host` of the member assigned this partition.
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<PartitionStatus>,
}

/// `--watch`: offsets per second and the estimated time to catch up (from the second sample on).
#[derive(Serialize)]
pub struct RatesJson {
    consume_per_s: f64,
    produce_per_s: f64,
    /// Seconds until the lag is gone at these rates; `null` when it is not shrinking.
    catch_up_s: Option<f64>,
}

/// One consumer group in the JSON output, with its totals and partitions.
#[derive(Serialize)]
pub struct GroupJson<'a> {
    group: &'a str,
    /// `classic` or `consumer` (KIP-848); omitted when unknown.
    #[serde(rename = "type", skip_serializing_if = "str::is_empty")]
    kind: &'a str,
    state: &'a str,
    members: usize,
    total_lag: Option<i64>,
    max_lag: Option<i64>,
    max_time_lag_ms: Option<i64>,
    lost_to_retention: i64,
    /// `OK`/`OVER`/`ERROR` from thresholds, or the `--watch` verdict (`OK`/`WARN`/`ERR`).
    pub status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rates: Option<RatesJson>,
    partitions: Vec<PartitionJson<'a>>,
}

/// `lag -o json`.
#[derive(Serialize)]
pub struct LagJson<'a> {
    /// Every group asked about, in the order they were read.
    pub groups: Vec<GroupJson<'a>>,
}

/// One `--watch` sample as a JSON line.
#[derive(Serialize)]
pub struct SampleJson<'a> {
    /// Sample number, from 1.
    pub sample: usize,
    /// Milliseconds since the watch started.
    pub elapsed_ms: i64,
    /// Wall-clock time of the sample, RFC 3339 in UTC with milliseconds.
    pub time: String,
    /// Every watched group at this sample.
    pub groups: Vec<GroupJson<'a>>,
}

/// A group as `lag -o json` prints it (for `groups describe`).
pub fn group_doc(g: &GroupLag) -> GroupJson<'_> {
    group_json(g, None)
}

/// A group with, under `--watch`, its verdicts and rates.
pub fn group_json<'a>(g: &'a GroupLag, verdicts: Option<&'a Verdicts>) -> GroupJson<'a> {
    let v = verdicts.and_then(|v| v.get(&g.name));
    GroupJson {
        group: &g.name,
        kind: &g.kind,
        state: &g.state,
        members: g.members,
        total_lag: g.total_lag(),
        max_lag: g.max_lag(),
        max_time_lag_ms: g.max_time_lag_ms(),
        lost_to_retention: g.lost(),
        status: match v {
            Some(gv) if g.error.is_none() => gv.status.as_str(),
            Some(_) => "ERR",
            None => g.threshold_status(),
        },
        rates: v.and_then(|gv| gv.rates).map(|r| RatesJson {
            consume_per_s: r.consume_per_s,
            produce_per_s: r.produce_per_s,
            catch_up_s: timelag::catch_up(g.total_lag().unwrap_or(0), r).seconds(),
        }),
        partitions: g
            .partitions
            .iter()
            .map(|p: &'a PartitionLag| PartitionJson {
                topic: &p.topic,
                partition: p.partition,
                committed: p.committed,
                end: p.end,
                lag: p.lag,
                log_start: p.log_start,
                time_lag_ms: p.time_lag_ms,
                lost_to_retention: p.lost,
                retention_risk: p.risk,
                past_end: p.past_end(),
                owner: p.owner.as_deref(),
                status: v.and_then(|gv| gv.partitions.get(&(p.topic.clone(), p.partition)).copied()),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lag::report::fixtures::{group, part};
    use crate::lag::watch::{Windows, judge};

    #[test]
    fn a_group_document_keeps_its_field_names() {
        let mut g = group("g", vec![part("t", 0, Some(5), 10)], Some(3));
        g.partitions[0].owner = Some("c@h".into());
        let v = serde_json::to_value(group_doc(&g)).unwrap();
        assert_eq!(v["group"], "g");
        assert_eq!(v["type"], "classic");
        assert_eq!(v["total_lag"], 5);
        assert_eq!(v["status"], "OVER");
        assert_eq!(v["lost_to_retention"], 0);
        assert!(v.get("rates").is_none());
        let p = &v["partitions"][0];
        assert_eq!((p["committed"].as_i64(), p["end"].as_i64(), p["owner"].as_str()), (Some(5), Some(10), Some("c@h")));
        assert!(p.get("status").is_none(), "no verdict without --watch");
        g.kind.clear();
        assert!(serde_json::to_value(group_doc(&g)).unwrap().get("type").is_none());
    }

    #[test]
    fn watch_documents_carry_verdicts_and_rates() {
        let g = vec![group("g", vec![part("t", 0, Some(5), 10)], None)];
        let mut w = Windows::new();
        judge(&mut w, &g, 0, 5);
        let verdicts = judge(&mut w, &g, 1000, 5);
        let v = serde_json::to_value(group_json(&g[0], Some(&verdicts))).unwrap();
        assert_eq!(v["status"], verdicts["g"].status.as_str());
        assert!(v["partitions"][0].get("status").is_some());
        assert!(v.get("rates").is_some());
    }
}
