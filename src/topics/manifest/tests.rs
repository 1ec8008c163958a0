//! Tests of the manifest: parsing, defaults, units, validation and where problems are reported.

use std::path::Path;

use super::*;

fn parse_str(s: &str) -> Result<Manifest, ManifestError> {
    parse(s, Path::new("topics.yaml"))
}

fn problems(s: &str) -> Vec<String> {
    match parse_str(s) {
        Ok(_) => panic!("expected problems"),
        Err(e) => e.to_string().lines().skip(1).map(|l| l.trim().to_string()).collect(),
    }
}

const GOOD: &str = r#"version: 1
defaults:
  partitions: 3
  replication_factor: 1
  config: { retention.ms: 7d }
naming: '^[a-z]+\.[a-z_]+\.[a-z_]+$'
topics:
  - name: auth.user.registered
    description: A new account was created
    partitions: 6
    config: { cleanup.policy: delete, retention.ms: 30d, segment.bytes: 512MiB }
    key: payload.userId
    producers: [auth-service]
    consumers: [notification-service, audit-service]
  - name: esante.dlq
    dlq: true
    naming: false
groups:
  - name: notification-service
    topics: [auth.user.registered]
    max_lag: 1000
"#;

#[test]
fn defaults_merge_and_units() {
    let m = parse_str(GOOD).unwrap();
    let t = m.topic("auth.user.registered").unwrap();
    assert_eq!(t.partitions, 6);
    assert_eq!(t.replication_factor, 1);
    assert_eq!(t.config["retention.ms"], "2592000000");
    assert_eq!(t.config["segment.bytes"], "536870912");
    assert_eq!(t.config["cleanup.policy"], "delete");
    assert_eq!(t.schema.as_deref(), Some("auth.user.registered"));
    let d = m.topic("esante.dlq").unwrap();
    assert!(d.dlq);
    assert_eq!(d.partitions, 3);
    assert_eq!(d.config["retention.ms"], "604800000");
    assert_eq!(m.groups[0].max_lag, Some(1000));
    assert_eq!(m.dlq_topics().count(), 1);
}

#[test]
fn yaml_syntax_error_has_line_and_column() {
    let p = problems("version: 1\ntopics:\n  - name: a.b.c\n    partitions: [\n");
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("topics.yaml:"), "{p:?}");
    assert!(p[0].split(':').nth(1).unwrap().parse::<usize>().is_ok(), "{p:?}");
}

#[test]
fn unknown_field_is_located() {
    let p = problems("version: 1\ntopics:\n  - name: a.b.c\n    partitons: 3\n");
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("topics.yaml:4:5: "), "{p:?}");
    assert!(p[0].contains("unknown field `partitons`"), "{p:?}");
}

#[test]
fn all_problems_at_once() {
    let src = r#"version: 1
naming: '^[a-z]+\.[a-z]+$'
topics:
  - name: good.one
  - name: good.one
  - name: good_one
  - name: Bad.Name
  - name: "bad name"
  - name: zero.parts
    partitions: 0
    replication_factor: 0
  - name: typo.config
    config: { retention.msx: 1d }
  - name: bad.retention
    config: { retention.ms: forever }
groups:
  - name: g1
    topics: [nope.topic]
"#;
    let p = problems(src);
    let all = p.join("\n");
    assert!(all.contains("topics.yaml:5:5: topics[1] 'good.one': duplicate topic"), "{all}");
    assert!(all.contains("'good_one': collides with 'good.one'"), "{all}");
    assert!(all.contains("'Bad.Name': does not match the naming rule"), "{all}");
    assert!(all.contains("'bad name': illegal character ' '"), "{all}");
    assert!(
        all.contains("topics.yaml:10:5: topics[5] 'zero.parts': partitions must be between 1 and 2147483647, got 0"),
        "{all}"
    );
    assert!(
        all.contains("topics.yaml:11:5: topics[5] 'zero.parts': replication_factor must be between 1 and 32767, got 0"),
        "{all}"
    );
    assert!(all.contains("unknown topic config key 'retention.msx' (did you mean 'retention.ms'?)"), "{all}");
    assert!(all.contains("retention.ms: 'forever'"), "{all}");
    assert!(all.contains("groups[0] 'g1': topic 'nope.topic' is not declared"), "{all}");
    assert!(all.contains("topics.yaml:13:"), "config typo located on its line: {all}");
}

#[test]
fn an_unknown_field_does_not_hide_other_problems() {
    let src = "version: 1\ntopics:\n  - name: a.b\n    partitons: 3\n  - name: a.b\n    replication_factor: 32768\n    partitions: 2147483648\n  - {name: c.d, dlq: maybe}\ngroups:\n  - name: g\n    topics: [a.b, x.y]\n  - name: g\nbogus: 1\n";
    let p = problems(src);
    assert_eq!(
        p,
        vec![
            "topics.yaml:4:5: topics[0] 'a.b': unknown field `partitons`, expected one of `name`, `description`, \
                 `partitions`, `replication_factor`, `config`, `schema`, `schemas`, `discriminator`, `key`, `producers`, \
                 `consumers`, `dlq`, `naming`",
            "topics.yaml:5:5: topics[1] 'a.b': duplicate topic",
            "topics.yaml:6:5: topics[1] 'a.b': replication_factor must be between 1 and 32767, got 32768",
            "topics.yaml:7:5: topics[1] 'a.b': partitions must be between 1 and 2147483647, got 2147483648",
            "topics.yaml:8:22: topics[2] 'c.d': `dlq` must be true or false, not 'maybe'",
            "topics.yaml:11:19: groups[0] 'g': topic 'x.y' is not declared under topics",
            "topics.yaml:12:5: groups[1] 'g': duplicate group",
            "topics.yaml:13:1: the manifest: unknown field `bogus`, expected one of `version`, `cluster`, \
                 `defaults`, `naming`, `topics`, `groups`",
        ]
    );
}

#[test]
fn cluster_brokers_is_read_and_checked_with_its_line() {
    let m = parse_str("version: 1\ncluster:\n  brokers: 3\n").unwrap();
    assert_eq!(m.cluster_brokers, Some(3));
    assert_eq!(parse_str("version: 1\n").unwrap().cluster_brokers, None);
    assert_eq!(
        problems("version: 1\ncluster:\n  brokers: 0\n  racks: 3\n"),
        vec![
            "topics.yaml:3:3: cluster.brokers must be between 1 and 2147483647, got 0",
            "topics.yaml:4:3: cluster: unknown field `racks`, expected one of `brokers`",
        ]
    );
}

#[test]
fn defaults_out_of_range_are_reported_once_at_the_default() {
    let src =
        "version: 1\ndefaults:\n  replication_factor: 32768\n  partitions: -1\ntopics:\n  - name: a.b\n  - name: c.d\n";
    assert_eq!(
        problems(src),
        vec![
            "topics.yaml:3:3: defaults.replication_factor must be between 1 and 32767, got 32768",
            "topics.yaml:4:3: defaults.partitions must be between 1 and 2147483647, got -1",
        ]
    );
    let m = parse_str("version: 1\ndefaults: {replication_factor: 32767, partitions: 0x10}\ntopics: [{name: a.b}]\n")
        .unwrap();
    assert_eq!((m.topics[0].replication_factor, m.topics[0].partitions), (32767, 16));
}

#[test]
fn flow_style_is_located() {
    let line2 = "topics: [{name: a.b, partitions: 0}, {name: a.b}]";
    let p = problems(&format!("version: 1\n{line2}\n"));
    let col = |needle: &str, from: usize| line2[from..].find(needle).unwrap() + from + 1;
    let second = col("{name", 20) + 1;
    assert_eq!(
        p,
        vec![
            format!(
                "topics.yaml:2:{}: topics[0] 'a.b': partitions must be between 1 and 2147483647, got 0",
                col("partitions", 0)
            ),
            format!("topics.yaml:2:{second}: topics[1] 'a.b': duplicate topic"),
        ]
    );
}

#[test]
fn invalid_utf8_multiple_documents_and_empty_files() {
    let e = parse_bytes(b"version: 1\ntopics:\n  - name: \xff\n", Path::new("topics.yaml")).unwrap_err().to_string();
    assert!(e.contains("topics.yaml:3:11: not UTF-8: byte 0xff at byte offset 29"), "{e}");
    let e = parse_bytes(b"version: 1\n# \xc3\xa9\n\xe9\n", Path::new("t.yaml")).unwrap_err().to_string();
    assert!(e.contains("t.yaml:3:1: not UTF-8"), "{e}");
    let p = problems("version: 1\ntopics: []\n---\nversion: 1\n");
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("topics.yaml:3:1: a second YAML document starts here"), "{p:?}");
    assert!(problems("# nothing yet\n")[0].contains("the manifest is empty"));
    assert!(problems("version: 2\ntopics: []\n")[0].starts_with("topics.yaml:1:1: unsupported manifest version 2"));
    assert!(problems("topics: []\n")[0].contains("missing field `version`"));
}

#[test]
fn control_characters_in_names_are_escaped_in_problems() {
    let p = problems(
        "version: 1\ntopics:\n  - name: \"a\\e[2Jb\\0c\"\ngroups:\n  - name: \"g\\e]0;x\\a\"\n    topics: [\"\\u202e\"]\n",
    );
    let all = p.join("\n");
    for bad in ['\x1b', '\0', '\x07', '\u{202e}'] {
        assert!(!all.contains(bad), "{bad:?} in {all}");
    }
    assert!(all.contains("topics[0] 'a\\x1b[2Jb\\x00c'"), "{all}");
    assert!(all.contains("groups[0] 'g\\x1b]0;x\\x07': topic '\\u{202e}'"), "{all}");
}

#[test]
fn nesting_is_bounded_and_refused_fast() {
    let start = std::time::Instant::now();
    let src = format!("version: 1\ntopics: {}\n", "[".repeat(100_000));
    let p = problems(&src);
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("topics.yaml:2:") && p[0].contains("nesting is deeper than 64 levels"), "{p:?}");
    // 25 s before the bound; about 1 ms with it (debug build).
    assert!(start.elapsed() < std::time::Duration::from_secs(2), "{:?}", start.elapsed());
}

#[test]
fn forty_thousand_topics_validate_and_a_late_problem_is_located() {
    let mut src = String::from("version: 1\ndefaults: {partitions: 3, config: {retention.ms: 7d}}\ntopics:\n");
    for i in 0..40_000 {
        src.push_str(&format!(
            "  - name: svc{i}.entity.happened\n    partitions: 6\n    config: {{ cleanup.policy: delete }}\n    \
                 producers: [svc{i}]\n"
        ));
    }
    src.push_str("groups:\n");
    for i in 0..1000 {
        src.push_str(&format!("  - name: g{i}\n    topics: [svc{i}.entity.happened]\n"));
    }
    let m =
        parse_str(&src).unwrap_or_else(|e| panic!("{}", e.to_string().lines().take(5).collect::<Vec<_>>().join("\n")));
    assert_eq!((m.topics.len(), m.groups.len()), (40_000, 1000));
    // One problem at the end must not cost a rescan per topic either.
    src.push_str("  - name: g0\n");
    let e = parse_str(&src).unwrap_err();
    assert_eq!(e.problems[0].line, Some(160_000 + 4 + 2000 + 1));
    // Its speed (the line locator this replaced rescanned the file for every topic: 46 s for
    // this manifest) is measured by `scripts/bench.sh validate`, not timed here.
}

#[test]
fn topic_names() {
    assert!(check_topic_name("a.b-c_D9").is_ok());
    assert!(check_topic_name(".").is_err());
    assert!(check_topic_name("..").is_err());
    assert!(check_topic_name(&"a".repeat(249)).is_ok());
    assert!(check_topic_name(&"a".repeat(250)).is_err());
    assert!(check_topic_name("a/b").is_err());
    assert!(check_topic_name("").is_err());
}

#[test]
fn repo_manifest_is_valid() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("topics.yaml");
    let m = load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(m.topics.len(), 34);
    assert_eq!(m.dlq_topics().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["esante.dlq"]);
    assert!(m.topic("auth.user.registered").is_some());
    assert!(m.topic("audit.log.created").is_some());
}

#[test]
fn schema_false_means_no_schema() {
    let m = parse_str(
        "version: 1\ntopics:\n  - name: a.b.none\n    schema: false\n  - name: a.b.named\n    schema: x.y\n  \
         - name: a.b.quoted\n    schema: \"false\"\n  - name: a.b.default\n",
    )
    .unwrap();
    assert_eq!(m.topic("a.b.none").unwrap().schema, None);
    assert_eq!(m.topic("a.b.named").unwrap().schema.as_deref(), Some("x.y"));
    // Quoted, it is a name like any other: schemas/false.json.
    assert_eq!(m.topic("a.b.quoted").unwrap().schema.as_deref(), Some("false"));
    assert_eq!(m.topic("a.b.default").unwrap().schema.as_deref(), Some("a.b.default"));
    let p = problems("version: 1\ntopics:\n  - name: a.b.c\n    schema: true\n");
    assert!(p.iter().any(|l| l.contains("`schema` is a schema name, or false for none")), "{p:?}");
}

#[test]
fn several_event_types_map_to_schemas_with_a_discriminator() {
    let m = parse(
        "version: 1\ntopics:\n  - name: patient-events\n    schemas:\n      patient.created: patient-created\n      \
         patient.updated: ./schemas/patient-updated.json\n  - name: billing\n    schemas: {invoice.paid: invoice-paid}\n    \
         discriminator: header:event-type\n",
        Path::new("topics.yaml"),
    )
    .unwrap();
    let t = m.topic("patient-events").unwrap();
    assert_eq!(t.schema, None, "several schemas, not one named after the topic");
    assert_eq!(t.schemas["patient.created"], "patient-created");
    assert_eq!(t.schemas["patient.updated"], "./schemas/patient-updated.json");
    assert_eq!(t.discriminator, None);
    assert_eq!(m.topic("billing").unwrap().discriminator.as_deref(), Some("header:event-type"));

    let p = problems(
        "version: 1\ntopics:\n  - name: a\n    schema: a\n    schemas: {x: y}\n  - name: b\n    discriminator: eventType\n  \
         - name: c\n    schemas: {x: y}\n    discriminator: 'header:'\n  - name: d\n    schemas: [x]\n  - name: e\n    schemas: {}\n",
    );
    let has = |s: &str| assert!(p.iter().any(|l| l.contains(s)), "{s} not in {p:#?}");
    has("topics.yaml:4:5: topics[0] 'a': give `schema` (one schema) or `schemas` (one per event type), not both");
    has("topics.yaml:7:5: topics[1] 'b': `discriminator` picks among `schemas`, but the topic has none");
    has("topics[2] 'c': discriminator 'header:' names no header");
    has("topics[3] 'd': `schemas` maps event types to schemas, not");
    has("topics[4] 'e': `schemas` is empty");
}

#[test]
fn a_group_type_is_optional_and_checked() {
    let base = "version: 1\ntopics:\n  - name: a.b.c\ngroups:\n  - name: g\n    topics: [a.b.c]\n";
    assert_eq!(parse_str(base).unwrap().groups[0].kind, None);
    let m = parse_str(&format!("{base}    type: streams\n")).unwrap();
    assert_eq!(m.groups[0].kind.as_deref(), Some("streams"));
    let p = problems(&format!("{base}    type: stream\n"));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].ends_with("type must be one of classic, consumer, share, streams, got 'stream'"), "{p:?}");
}
