//! `evbus groups` against Apache Kafka, with real members of both protocols: every reset target
//! checked by reading the committed offsets back with a client of the test's own, refusals while
//! members are active, clamping to a log whose start DeleteRecords moved, the JSON plan read back
//! by `--from-file`, deletions, share groups listed, and lag in time and retention risk in `lag`,
//! `groups describe` and `health`.

use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::{Value, json};

const MINUTE: i64 = 60_000;

fn run(b: &Broker, args: &[&str]) -> (Option<i32>, Value, String) {
    let out = b.evbus().arg("groups").args(args).args(["-o", "json"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let doc = if out.stdout.is_empty() { Value::Null } else { stdout_json(&out) };
    (out.status.code(), doc, err)
}

/// `groups reset ... --yes -o json`, which must succeed; its result document.
fn reset(b: &Broker, group: &str, args: &[&str]) -> Value {
    let mut all = vec!["reset", group, "--yes"];
    all.extend_from_slice(args);
    let (code, doc, err) = run(b, &all);
    assert_eq!(code, Some(0), "reset {args:?}: {err}\n{doc:#}");
    assert_eq!(doc["applied"], true, "{doc:#}");
    doc
}

fn describe(b: &Broker, group: &str) -> Value {
    let (code, doc, err) = run(b, &["describe", group]);
    assert_eq!(code, Some(0), "{err}");
    doc
}

/// Wait until a group's members have left (a consumer's close is seen by the coordinator a
/// moment later).
fn wait_empty(b: &Broker, group: &str) {
    let start = Instant::now();
    loop {
        let d = describe(b, group);
        if d["members"].as_array().is_some_and(Vec::is_empty) {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "members never left {group}: {d:#}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn row<'a>(plan: &'a Value, p: i64) -> &'a Value {
    plan["partitions"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["partition"] == p))
        .unwrap_or_else(|| panic!("no partition {p} in {plan:#}"))
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Every target kind, on a classic group and on a KIP-848 group that real members of each
/// protocol created and left; each result read back with the test's own OffsetFetch.
#[test]
fn reset_every_target_kind_on_classic_and_kip848_groups() {
    let b = Broker::start();
    let t = b.unique("ledger");
    b.create_topic(&t, 2);
    // p0: 10 records ten minutes apart from three hours ago (offset i at t0 + 10i min); p1: 4.
    let t0 = now_ms() - 180 * MINUTE;
    b.produce_at(&t, 0, &(0..10).map(|i| t0 + i * 10 * MINUTE).collect::<Vec<_>>());
    b.produce_at(&t, 1, &(0..4).map(|i| t0 + i * 10 * MINUTE).collect::<Vec<_>>());

    for protocol in ["classic", "consumer"] {
        let g = b.unique(&format!("reset-{protocol}"));
        // A member of this protocol joins, commits offset 1 on p0, and leaves.
        drop(live_member(&b, &g, "resetter", protocol, &t, 2));
        wait_empty(&b, &g);
        assert_eq!(describe(&b, &g)["type"], protocol);
        assert_eq!(b.committed(&g, &t, 2), [Some(1), None]);

        // p1 has no commit: left alone, as kafka-consumer-groups --all-topics does, unless asked.
        let doc = reset(&b, &g, &["--topic", &t, "--to", "earliest"]);
        assert_eq!(doc["target"], "earliest");
        assert_eq!(
            (&row(&doc, 0)["current"], &row(&doc, 0)["new"], &row(&doc, 0)["reread"]),
            (&json!(1), &json!(0), &json!(1)),
            "{doc:#}"
        );
        assert_eq!((&row(&doc, 1)["new"], &doc["totals"]["uncommitted_left_alone"]), (&Value::Null, &json!(1)));
        assert_eq!(b.committed(&g, &t, 2), [Some(0), None], "{protocol}: earliest, committed partitions");
        let doc = reset(&b, &g, &["--topic", &t, "--to", "earliest", "--include-uncommitted"]);
        assert_eq!((&row(&doc, 1)["new"], &row(&doc, 1)["new_commit"]), (&json!(0), &json!(true)), "{doc:#}");
        assert_eq!(doc["totals"]["new_commits"], 1, "{doc:#}");
        assert_eq!(b.committed(&g, &t, 2), [Some(0), Some(0)], "{protocol}: earliest");

        let doc = reset(&b, &g, &["--all-topics", "--to", "latest"]);
        assert_eq!(row(&doc, 0)["skipped"], 10, "{doc:#}");
        assert_eq!(b.committed(&g, &t, 2), [Some(10), Some(4)], "{protocol}: latest");

        reset(&b, &g, &["--topic", &format!("{t}:1"), "--to-offset", "2"]);
        assert_eq!(b.committed(&g, &t, 2), [Some(10), Some(2)], "{protocol}: to-offset on p1 only");

        // The record at t0 + 50 min is offset 5 on p0; p1 has nothing that recent: its log end.
        let doc = reset(&b, &g, &["--topic", &t, "--to-datetime", &rfc3339(t0 + 50 * MINUTE)]);
        assert!(row(&doc, 1)["note"].as_str().unwrap().contains("no record at or after"), "{doc:#}");
        assert_eq!(b.committed(&g, &t, 2), [Some(5), Some(4)], "{protocol}: to-datetime");

        // 125 minutes ago falls between the records at t0 + 50 and t0 + 60 min: offset 6.
        reset(&b, &g, &["--topic", &format!("{t}:0"), "--by-duration", "125m"]);
        assert_eq!(b.committed(&g, &t, 2), [Some(6), Some(4)], "{protocol}: by-duration");

        reset(&b, &g, &["--all-topics", "--shift-by", "-3"]);
        assert_eq!(b.committed(&g, &t, 2), [Some(3), Some(1)], "{protocol}: shift-by -3");
        reset(&b, &g, &["--all-topics", "--shift-by", "+2"]);
        assert_eq!(b.committed(&g, &t, 2), [Some(5), Some(3)], "{protocol}: shift-by +2");

        let file = b.dir.path().join(format!("{g}.json"));
        std::fs::write(&file, json!({"partitions": [{"topic": t, "partition": 0, "new": 7}]}).to_string()).unwrap();
        reset(&b, &g, &["--from-file", file.to_str().unwrap()]);
        assert_eq!(b.committed(&g, &t, 2), [Some(7), Some(3)], "{protocol}: from-file");

        // Still the same type of group after all that.
        assert_eq!(describe(&b, &g)["type"], protocol);
    }
}

/// Members of both protocols: reset and delete refuse and name them, and nothing changes;
/// `--dry-run` still shows the plan. Also the list filters, on the same groups.
#[test]
fn reset_and_delete_refuse_while_members_are_active_naming_them() {
    let b = Broker::start();
    let t = b.unique("invoices");
    b.create_topic(&t, 2);
    produce_n(&b, &t, 0, 3);
    produce_n(&b, &t, 1, 3);
    let prefix = b.unique("busy");
    let (gc, gk) = (format!("{prefix}-classic"), format!("{prefix}-kip848"));
    let classic = live_member(&b, &gc, "billing-classic", "classic", &t, 2);
    let modern = live_member(&b, &gk, "billing-kip848", "consumer", &t, 2);

    for (g, who) in [(&gc, "billing-classic@"), (&gk, "billing-kip848@")] {
        let before = b.committed(g, &t, 2);
        assert_eq!(before, [Some(1), None]);
        let (code, _, err) = run(&b, &["reset", g, "--topic", &t, "--to", "earliest", "--yes"]);
        assert_eq!(code, Some(1), "{err}");
        assert!(err.contains(&format!("group {g} has 1 active member(s): {who}")), "{err}");
        assert!(err.contains("stop its consumers"), "{err}");
        let (code, _, err) = run(&b, &["delete", g, "--yes"]);
        assert_eq!(code, Some(1), "{err}");
        assert!(err.contains(who), "{err}");
        let (code, _, err) = run(&b, &["delete", g, "--topic", &t, "--yes"]);
        assert_eq!(code, Some(1), "{err}");
        assert!(err.contains(who), "{err}");
        assert_eq!(b.committed(g, &t, 2), before, "nothing changed");

        // A dry run shows the plan, and says the reset would be refused.
        let (code, plan, err) = run(&b, &["reset", g, "--topic", &t, "--to", "earliest", "--dry-run"]);
        assert_eq!(code, Some(0), "{err}");
        assert_eq!(row(&plan, 0)["new"], 0, "{plan:#}");
        assert!(err.contains(who), "{err}");
    }

    // The list and its filters: a regex, --type, --state.
    let names = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["list", prefix.as_str()];
        all.extend_from_slice(args);
        let (code, doc, err) = run(&b, &all);
        assert_eq!(code, Some(0), "{err}");
        doc["groups"].as_array().unwrap().iter().map(|g| g["group"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(names(&[]), [gc.clone(), gk.clone()]);
    assert_eq!(names(&["--type", "consumer"]), [gk.clone()]);
    assert_eq!(names(&["--type", "classic", "--type", "consumer", "--state", "stable"]), [gc.clone(), gk.clone()]);
    assert!(names(&["--state", "empty"]).is_empty());
    let (_, doc, _) = run(&b, &["list", &prefix]);
    for g in doc["groups"].as_array().unwrap() {
        assert_eq!((&g["state"], &g["members"], &g["total_lag"]), (&json!("Stable"), &json!(1), &json!(2)), "{g}");
        assert_eq!(g["topics"], json!([t]));
    }
    let (code, _, err) = run(&b, &["list", "("]);
    assert_eq!(code, Some(2), "{err}");

    drop((classic, modern));
}

/// DeleteRecords moves the log start: a committed offset below it is reported as records lost
/// to retention (a failed health check), and reset targets outside the log are clamped.
#[test]
fn lost_records_are_reported_and_targets_past_either_end_are_clamped() {
    let b = Broker::start();
    let t = b.unique("audit");
    let g = b.unique("auditor");
    b.create_topic(&t, 1);
    produce_n(&b, &t, 0, 10);
    b.commit(&g, &[(&t, 0, 2)]);
    b.delete_records(&t, 0, 5);

    let out = b.evbus().args(["lag", &g, "-o", "json"]).output().unwrap();
    let doc = stdout_json(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    let p = &doc["groups"][0]["partitions"][0];
    assert_eq!(
        (&p["committed"], &p["log_start"], &p["lost_to_retention"]),
        (&json!(2), &json!(5), &json!(3)),
        "{doc:#}"
    );
    assert_eq!(doc["groups"][0]["lost_to_retention"], 3);
    assert!(
        err.contains(&format!("3 records removed by retention or DeleteRecords before group {g} read them")),
        "{err}"
    );
    // The time lag is the age of the oldest record left (offset 5), seconds old.
    assert!(p["time_lag_ms"].as_i64().is_some_and(|a| (0..120_000).contains(&a)), "{p}");

    write_topics_yaml(
        &b,
        &format!("version: 1\ntopics:\n  - name: {t}\n    partitions: 1\ngroups:\n  - name: {g}\n    topics: [{t}]\n"),
    );
    let out = b.evbus().args(["health", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let doc = stdout_json(&out);
    let c = doc["checks"].as_array().unwrap().iter().find(|c| c["name"] == format!("group {g}")).unwrap().clone();
    assert_eq!(c["status"], "fail", "{c}");
    assert!(
        c["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("3 records removed by retention or DeleteRecords before group {g} read them")),
        "{c}"
    );

    // Before the log start: clamped to it, with a note.
    let (code, plan, err) = run(&b, &["reset", &g, "--topic", &t, "--to-offset", "1", "--dry-run"]);
    assert_eq!(code, Some(0), "{err}");
    let r = row(&plan, 0);
    assert_eq!(
        (&r["current"], &r["new"], &r["log_start"], &r["log_end"]),
        (&json!(2), &json!(5), &json!(5), &json!(10))
    );
    assert_eq!(r["note"], "1 is before the log start: clamped to 5");
    assert_eq!(b.committed(&g, &t, 1), [Some(2)], "a dry run changes nothing");
    // Past the log end: clamped to it.
    let doc = reset(&b, &g, &["--topic", &t, "--to-offset", "50"]);
    assert_eq!(row(&doc, 0)["note"], "50 is past the log end: clamped to 10");
    assert_eq!(b.committed(&g, &t, 1), [Some(10)]);
    let doc = reset(&b, &g, &["--topic", &t, "--shift-by", "-100"]);
    assert_eq!((&row(&doc, 0)["new"], &row(&doc, 0)["reread"]), (&json!(5), &json!(5)));
    assert_eq!(b.committed(&g, &t, 1), [Some(5)]);

    // Already at the log start: nothing to change, nothing asked.
    let out =
        b.evbus().args(["groups", "reset", &g, "--topic", &t, "--to", "earliest", "-o", "table"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to change"));
    // Without a terminal, the plan is printed before refusing to go on without --yes.
    let out = b.evbus().args(["groups", "reset", &g, "--topic", &t, "--to", "latest", "-o", "table"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Reset plan for group") && text.contains("current"), "{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    assert_eq!(b.committed(&g, &t, 1), [Some(5)]);
}

/// `-o json --dry-run` writes the plan in the shape `--from-file` applies, as written or edited.
#[test]
fn json_plan_round_trips_through_from_file() {
    let b = Broker::start();
    let t = b.unique("shipments");
    let g = b.unique("shipper");
    b.create_topic(&t, 2);
    produce_n(&b, &t, 0, 6);
    produce_n(&b, &t, 1, 6);
    b.commit(&g, &[(&t, 0, 6), (&t, 1, 5)]);

    let out = b
        .evbus()
        .args(["groups", "reset", &g, "--all-topics", "--shift-by", "-4", "--dry-run", "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let plan = stdout_json(&out);
    assert_eq!(plan["group"], g.as_str());
    assert_eq!((&row(&plan, 0)["new"], &row(&plan, 1)["new"]), (&json!(2), &json!(1)));
    assert_eq!(b.committed(&g, &t, 2), [Some(6), Some(5)], "a dry run changes nothing");

    let file = b.dir.path().join("plan.json");
    std::fs::write(&file, &out.stdout).unwrap();
    let doc = reset(&b, &g, &["--from-file", file.to_str().unwrap()]);
    assert_eq!(doc["target"], "offsets from a plan file");
    assert_eq!(b.committed(&g, &t, 2), [Some(2), Some(1)]);

    // Edited by hand: only the rows with a new offset are applied.
    let mut edited = plan.clone();
    edited["partitions"][0]["new"] = json!(4);
    edited["partitions"][1]["new"] = Value::Null;
    std::fs::write(&file, edited.to_string()).unwrap();
    reset(&b, &g, &["--from-file", file.to_str().unwrap()]);
    assert_eq!(b.committed(&g, &t, 2), [Some(4), Some(1)]);

    // Not a plan: an error before anything changes.
    std::fs::write(&file, "[1, 2]").unwrap();
    let (code, _, err) = run(&b, &["reset", &g, "--from-file", file.to_str().unwrap(), "--yes"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("not a reset plan"), "{err}");
    // Exactly one target, and partitions to reset, are required.
    let (code, _, err) = run(&b, &["reset", &g, "--to", "earliest", "--yes"]);
    assert_eq!(code, Some(2), "{err}");
    let (code, _, err) = run(&b, &["reset", &g, "--all-topics", "--to", "earliest", "--to-offset", "3"]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(b.committed(&g, &t, 2), [Some(4), Some(1)]);

    // Kafka's export CSV is a plan too; a bad line is named by its number, and nothing changes.
    let csv = b.dir.path().join("plan.csv");
    std::fs::write(&csv, format!("{t},0,3\n{t},1,one\n")).unwrap();
    let (code, _, err) = run(&b, &["reset", &g, "--from-file", csv.to_str().unwrap(), "--yes"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("plan.csv: line 2: \"one\" is not an offset"), "{err}");
    std::fs::write(&csv, format!("{t},0,3\n{t},1,0\n\n")).unwrap();
    reset(&b, &g, &["--from-file", csv.to_str().unwrap()]);
    assert_eq!(b.committed(&g, &t, 2), [Some(3), Some(0)]);

    // A group that does not exist yet has no commits: `--topic T` alone leaves it as it is, and
    // says how to create its offsets.
    let fresh = b.unique("fresh");
    let (code, plan, err) = run(&b, &["reset", &fresh, "--topic", &t, "--to", "earliest", "--yes"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(plan["totals"]["uncommitted_left_alone"], 2, "{plan:#}");
    assert!(err.contains("has no committed offsets: add --include-uncommitted"), "{err}");
    assert_eq!(b.committed(&fresh, &t, 2), [None, None]);
    reset(&b, &fresh, &["--topic", &t, "--to", "earliest", "--include-uncommitted"]);
    assert_eq!(b.committed(&fresh, &t, 2), [Some(0), Some(0)]);
}

#[test]
fn delete_offsets_of_one_topic_then_the_group() {
    let b = Broker::start();
    let (t1, t2) = (b.unique("old-topic"), b.unique("kept-topic"));
    let g = b.unique("retiring");
    b.create_topic(&t1, 1);
    b.create_topic(&t2, 1);
    produce_n(&b, &t1, 0, 3);
    produce_n(&b, &t2, 0, 3);
    b.commit(&g, &[(&t1, 0, 3), (&t2, 0, 2)]);

    let (code, plan, err) = run(&b, &["delete", &g, "--topic", &t1, "--dry-run"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(plan["offsets"], json!([{"topic": t1, "partition": 0, "committed": 3}]));
    assert_eq!(b.committed(&g, &t1, 1), [Some(3)]);
    let out = b.evbus().args(["groups", "delete", &g, "--topic", &t1]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "no terminal, no --yes");

    let (code, doc, err) = run(&b, &["delete", &g, "--topic", &t1, "--yes"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(doc["deleted"], true);
    assert_eq!(b.committed(&g, &t1, 1), [None]);
    assert_eq!(b.committed(&g, &t2, 1), [Some(2)], "the other topic's offsets stay");

    let (code, plan, _) = run(&b, &["delete", &g, "--dry-run"]);
    assert_eq!(code, Some(0));
    assert_eq!(plan["offsets"], json!([{"topic": t2, "partition": 0, "committed": 2}]));
    let (code, doc, err) = run(&b, &["delete", &g, "--yes"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(doc["deleted"], true);
    assert_eq!(b.committed(&g, &t2, 1), [None]);
    let (_, doc, _) = run(&b, &["list", &g]);
    assert_eq!(doc["groups"], json!([]), "{doc:#}");
    let (code, _, err) = run(&b, &["delete", &g, "--yes"]);
    assert_eq!(code, Some(1));
    assert!(err.contains(&format!("no group {g}")), "{err}");
}

/// Time lag within a tolerance of records with known (old) timestamps; `--max-time-lag`.
#[test]
fn time_lag_is_the_age_of_the_first_unconsumed_record() {
    let b = Broker::start();
    let t = b.unique("telemetry");
    let g = b.unique("dashboards");
    b.create_topic(&t, 2);
    // p0: records one hour, 50, 40, 30 minutes old; p1: fresh records, fully consumed.
    let now = now_ms();
    b.produce_at(&t, 0, &[now - 60 * MINUTE, now - 50 * MINUTE, now - 40 * MINUTE, now - 30 * MINUTE]);
    produce_n(&b, &t, 1, 3);
    b.commit(&g, &[(&t, 0, 0), (&t, 1, 3)]);

    let near = |v: &Value, want: i64| {
        let got = v.as_i64().unwrap_or_else(|| panic!("no time lag: {v}"));
        // The records' age grows while the test runs: allow two minutes.
        assert!((want..want + 120_000).contains(&got), "time lag {got} ms, expected about {want} ms");
    };
    let out = b.evbus().args(["lag", &g, "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = stdout_json(&out);
    let grp = &doc["groups"][0];
    near(&grp["partitions"][0]["time_lag_ms"], 60 * MINUTE);
    assert_eq!(grp["partitions"][1]["time_lag_ms"], 0, "no lag, no time lag");
    near(&grp["max_time_lag_ms"], 60 * MINUTE);

    let out = b.evbus().args(["lag", &g, "--max-time-lag", "30m", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("lag over threshold: {g} (time lag 1h0")), "{err}");
    assert_eq!(stdout_json(&out)["groups"][0]["status"], "OVER");
    let out = b.evbus().args(["lag", &g, "--max-time-lag", "2h", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));

    // Two records consumed: the first unconsumed one is 40 minutes old.
    b.commit(&g, &[(&t, 0, 2)]);
    let doc = describe(&b, &g);
    near(&doc["partitions"][0]["time_lag_ms"], 40 * MINUTE);
    assert_eq!(doc["members"], json!([]));
    let out = b.evbus().args(["groups", "describe", &g, "-o", "table"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("time lag 40m") && text.contains("No active members."), "{text}");

    // health shows it in the group's detail.
    write_topics_yaml(
        &b,
        &format!("version: 1\ntopics:\n  - name: {t}\n    partitions: 2\ngroups:\n  - name: {g}\n    topics: [{t}]\n"),
    );
    let out = b.evbus().args(["health", "-o", "json"]).output().unwrap();
    let doc = stdout_json(&out);
    let c = doc["checks"].as_array().unwrap().iter().find(|c| c["name"] == format!("group {g}")).unwrap().clone();
    assert_eq!(c["status"], "ok", "{c}");
    assert!(c["detail"].as_str().unwrap().contains("time lag 40m"), "{c}");
}

/// Unconsumed records at 83% of the topic's retention.ms: a warning with the time left, in
/// `lag`, and in `health` (a failure with --strict); `--retention-warn 90%` silences it.
#[test]
fn retention_risk_warns_with_the_time_left() {
    let b = Broker::start();
    let t = b.unique("clicks");
    let g = b.unique("analytics");
    b.create_topic_with(&t, 1, &[("retention.ms", "7200000")]);
    let now = now_ms();
    b.produce_at(&t, 0, &[now - 100 * MINUTE, now - 90 * MINUTE]);
    b.commit(&g, &[(&t, 0, 0)]);

    let out = b.evbus().args(["lag", &g, "-o", "json"]).output().unwrap();
    assert!(out.status.success());
    let doc = stdout_json(&out);
    let risk = &doc["groups"][0]["partitions"][0]["retention_risk"];
    assert_eq!(risk["retention_ms"], 7_200_000, "{doc:#}");
    let left = risk["left_ms"].as_i64().unwrap();
    assert!((20 * MINUTE - 120_000..=20 * MINUTE).contains(&left), "{risk}");
    assert!(risk["percent"].as_f64().unwrap() >= 83.0, "{risk}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("retention risk") && err.contains(&format!("{t}[0] is 1h40m old")), "{err}");
    assert!(err.contains("left before retention deletes it"), "{err}");

    let out = b.evbus().args(["lag", &g, "--retention-warn", "90%", "-o", "json"]).output().unwrap();
    assert_eq!(stdout_json(&out)["groups"][0]["partitions"][0]["retention_risk"], Value::Null);
    let out = b.evbus().args(["lag", &g, "--retention-warn", "0%"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));

    write_topics_yaml(
        &b,
        &format!(
            "version: 1\ntopics:\n  - name: {t}\n    partitions: 1\n    config:\n      retention.ms: 2h\ngroups:\n  - name: {g}\n    topics: [{t}]\n"
        ),
    );
    let out = b.evbus().args(["health", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = stdout_json(&out);
    let c = doc["checks"].as_array().unwrap().iter().find(|c| c["name"] == format!("group {g}")).unwrap().clone();
    assert_eq!(c["status"], "warn", "{c}");
    assert!(c["detail"].as_str().unwrap().starts_with("retention risk: "), "{c}");
    let out = b.evbus().args(["health", "--strict", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let out = b.evbus().args(["health", "--retention-warn", "95%", "-o", "json"]).output().unwrap();
    let doc = stdout_json(&out);
    let c = doc["checks"].as_array().unwrap().iter().find(|c| c["name"] == format!("group {g}")).unwrap().clone();
    assert_eq!(c["status"], "ok", "{c}");
}

/// A share group made by Kafka's own share consumer is listed with its type and state (ListGroups
/// v5, which librdkafka does not ask), described with its members on its own API, part of `lag`,
/// and reset through AlterShareGroupOffsets (tests/it/share.rs has the rest).
#[test]
fn share_groups_are_listed_described_and_lagged_as_share_groups() {
    let b = Broker::start();
    let t = b.unique("tasks");
    let g = b.unique("workers");
    b.create_topic(&t, 1);
    produce_n(&b, &t, 0, 2);
    // The console share consumer joins the share group (which creates it) and stops after 5 s
    // without records; whether it read any does not matter here.
    let out = b.kafka_tool(
        "org.apache.kafka.tools.consumer.ConsoleShareConsumer",
        &["--bootstrap-server", &b.internal, "--topic", &t, "--group", &g, "--timeout-ms", "5000"],
    );
    let start = Instant::now();
    let listed = loop {
        let (code, doc, err) = run(&b, &["list", &g]);
        assert_eq!(code, Some(0), "{err}");
        if let Some(x) = doc["groups"].as_array().and_then(|gs| gs.first()).cloned() {
            break x;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "share group {g} never listed; the share consumer said:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!(listed["type"], "share", "{listed}");
    assert_eq!((&listed["state"], &listed["members"]), (&json!("Empty"), &json!(0)), "{listed}");
    assert_eq!(listed["topics"], json!([t]), "{listed}");
    let (_, doc, _) = run(&b, &["list", &g, "--type", "share"]);
    assert_eq!(doc["groups"].as_array().unwrap().len(), 1);
    let (_, doc, _) = run(&b, &["list", &g, "--type", "classic"]);
    assert_eq!(doc["groups"], json!([]));

    // ShareGroupDescribe: no members left, not "not available".
    let d = describe(&b, &g);
    assert_eq!((&d["type"], &d["members"]), (&json!("share"), &json!([])), "{d}");
    let out = b.evbus().args(["groups", "describe", &g, "-o", "table"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(share, Empty)") && text.contains("No active members."), "{text}");

    // A share group is part of `lag`, with its type.
    let out = b.evbus().args(["lag", "-o", "json"]).output().unwrap();
    let doc = stdout_json(&out);
    let lg = doc["groups"].as_array().unwrap().iter().find(|x| x["group"] == g.as_str()).cloned();
    assert_eq!(lg.unwrap_or_else(|| panic!("{g} not in {doc:#}"))["type"], "share");
}

/// Issue 26: `groups reset -o json >/dev/full` reset the offsets and exited 1 as if it had not (a
/// retry of `--shift-by` shifts twice). Now exit 6 with the count on stderr.
#[test]
fn a_full_stdout_after_a_reset_says_the_offsets_moved() {
    let b = Broker::start();
    let t = b.unique("fulldisk");
    let g = b.unique("fulldisk-group");
    b.create_topic(&t, 1);
    produce_n(&b, &t, 0, 6);
    b.commit(&g, &[(&t, 0, 6)]);
    let (code, err) = evbus_to_full_disk(
        b.dir.path(),
        &["-b", &b.bootstrap, "groups", "reset", &g, "--all-topics", "--shift-by", "-4", "--yes", "-o", "json"],
    );
    assert_eq!(code, Some(6), "{err}");
    assert!(err.contains("applied, but the output could not be written"), "{err}");
    assert!(err.contains(&format!("1 of 1 partition offset(s) of group {g} reset")), "{err}");
    assert_eq!(b.committed(&g, &t, 1), [Some(2)]);
}

/// Issue 26, item 4: `groups delete` to a full stdout deleted the group (or its offsets) and
/// exited 1 as if it had not. Now exit 6, saying what was deleted.
#[test]
fn a_full_stdout_after_a_delete_says_what_was_deleted() {
    let b = Broker::start();
    let t = b.unique("fulldel");
    let (g1, g2) = (b.unique("fulldel-offsets"), b.unique("fulldel-group"));
    b.create_topic(&t, 1);
    produce_n(&b, &t, 0, 3);
    b.commit(&g1, &[(&t, 0, 2)]);
    b.commit(&g2, &[(&t, 0, 3)]);
    let (code, err) =
        evbus_to_full_disk(b.dir.path(), &["-b", &b.bootstrap, "groups", "delete", &g1, "--topic", &t, "--yes"]);
    assert_eq!(code, Some(6), "{err}");
    assert!(err.contains(&format!("1 of 1 committed offset(s) of group {g1} deleted")), "{err}");
    assert_eq!(b.committed(&g1, &t, 1), [None]);
    let (code, err) =
        evbus_to_full_disk(b.dir.path(), &["-b", &b.bootstrap, "groups", "delete", &g2, "--yes", "-o", "json"]);
    assert_eq!(code, Some(6), "{err}");
    assert!(err.contains("applied, but the output could not be written"), "{err}");
    assert!(err.contains(&format!("group {g2} deleted")), "{err}");
    assert_eq!(b.committed(&g2, &t, 1), [None]);
}

/// Issue 26, item 7 (offset commits): one commit is one append to `__consumer_offsets`, which must
/// fit its `max.message.bytes` (1 MiB by default, about 7,000 to 12,000 partitions); a larger one
/// was refused on every partition ("Unknown broker error") and nothing was reset. Here the limit
/// is made small (45 kB, so 700 partitions are over it): the reset goes through in parts.
#[test]
fn a_reset_too_large_for_one_commit_goes_through_in_parts() {
    let b =
        Broker::private(BrokerOpts { props: vec![("message.max.bytes".into(), "45000".into())], ..Default::default() });
    let t = b.unique("wide");
    let g = b.unique("wide-group");
    b.create_topic(&t, 700);
    b.commit(&g, &[(&t, 0, 0)]);
    let out = b
        .evbus()
        .args([
            "groups",
            "reset",
            &g,
            "--topic",
            &t,
            "--to",
            "earliest",
            "--include-uncommitted",
            "--yes",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{}", &err[err.len().saturating_sub(2000)..]);
    assert_eq!(stdout_json(&out)["applied"], true);
    assert_eq!(b.committed(&g, &t, 700), vec![Some(0); 700]);
}
