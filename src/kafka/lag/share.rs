//! Share groups in a lag snapshot. A share group has no committed offsets: its progress is each
//! share partition's start offset (SPSO: everything before it is delivered and acknowledged), and
//! from Kafka 4.2 (DescribeShareGroupOffsets v1, KIP-1226) the broker computes the lag itself,
//! leaving out records acknowledged past the SPSO. So the snapshot shows the SPSO where a consumer
//! group has its committed offset, and Kafka's lag, not log end minus SPSO: that is what
//! `kafka-share-groups --describe --offsets` shows. On an older broker the lag is unknown, said so
//! in a warning, not guessed.
//!
//! Read with ShareGroupDescribe and DescribeShareGroupOffsets on the raw protocol path
//! ([`crate::kafka::wire::share`]); the time lag and retention risk then come as for consumer
//! groups, from the record at the SPSO.

use std::collections::BTreeMap;

use crate::kafka::Settings;
use crate::kafka::groups::Group;
use crate::kafka::wire::share::{self as wire, LAG_UNKNOWN, ShareGroup};
use crate::lag::report::GroupLag;
use crate::topics::manifest::Manifest;

/// Each share group read: the group (`None`: the coordinator has no share group of that name),
/// or why it could not be read.
pub(super) type Described = BTreeMap<String, Result<Option<ShareGroup>, String>>;

/// A share group's partitions (start offset, `None` when not initialised) and its error.
type Plan = (String, BTreeMap<(String, i32), Option<i64>>, Option<String>);

/// `names` split into the consumer groups and the share groups: listed as `share`, or (when the
/// cluster does not list it) declared `type: share` in the manifest.
pub(super) fn split(listed: &[Group], manifest: Option<&Manifest>, names: Vec<String>) -> (Vec<String>, Vec<String>) {
    names.into_iter().partition(|n| {
        let kind = match listed.iter().find(|g| &g.name == n) {
            Some(g) => Some(g.kind.as_str()),
            None => manifest.and_then(|m| m.group(n)).and_then(|g| g.kind.as_deref()),
        };
        kind != Some("share")
    })
}

/// Every share group in `names`, within `--timeout`; a cluster without share groups makes each
/// an error that says so.
pub(super) async fn read(settings: &Settings, names: &[String]) -> Described {
    if names.is_empty() {
        return Described::new();
    }
    match wire::describe_many(settings, names).await {
        Ok(m) => m.into_iter().map(|(n, r)| (n, r.map_err(|e| e.message().to_string()))).collect(),
        Err(e) => names.iter().map(|n| (n.clone(), Err(e.message().to_string()))).collect(),
    }
}

/// The listing with each described share group's state and members (added when the listing
/// did not have it).
pub(super) fn describe_into(listed: &mut Vec<Group>, described: &Described) {
    for g in described.values().filter_map(|r| r.as_ref().ok().and_then(Option::as_ref)) {
        match listed.iter_mut().find(|l| l.name == g.name) {
            Some(l) => *l = g.as_group(),
            None => listed.push(g.as_group()),
        }
    }
}

/// The share groups' partitions, as the consumer groups' committed offsets are planned: the
/// start offsets, and every partition a member is assigned (shown without one until Kafka
/// initialises it).
pub(super) fn plan(described: &Described) -> Vec<Plan> {
    described
        .iter()
        .map(|(name, r)| match r {
            Ok(Some(g)) => {
                let mut parts: BTreeMap<(String, i32), Option<i64>> = BTreeMap::new();
                for m in &g.members {
                    for (t, ps) in &m.assignment {
                        for p in ps {
                            parts.insert((t.clone(), *p), None);
                        }
                    }
                }
                for p in &g.partitions {
                    parts.insert((p.topic.clone(), p.partition), p.start_offset);
                }
                let errors: Vec<String> = g
                    .partitions
                    .iter()
                    .filter_map(|p| Some(format!("{}[{}]: {}", p.topic, p.partition, p.error.as_ref()?)))
                    .collect();
                (name.clone(), parts, (!errors.is_empty()).then(|| errors.join("; ")))
            }
            Ok(None) => (name.clone(), BTreeMap::new(), None),
            Err(e) => (name.clone(), BTreeMap::new(), Some(e.clone())),
        })
        .collect()
}

/// Kafka's lag in place of log end minus start offset, the type, and the error; a warning per
/// group whose broker is too old to give the lag.
pub(super) fn finish(groups: &mut [GroupLag], described: &Described, warnings: &mut Vec<String>) {
    for g in groups.iter_mut() {
        let Some(r) = described.get(&g.name) else { continue };
        g.kind = "share".into();
        match r {
            Ok(Some(sg)) => {
                g.error = plan(&BTreeMap::from([(g.name.clone(), r.clone())])).pop().and_then(|(_, _, e)| e);
                let lags: BTreeMap<(&str, i32), Option<i64>> =
                    sg.partitions.iter().map(|p| ((p.topic.as_str(), p.partition), p.lag)).collect();
                // Members share partitions: every one assigned is an owner.
                let mut owners: BTreeMap<(&str, i32), Vec<String>> = BTreeMap::new();
                for (m, who) in sg.members.iter().zip(sg.as_group().members.iter().map(|m| m.owner())) {
                    for (t, ps) in &m.assignment {
                        for p in ps {
                            owners.entry((t.as_str(), *p)).or_default().push(who.clone());
                        }
                    }
                }
                for p in &mut g.partitions {
                    p.lag = lags.get(&(p.topic.as_str(), p.partition)).copied().flatten();
                    p.time_lag_ms = (p.lag == Some(0)).then_some(0);
                    p.owner = owners.get(&(p.topic.as_str(), p.partition)).map(|o| o.join(", "));
                }
                if sg.offsets_version < 1 && !sg.partitions.is_empty() {
                    warnings
                        .push(format!("share group {}: {LAG_UNKNOWN}", crate::term::sanitize::for_terminal(&g.name)));
                }
            }
            Ok(None) => g.error = None,
            Err(e) => g.error = Some(e.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::wire::share::{ShareMember, SharePartition};
    use crate::lag::report::fixtures::{group, part};

    fn share(version: i16) -> ShareGroup {
        ShareGroup {
            name: "w".into(),
            state: "Stable".into(),
            members: vec![ShareMember {
                member_id: "m".into(),
                assignment: BTreeMap::from([("t".to_string(), vec![0, 1, 2])]),
                ..Default::default()
            }],
            partitions: vec![
                SharePartition { topic: "t".into(), partition: 0, start_offset: Some(3), lag: Some(1), error: None },
                SharePartition { topic: "t".into(), partition: 1, start_offset: None, lag: None, error: None },
            ],
            offsets_version: version,
            ..Default::default()
        }
    }

    #[test]
    fn share_groups_are_the_listed_ones_or_those_the_manifest_declares_before_they_exist() {
        let m = crate::topics::manifest::parse(
            "version: 1\ntopics:\n  - name: t\ngroups:\n  - name: later\n    topics: [t]\n    type: share\n  \
             - name: renamed\n    topics: [t]\n    type: share\n",
            std::path::Path::new("topics.yaml"),
        )
        .unwrap();
        let listed = |name: &str, kind: &str| Group { name: name.into(), kind: kind.into(), ..Default::default() };
        // `renamed` exists as a consumer group: the cluster's listing wins over the manifest.
        let all = [listed("live", "share"), listed("renamed", "classic"), listed("c", "consumer")];
        let names = ["live", "renamed", "c", "later", "unknown"].map(String::from).to_vec();
        let (consumer, share) = split(&all, Some(&m), names);
        assert_eq!(consumer, ["renamed", "c", "unknown"]);
        assert_eq!(share, ["live", "later"]);
    }

    #[test]
    fn assigned_partitions_without_state_are_planned_without_a_start_offset() {
        let d: Described = BTreeMap::from([("w".to_string(), Ok(Some(share(1))))]);
        let (_, parts, err) = plan(&d).pop().unwrap();
        assert_eq!(err, None);
        let got: Vec<_> = parts.into_iter().collect();
        assert_eq!(got, [(("t".to_string(), 0), Some(3)), (("t".to_string(), 1), None), (("t".to_string(), 2), None)]);
    }

    #[test]
    fn kafkas_lag_replaces_end_minus_start_and_an_old_broker_says_it_is_unknown() {
        // End 10, SPSO 3: end minus start would say 7; Kafka says 1 (records acknowledged past
        // the start offset are not lag).
        let mut gs = vec![group("w", vec![part("t", 0, Some(3), 10), part("t", 1, None, 10)], None)];
        let mut warnings = Vec::new();
        finish(&mut gs, &BTreeMap::from([("w".to_string(), Ok(Some(share(1))))]), &mut warnings);
        assert_eq!((gs[0].kind.as_str(), gs[0].total_lag(), gs[0].error.as_deref()), ("share", Some(1), None));
        assert!(warnings.is_empty());

        let mut old = share(0);
        old.partitions[0].lag = None;
        let mut gs = vec![group("w", vec![part("t", 0, Some(3), 10)], None)];
        finish(&mut gs, &BTreeMap::from([("w".to_string(), Ok(Some(old)))]), &mut warnings);
        assert_eq!(gs[0].total_lag(), None, "unknown, not 7");
        assert_eq!(warnings, [format!("share group w: {LAG_UNKNOWN}")]);

        let mut gs = vec![group("w", vec![], None)];
        finish(&mut gs, &BTreeMap::from([("w".to_string(), Err("no share groups here".to_string()))]), &mut warnings);
        assert_eq!(gs[0].error.as_deref(), Some("no share groups here"));
    }
}
