//! A second worked example, unlike the README's: the psychotherapy matching platform of the
//! seeds (`004_*`). Its topics come from a `create-topics.sh` (six topics, three partitions, no
//! overrides), its events are the `EventSchema` envelope with several event types per topic
//! (a `oneOf` per topic schema), and its services use kafka-python, a client that is not
//! librdkafka and has no lz4 unless asked. evbus adopts the cluster (`topics export`), produces
//! samples and replays dead letters the platform wrote, and the platform's consumer reads every
//! one of them; `health --brokers-only` answers within the compose healthcheck's 5 s.
//!
//! kafka-python comes from PyPI into a venv cached across runs (`venv_python`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::*;

/// The platform's topics, as `docker/kafka/create-topics.sh` creates them.
const TOPICS: [&str; 6] = [
    "patient-events",
    "therapist-events",
    "matching-events",
    "communication-events",
    "email-commands",
    "geocoding-requests",
];

fn fixtures() -> PathBuf {
    repo_root().join("tests/fixtures/seed004")
}

/// A Python with kafka-python (and nothing else: no lz4, no zstd), in a venv under
/// `$XDG_CACHE_HOME/evbus` (else `~/.cache/evbus`), made once and reused. It is built beside its
/// final place and renamed into it, so an interrupted run never leaves a half-made venv behind.
fn venv_python() -> PathBuf {
    const KAFKA_PYTHON: &str = "kafka-python==3.0.12";
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
        .expect("neither XDG_CACHE_HOME nor HOME is set")
        .join("evbus");
    let venv = cache.join("venv-kafka-python-3.0.12");
    let python = venv.join("bin/python");
    let works = |p: &Path| Command::new(p).args(["-c", "import kafka"]).output().is_ok_and(|o| o.status.success());
    if works(&python) {
        return python;
    }
    std::fs::create_dir_all(&cache).unwrap();
    let tmp = cache.join(format!("venv-kafka-python.{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let run = |c: &mut Command, what: &str| {
        let out = c.output().unwrap_or_else(|e| panic!("{what}: cannot run ({e}); install python3 and python3-venv"));
        assert!(
            out.status.success(),
            "{what} failed (python3-venv and access to PyPI are needed):\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(Command::new("python3").args(["-m", "venv"]).arg(&tmp), "python3 -m venv");
    run(
        Command::new(tmp.join("bin/pip")).args(["install", "-q", "--disable-pip-version-check", KAFKA_PYTHON]),
        "pip install kafka-python",
    );
    // Another run may have finished first: its venv is as good as this one.
    if std::fs::rename(&tmp, &venv).is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    // A venv's scripts name its directory: the renamed one is used through its python only.
    assert!(works(&python), "the venv at {} cannot import kafka", venv.display());
    python
}

/// `services.py ARGS` with the venv's Python: its stdout, or a panic with its stderr.
fn platform(python: &Path, args: &[&str]) -> String {
    let out = Command::new(python).arg(fixtures().join("services.py")).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "services.py {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `topics plan` against the cluster: exit 0 with `--detailed-exitcode` and no changes.
fn plan_is_clean(b: &Broker, manifest: &str, prune: bool) {
    let mut args = vec!["topics", "plan", "-f", manifest, "--detailed-exitcode", "-o", "json"];
    if prune {
        args.push("--prune");
    }
    let out = b.evbus().args(&args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout_json(&out)["changes"], serde_json::json!([]));
}

#[test]
fn the_matching_platform_end_to_end() {
    let started = Instant::now();
    // Whole-cluster export and --prune: a broker of its own. The venv is made meanwhile.
    let venv = std::thread::spawn(venv_python);
    let b = Broker::private(BrokerOpts::default());
    crate::export::create_topics(&b, &TOPICS.map(|t| (t, 3, &[][..])));

    // Adopted: the export is the committed worked example (but for the broker's address;
    // EVBUS_BLESS=1 rewrites it), and plan finds nothing to change, with --prune too (nothing else is on this cluster).
    b.evbus().args(["topics", "export", "-f", "topics.yaml"]).assert().success();
    let exported = std::fs::read_to_string(b.dir.path().join("topics.yaml")).unwrap();
    if std::env::var_os("EVBUS_BLESS").is_some() {
        std::fs::write(fixtures().join("topics.yaml"), &exported).unwrap();
    }
    let expected = std::fs::read_to_string(fixtures().join("topics.yaml")).unwrap();
    let strip = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(strip(&exported), strip(&expected), "the export differs from tests/fixtures/seed004/topics.yaml");
    plan_is_clean(&b, "topics.yaml", false);
    plan_is_clean(&b, "topics.yaml", true);

    // The platform gets a dead-letter topic (declared by hand: export cannot know it is one)
    // and its schemas.
    let manifest = format!("{exported}  - name: platform-dlq\n    dlq: true\n    schema: false\n");
    std::fs::write(b.dir.path().join("topics.yaml"), manifest).unwrap();
    b.evbus().args(["topics", "apply", "--yes"]).assert().success();
    let schemas = b.dir.path().join("schemas");
    std::fs::create_dir_all(&schemas).unwrap();
    for t in TOPICS {
        std::fs::copy(fixtures().join(format!("schemas/{t}.json")), schemas.join(format!("{t}.json"))).unwrap();
    }

    // Samples of every topic, with evbus's defaults (no --compression).
    for t in TOPICS {
        b.evbus().args(["produce", t, "-n", "4", "-q"]).assert().success();
    }
    // Three dead letters written by kafka-python, replayed by evbus to patient-events.
    let python = venv.join().unwrap();
    let bootstrap = b.bootstrap.clone();
    let dead =
        platform(&python, &["dead-letter", &bootstrap, "platform-dlq", "patient-events", "patient.created", "3"]);
    let dead: Vec<&str> = dead.lines().collect();
    assert_eq!(dead.len(), 3);
    let out = b.evbus().args(["dlq", "replay", "--yes", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout_json(&out)["replayed"], 3);

    // The platform's consumer reads every record evbus wrote, decoding each value as JSON.
    let read = platform(&python, &["consume", &bootstrap, "matching-service", &TOPICS.join(","), "27", "60"]);
    let got: BTreeSet<(String, String)> = read
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|v| (v["topic"].as_str().unwrap().to_string(), v["eventId"].as_str().unwrap().to_string()))
        .collect();
    let mut written = BTreeSet::new();
    for t in TOPICS {
        for r in b.read_all(t) {
            let v: serde_json::Value = serde_json::from_slice(r.value.as_deref().unwrap()).unwrap();
            written.insert((t.to_string(), v["eventId"].as_str().unwrap().to_string()));
        }
    }
    assert_eq!(written.len(), 27, "{written:?}");
    assert_eq!(got, written);
    for id in dead {
        assert!(got.contains(&("patient-events".to_string(), id.to_string())), "replayed {id} not read");
    }

    // Exported again: the consumer group and the replay's position are there, and the plan is clean.
    let out = b.evbus().args(["topics", "export"]).output().unwrap();
    assert!(out.status.success());
    let again = String::from_utf8(out.stdout).unwrap();
    let doc: serde_json::Value = serde_saphyr::from_str(&again).unwrap();
    let groups = doc["groups"].as_array().unwrap();
    let matching = groups.iter().find(|g| g["name"] == "matching-service").unwrap_or_else(|| panic!("{again}"));
    let mut sorted = TOPICS.to_vec();
    sorted.sort();
    assert_eq!(matching["topics"], serde_json::json!(sorted));
    std::fs::write(b.dir.path().join("again.yaml"), &again).unwrap();
    plan_is_clean(&b, "again.yaml", false);

    // The compose healthcheck, within its 5 s: healthy, then a broker that is not there.
    for (brokers, healthy) in [(bootstrap.clone(), true), (format!("127.0.0.1:{}", free_port()), false)] {
        let t = Instant::now();
        let out =
            evbus_cmd().args(["-b", &brokers, "--timeout", "4s", "health", "--brokers-only", "-q"]).output().unwrap();
        assert!(t.elapsed() < Duration::from_secs(5), "health took {:?} with {brokers}", t.elapsed());
        assert_eq!(out.status.success(), healthy, "{brokers}: {}", String::from_utf8_lossy(&out.stderr));
    }
    eprintln!("seed004: {:?}", started.elapsed());
}
