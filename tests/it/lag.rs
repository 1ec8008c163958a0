//! `evbus lag` against a real broker: exact lag from commits the test makes, uncommitted
//! partitions, manifest groups without offsets, `--max-lag` exit codes, live members, `--watch`
//! verdicts driven by commits between samples, Ctrl-C, and a dead broker.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::{Value, json};

fn run_json(b: &Broker, args: &[&str]) -> (Option<i32>, Value, String) {
    let out = b.evbus().arg("lag").args(args).args(["-o", "json"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code(), stdout_json(&out), stderr)
}

fn group<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["groups"]
        .as_array()
        .and_then(|gs| gs.iter().find(|g| g["group"] == name))
        .unwrap_or_else(|| panic!("group {name} not in {doc:#}"))
}

/// A copy of an array of objects without one key.
pub(crate) fn without(v: &Value, key: &str) -> Value {
    let mut v = v.clone();
    for o in v.as_array_mut().into_iter().flatten() {
        o.as_object_mut().map(|o| o.remove(key));
    }
    v
}

fn position(doc: &Value, name: &str) -> usize {
    doc["groups"].as_array().unwrap().iter().position(|g| g["group"] == name).unwrap()
}

/// The evbus binary with piped output, for commands that stream (`--watch`).
fn spawn_evbus(b: &Broker, args: &[&str]) -> Child {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("evbus"));
    for v in ["EVBUS_BROKERS", "KAFKA_BROKERS", "KAFKA_BOOTSTRAP_SERVERS", "EVBUS_CONTEXT", "EVBUS_CONFIG", "NO_COLOR"]
    {
        c.env_remove(v);
    }
    c.env("XDG_CONFIG_HOME", "/nonexistent-evbus-test")
        .current_dir(b.dir.path())
        .args(["-b", &b.bootstrap])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c.spawn().unwrap()
}

fn wait_for(child: &mut Child, limit: Duration) -> Option<i32> {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s.code();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("evbus did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn exact_lag_per_partition_with_uncommitted_partitions_sorted_by_lag() {
    let b = Broker::start();
    let t = b.unique("orders");
    b.create_topic(&t, 3);
    produce_n(&b, &t, 0, 10);
    produce_n(&b, &t, 1, 5);
    produce_n(&b, &t, 2, 7);
    let small = b.unique("billing");
    let big = b.unique("search");
    // small: 6 behind on p0, caught up on p1, never committed on p2.
    b.commit(&small, &[(&t, 0, 4), (&t, 1, 5)]);
    // big: 10 + 5 + 0 behind.
    b.commit(&big, &[(&t, 0, 0), (&t, 1, 0), (&t, 2, 7)]);

    let (code, doc, err) = run_json(&b, &[]);
    assert_eq!(code, Some(0), "{err}");
    let g = group(&doc, &small);
    assert_eq!(g["total_lag"], 6);
    assert_eq!(g["max_lag"], 6);
    assert_eq!(g["status"], "OK");
    assert_eq!(g["members"], 0);
    assert_ne!(g["state"], "no offsets");
    // The records were just written: p0's oldest unconsumed one is seconds old (checked apart,
    // as it depends on the clock); p1 has no lag, so no time lag; p2 has no commit.
    let age = g["partitions"][0]["time_lag_ms"].as_i64().unwrap_or_else(|| panic!("{g:#}"));
    assert!((0..120_000).contains(&age), "{g:#}");
    assert_eq!(g["max_time_lag_ms"], age);
    assert_eq!(
        without(&g["partitions"], "time_lag_ms"),
        json!([
            {"topic": t, "partition": 0, "committed": 4, "end": 10, "lag": 6, "log_start": 0,
             "lost_to_retention": 0, "retention_risk": null},
            {"topic": t, "partition": 1, "committed": 5, "end": 5, "lag": 0, "log_start": 0,
             "lost_to_retention": 0, "retention_risk": null},
            {"topic": t, "partition": 2, "committed": null, "end": 7, "lag": null, "log_start": 0,
             "lost_to_retention": null, "retention_risk": null},
        ])
    );
    assert_eq!(g["partitions"][1]["time_lag_ms"], 0);
    assert_eq!(g["partitions"][2]["time_lag_ms"], Value::Null);
    assert_eq!(g["lost_to_retention"], 0);
    let g = group(&doc, &big);
    assert_eq!(g["total_lag"], 15);
    assert_eq!(g["max_lag"], 10);
    // Sorted by total lag, largest first.
    assert!(position(&doc, &big) < position(&doc, &small), "{doc:#}");

    // A named group gets the per-partition table; the uncommitted partition says so, not "0".
    let out = b.evbus().args(["lag", &small, "-o", "table"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let row = text.lines().find(|l| l.contains(&t) && l.contains(" 2 ")).unwrap_or_else(|| panic!("{text}"));
    assert!(row.contains("no offset"), "{text}");
    assert!(text.contains("total lag"), "{text}");
    // Named groups restrict the output to them.
    let (_, doc, _) = run_json(&b, &[&small]);
    assert_eq!(doc["groups"].as_array().unwrap().len(), 1);
}

#[test]
fn manifest_groups_without_commits_show_as_no_offsets_and_their_max_lag_applies() {
    let b = Broker::start();
    let t = b.unique("lagtest.order.placed");
    let g = b.unique("fulfilment");
    b.create_topic(&t, 2);
    produce_n(&b, &t, 0, 8);
    write_topics_yaml(
        &b,
        &format!(
            "version: 1\ntopics:\n  - name: {t}\n    partitions: 2\ngroups:\n  - name: {g}\n    topics: [{t}]\n    max_lag: 5\n"
        ),
    );

    let (code, doc, err) = run_json(&b, &[]);
    assert_eq!(code, Some(0), "{err}");
    let row = group(&doc, &g);
    assert_eq!(row["state"], "no offsets");
    assert_eq!(row["total_lag"], Value::Null);
    assert_eq!(row["members"], 0);
    assert_eq!(
        row["partitions"],
        json!([
            {"topic": t, "partition": 0, "committed": null, "end": 8, "lag": null, "log_start": 0,
             "time_lag_ms": null, "lost_to_retention": null, "retention_risk": null},
            {"topic": t, "partition": 1, "committed": null, "end": 0, "lag": null, "log_start": 0,
             "time_lag_ms": null, "lost_to_retention": null, "retention_risk": null},
        ])
    );

    // Once it commits 8 behind, the manifest's max_lag (5) makes the run exit 5, naming it.
    b.commit(&g, &[(&t, 0, 0)]);
    let (code, doc, err) = run_json(&b, &[]);
    assert_eq!(code, Some(5), "{err}");
    assert!(err.contains(&format!("{g} (8 > 5)")), "{err}");
    assert_eq!(group(&doc, &g)["status"], "OVER");
    assert_eq!(group(&doc, &g)["partitions"][1]["committed"], Value::Null);
    // --max-lag overrides the manifest (named, as other tests' groups share this broker).
    let (code, _, err) = run_json(&b, &["--max-lag", "8", &g]);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn max_lag_exits_5_naming_only_the_groups_over() {
    let b = Broker::start();
    let t = b.unique("payments");
    b.create_topic(&t, 1);
    produce_n(&b, &t, 0, 20);
    let behind = b.unique("behind");
    let close = b.unique("close");
    b.commit(&behind, &[(&t, 0, 5)]);
    b.commit(&close, &[(&t, 0, 18)]);

    let (code, doc, err) = run_json(&b, &["--max-lag", "10", &behind, &close]);
    assert_eq!(code, Some(5), "{err}");
    assert!(err.contains(&format!("{behind} (15 > 10)")), "{err}");
    assert!(!err.contains(&close), "{err}");
    assert_eq!(group(&doc, &behind)["status"], "OVER");
    assert_eq!(group(&doc, &close)["status"], "OK");

    // Exactly at the threshold is not over.
    let (code, _, err) = run_json(&b, &["--max-lag", "15", &behind, &close]);
    assert_eq!(code, Some(0), "{err}");
}

/// Consumer groups of both protocols side by side, each with a live member: `lag`, `lag` with
/// owners per partition, and `health` give each its type, state, members and owners. (The
/// classic DescribeGroups answers "not found" for a KIP-848 group: a tool that only asks it
/// shows such a group as dead.)
#[test]
fn consumer_groups_of_both_protocols_side_by_side() {
    let b = Broker::start();
    let t = b.unique("clicks");
    b.create_topic(&t, 2);
    produce_n(&b, &t, 0, 4);
    produce_n(&b, &t, 1, 6);
    let (gc, gk) = (b.unique("analytics-classic"), b.unique("analytics-kip848"));
    let classic = live_member(&b, &gc, "classic-member", "classic", &t, 2);
    let modern = live_member(&b, &gk, "kip848-member", "consumer", &t, 2);

    let (code, doc, err) = run_json(&b, &[&gc, &gk]);
    assert_eq!(code, Some(0), "{err}");
    for (g, kind, who) in [(&gc, "classic", "classic-member@"), (&gk, "consumer", "kip848-member@")] {
        let row = group(&doc, g);
        assert_eq!(row["type"], kind, "{doc:#}");
        assert_eq!(row["state"], "Stable", "{doc:#}");
        assert_eq!(row["members"], 1);
        assert_eq!(row["total_lag"], 3);
        let parts = row["partitions"].as_array().unwrap();
        assert_eq!(parts.len(), 2, "both assigned partitions are listed, the uncommitted one as such");
        assert_eq!(parts[1]["committed"], Value::Null);
        assert_eq!(parts[1]["end"], 6);
        for p in parts {
            assert!(p["owner"].as_str().is_some_and(|o| o.starts_with(who)), "owner of {p} should be {who}…");
        }
    }
    // Without names: both are listed with their type.
    let (_, doc, _) = run_json(&b, &[]);
    assert_eq!(group(&doc, &gc)["type"], "classic");
    assert_eq!(group(&doc, &gk)["type"], "consumer");

    let out = b.evbus().args(["lag", &gc, &gk, "-o", "table"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("owner") && text.contains("type"), "{text}");
    for who in ["classic-member@", "kip848-member@"] {
        let owned = text.lines().filter(|l| l.contains(&t) && l.contains(who)).count();
        assert_eq!(owned, 2, "both partitions owned by {who}:\n{text}");
    }

    // health with a manifest that names both groups.
    write_topics_yaml(
        &b,
        &format!(
            "version: 1\ntopics:\n  - name: {t}\n    partitions: 2\ngroups:\n  - name: {gc}\n    topics: [{t}]\n  - name: {gk}\n    topics: [{t}]\n"
        ),
    );
    let out = b.evbus().args(["health", "-o", "json"]).output().unwrap();
    let doc = stdout_json(&out);
    let checks = doc["checks"].as_array().unwrap();
    for (g, proto) in [(&gc, "classic protocol"), (&gk, "consumer protocol (KIP-848)")] {
        let c = checks.iter().find(|c| c["name"] == format!("group {g}")).unwrap_or_else(|| panic!("{doc:#}"));
        assert_eq!(c["status"], "ok", "{c}");
        let d = c["detail"].as_str().unwrap();
        assert!(d.contains("1 member") && d.contains("Stable") && d.contains(proto), "{d}");
    }
    drop((classic, modern));
}

/// Lines of a `--watch -o json` run, with `between(n)` called after sample n is printed (and
/// before the next one is taken: the pause between samples follows the print).
fn watch(b: &Broker, args: &[&str], mut between: impl FnMut(usize)) -> (Vec<Value>, Option<i32>, String) {
    let mut child = spawn_evbus(b, args);
    let stdout = child.stdout.take().unwrap();
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        lines.push(v);
        between(lines.len());
    }
    let code = wait_for(&mut child, Duration::from_secs(60));
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    (lines, code, err)
}

fn partition<'a>(sample: &'a Value, g: &str) -> &'a Value {
    &group(sample, g)["partitions"][0]
}

#[test]
fn watch_verdicts_follow_the_commits_stall_warn_ok() {
    let b = Broker::start();
    let (ts, tw, to) = (b.unique("stalled"), b.unique("falling-behind"), b.unique("catching-up"));
    let (gs, gw, go) = (b.unique("gs"), b.unique("gw"), b.unique("go"));
    for t in [&ts, &tw, &to] {
        b.create_topic(t, 1);
        produce_n(&b, t, 0, 10);
    }
    let (cs, cw, co) = (Committer::new(&b, &gs), Committer::new(&b, &gw), Committer::new(&b, &go));
    cs.commit(&[(&ts, 0, 2)]); // lag 8, and it never moves: STALL
    cw.commit(&[(&tw, 0, 5)]); // lag 5 → 7 → 9 while committing: WARN
    co.commit(&[(&to, 0, 2)]); // lag 8 → 4 → 1: OK

    let args = ["lag", &gs, &gw, &go, "--watch", "--samples", "3", "--interval", "1s", "-o", "json"];
    let (samples, code, err) = watch(&b, &args, |n| match n {
        1 => {
            produce_n(&b, &tw, 0, 5);
            cw.commit(&[(&tw, 0, 8)]);
            co.commit(&[(&to, 0, 6)]);
        }
        2 => {
            produce_n(&b, &tw, 0, 5);
            cw.commit(&[(&tw, 0, 11)]);
            co.commit(&[(&to, 0, 9)]);
        }
        _ => {}
    });
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(samples.len(), 3, "{samples:#?}");
    // The commits landed between samples as intended (otherwise the verdicts below mean nothing).
    let observed = |g: &str, t: &str| -> Vec<(i64, i64)> {
        samples
            .iter()
            .map(|s| {
                let p = partition(s, g);
                assert_eq!(p["topic"], t);
                (p["committed"].as_i64().unwrap(), p["lag"].as_i64().unwrap())
            })
            .collect()
    };
    assert_eq!(observed(&gs, &ts), [(2, 8), (2, 8), (2, 8)]);
    assert_eq!(observed(&gw, &tw), [(5, 5), (8, 7), (11, 9)]);
    assert_eq!(observed(&go, &to), [(2, 8), (6, 4), (9, 1)]);
    assert_eq!(samples.iter().map(|s| s["sample"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 2, 3]);

    // One sample with lag: nothing to judge but the threshold (0), so WARN for all three.
    for g in [&gs, &gw, &go] {
        assert_eq!(partition(&samples[0], g)["status"], "WARN", "{g}: {:#}", samples[0]);
        assert_eq!(group(&samples[0], g)["status"], "WARN");
    }
    for s in &samples[1..] {
        assert_eq!(partition(s, &gs)["status"], "STALL", "{s:#}");
        assert_eq!(group(s, &gs)["status"], "ERR");
        assert_eq!(partition(s, &gw)["status"], "WARN", "{s:#}");
        assert_eq!(group(s, &gw)["status"], "WARN");
        assert_eq!(partition(s, &go)["status"], "OK", "{s:#}");
        assert_eq!(group(s, &go)["status"], "OK");
    }
    assert!(err.contains("evbus: 3 sample(s) of 3 group(s): 1 OK, 1 WARN, 1 ERR"), "{err}");

    // Rates and the time to catch up, from the second sample on.
    assert!(group(&samples[0], &go).get("rates").is_none(), "{:#}", samples[0]);
    for s in &samples[1..] {
        // Catching up: commits moved, nothing was produced.
        let r = &group(s, &go)["rates"];
        assert!(r["consume_per_s"].as_f64().unwrap() > 0.0, "{s:#}");
        assert_eq!(r["produce_per_s"], 0.0, "{s:#}");
        assert!(r["catch_up_s"].as_f64().is_some_and(|c| c > 0.0), "{s:#}");
        // Stalled: nothing moves, it never catches up.
        let r = &group(s, &gs)["rates"];
        assert_eq!((&r["consume_per_s"], &r["produce_per_s"]), (&json!(0.0), &json!(0.0)), "{s:#}");
        assert_eq!(r["catch_up_s"], Value::Null, "{s:#}");
        // Falling behind: 5 produced for 3 consumed per interval.
        let r = &group(s, &gw)["rates"];
        assert!(r["produce_per_s"].as_f64().unwrap() > r["consume_per_s"].as_f64().unwrap(), "{s:#}");
        assert_eq!(r["catch_up_s"], Value::Null, "{s:#}");
    }
}

#[test]
fn watch_rewind_and_catch_up() {
    let b = Broker::start();
    let t = b.unique("replayed");
    let g = b.unique("replayer");
    b.create_topic(&t, 1);
    produce_n(&b, &t, 0, 10);
    let c = Committer::new(&b, &g);
    c.commit(&[(&t, 0, 6)]);
    let args = ["lag", &g, "--watch", "--samples", "3", "--interval", "1s", "-o", "json"];
    let (samples, code, err) = watch(&b, &args, |n| match n {
        1 => c.commit(&[(&t, 0, 3)]),  // went backwards: REWIND
        2 => c.commit(&[(&t, 0, 10)]), // caught up: OK whatever came before
        _ => {}
    });
    assert_eq!(code, Some(0), "{err}");
    let statuses: Vec<&Value> = samples.iter().map(|s| &partition(s, &g)["status"]).collect();
    assert_eq!(statuses, ["WARN", "REWIND", "OK"], "{samples:#?}");
    assert_eq!(group(&samples[1], &g)["status"], "ERR");
}

#[test]
fn ctrl_c_in_watch_exits_130_with_a_summary() {
    let b = Broker::start();
    let t = b.unique("events");
    let g = b.unique("watcher");
    b.create_topic(&t, 1);
    produce_n(&b, &t, 0, 3);
    b.commit(&g, &[(&t, 0, 1)]);
    let mut child = spawn_evbus(&b, &["lag", &g, "--watch", "--interval", "500ms", "-o", "json"]);
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    let v: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(partition(&v, &g)["lag"], 2);
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let code = wait_for(&mut child, Duration::from_secs(10));
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert_eq!(code, Some(130), "{err}");
    assert!(err.contains("evbus: interrupted: "), "{err}");
    assert!(err.contains("of 1 group(s)"), "{err}");
}

#[test]
fn dead_broker_is_an_error_within_the_timeout() {
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let out = evbus_cmd()
        .current_dir(dir.path())
        .args(["-b", &format!("127.0.0.1:{port}"), "--timeout", "2s", "lag", "-o", "json"])
        .output()
        .unwrap();
    let took = start.elapsed();
    assert_eq!(out.status.code(), Some(1));
    assert!(took < Duration::from_secs(6), "took {took:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("metadata request") && err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert!(out.stdout.is_empty());
}

/// Typos are loud: a group named explicitly that the cluster has never seen and the manifest
/// does not declare is an error (not "OK"); a watch interval that would spin is refused.
#[test]
fn an_unknown_group_is_an_error_and_intervals_have_a_minimum() {
    let b = Broker::start();
    let ghost = b.unique("no-such-group");
    let out = b.evbus().args(["lag", &ghost, "-o", "json"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("unknown consumer group '{ghost}'")), "{err}");
    assert!(out.stdout.is_empty());
    // Declared in the manifest: not a typo, a group not deployed yet.
    write_topics_yaml(&b, &format!("version: 1\ngroups:\n  - name: {ghost}\n    topics: []\n"));
    let (code, doc, err) = run_json(&b, &[&ghost]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(group(&doc, &ghost)["state"], "no offsets");

    let out = b.evbus().args(["lag", "--watch", "--interval", "0s"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 500ms"));
}

/// Hundreds of groups committed at distinct offsets of one partition with a backlog, beside a
/// group lagging on another topic. Reading their time lag used to move one consumer from offset
/// to offset by re-assigning it round after round, which made librdkafka abort (`rktp_started`,
/// exit 134) and, past the deadline, re-assign back to back. Every run now exits 0 with every
/// group's exact lag and its time lag read.
#[test]
fn hundreds_of_groups_at_distinct_offsets_of_one_partition_never_abort() {
    let b = Broker::start();
    let t = b.unique("backlog");
    b.create_topic(&t, 1);
    produce_n(&b, &t, 0, 1_500);
    let other = b.unique("elsewhere");
    b.create_topic(&other, 1);
    produce_n(&b, &other, 0, 40);
    let prefix = b.unique("crowd");
    let crowd: Vec<(String, i64)> = (0..300).map(|i| (format!("{prefix}-{i:03}"), i * 5)).collect();
    std::thread::scope(|s| {
        for chunk in crowd.chunks(40) {
            let (b, t) = (&b, &t);
            s.spawn(move || {
                for (g, o) in chunk {
                    b.commit(g, &[(t, 0, *o)]);
                }
            });
        }
    });
    let laggard = b.unique("laggard");
    b.commit(&laggard, &[(&other, 0, 10)]);

    let mut names: Vec<&str> = crowd.iter().map(|(g, _)| g.as_str()).collect();
    names.push(&laggard);
    // Every run first, so that a failure says how many of the five failed and how.
    let runs: Vec<_> = (0..5)
        .map(|_| {
            let start = Instant::now();
            let out = b.evbus().arg("lag").args(&names).args(["-o", "json"]).output().unwrap();
            (out, start.elapsed())
        })
        .collect();
    let codes: Vec<Option<i32>> = runs.iter().map(|(out, _)| out.status.code()).collect();
    let failed: Vec<String> = runs
        .iter()
        .filter(|(out, _)| out.status.code() != Some(0))
        .map(|(out, took)| format!("{:?} after {took:?}: {}", out.status, String::from_utf8_lossy(&out.stderr)))
        .collect();
    assert_eq!(codes, [Some(0); 5], "{failed:#?}");
    for (run, (out, _)) in runs.iter().enumerate() {
        let (doc, err) = (stdout_json(out), String::from_utf8_lossy(&out.stderr));
        assert!(!err.contains("unknown"), "run {run}: {err}");
        for (g, committed) in &crowd {
            let p = &group(&doc, g)["partitions"][0];
            assert_eq!((&p["committed"], &p["lag"]), (&json!(committed), &json!(1_500 - committed)), "run {run}: {p}");
            assert!(p["time_lag_ms"].as_i64().is_some_and(|a| (0..600_000).contains(&a)), "run {run}: {p}");
        }
        let p = &group(&doc, &laggard)["partitions"][0];
        assert_eq!(p["lag"], 30, "run {run}: {p}");
        assert!(p["time_lag_ms"].is_i64(), "run {run}: {p}");
    }
    // `--watch` reads the same way every sample.
    let out = b
        .evbus()
        .args(["lag", "--watch", "--samples", "3", "--interval", "500ms"])
        .args(&names)
        .args(["-o", "json"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{:?}: {err}", out.status);
    assert_eq!(json_lines(&out).len(), 3, "{err}");
}

/// A committed offset below a log start that DeleteRecords moved up to the log end: no record is
/// left to date the lag with, and `lag` / `groups describe` answer at once rather than waiting
/// out `--timeout` for one.
#[test]
fn a_commit_below_an_emptied_log_does_not_wait_out_the_timeout() {
    let b = Broker::start();
    let t = b.unique("emptied");
    let g = b.unique("slowpoke");
    b.create_topic(&t, 1);
    produce_n(&b, &t, 0, 10);
    b.commit(&g, &[(&t, 0, 2)]);
    b.delete_records(&t, 0, 10);

    let start = Instant::now();
    let (code, doc, err) = run_json(&b, &[&g, "--timeout", "20s"]);
    let took = start.elapsed();
    assert_eq!(code, Some(0), "{err}");
    assert!(took < Duration::from_secs(8), "took {took:?}: {err}");
    let p = &group(&doc, &g)["partitions"][0];
    assert_eq!(
        (&p["committed"], &p["log_start"], &p["end"], &p["lag"], &p["lost_to_retention"]),
        (&json!(2), &json!(10), &json!(10), &json!(8), &json!(8)),
        "{p}"
    );

    let start = Instant::now();
    let out = b.evbus().args(["groups", "describe", &g, "--timeout", "20s", "-o", "json"]).output().unwrap();
    let took = start.elapsed();
    assert!(out.status.code().is_some_and(|c| c != 134), "{out:?}");
    assert!(took < Duration::from_secs(8), "took {took:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A committed offset above the log end (the topic was recreated, or someone reset too far): the
/// group's consumers will fall back to `auto.offset.reset`, and `lag` says so in JSON (a field and
/// a warning on stderr) and in text, instead of a silent lag of 0.
#[test]
fn a_commit_past_the_log_end_is_noted() {
    let b = Broker::start();
    let t = b.unique("rewound");
    let g = b.unique("from-the-future");
    b.create_topic(&t, 2);
    produce_n(&b, &t, 0, 10);
    produce_n(&b, &t, 1, 10);
    b.commit(&g, &[(&t, 0, 25), (&t, 1, 4)]);

    let (code, doc, err) = run_json(&b, &[&g]);
    assert_eq!(code, Some(0), "{err}");
    let parts = &group(&doc, &g)["partitions"];
    let p0 = parts.as_array().unwrap().iter().find(|p| p["partition"] == 0).unwrap();
    let p1 = parts.as_array().unwrap().iter().find(|p| p["partition"] == 1).unwrap();
    assert_eq!((&p0["lag"], &p0["past_end"]), (&json!(0), &json!(15)), "{p0}");
    assert_eq!(p1.get("past_end"), None, "{p1}");
    let note = format!("group {g}: committed offset 25 of {t}[0] is 15 past the log end (10)");
    assert!(err.contains(&note) && err.contains("auto.offset.reset"), "{err}");

    let out = b.evbus().args(["lag", &g, "-o", "table"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&note) && text.contains("auto.offset.reset"), "{text}");
    // `groups describe` shares the note.
    let out = b.evbus().args(["groups", "describe", &g, "-o", "table"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&note), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
}

/// A thousand groups at offsets of one partition all too far apart to read through (each one a
/// seek): their time lag is read within the default `--timeout`, none left unknown.
#[test]
fn a_thousand_groups_at_far_apart_offsets_fit_in_the_timeout() {
    let b = Broker::start();
    let t = b.unique("sparse");
    b.create_topic(&t, 1);
    for _ in 0..26 {
        produce_n(&b, &t, 0, 10_000);
    }
    let prefix = b.unique("many");
    let crowd: Vec<(String, i64)> = (0..1000).map(|i| (format!("{prefix}-{i:04}"), i * 260)).collect();
    std::thread::scope(|s| {
        for chunk in crowd.chunks(50) {
            let (b, t) = (&b, &t);
            s.spawn(move || {
                for (g, o) in chunk {
                    b.commit(g, &[(t, 0, *o)]);
                }
            });
        }
    });
    let names: Vec<&str> = crowd.iter().map(|(g, _)| g.as_str()).collect();
    let start = Instant::now();
    let (code, doc, err) = run_json(&b, &names);
    let took = start.elapsed();
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("unknown"), "after {took:?}: {err}");
    for (g, committed) in &crowd {
        let p = &group(&doc, g)["partitions"][0];
        assert_eq!(p["lag"], 260_000 - committed, "{p}");
        assert!(p["time_lag_ms"].is_i64(), "{p}");
    }
}
