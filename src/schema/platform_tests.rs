//! Tests of a platform unlike the shipped example (seed 004's psychotherapy matching platform):
//! several event types per topic, picked by a discriminator or by a `oneOf`; branches that pin
//! `producer` with `const`; timestamps written without an offset (`date-time-local`, or a
//! `pattern`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::sample::{Draw, EnvelopeFill, Generator};
use super::select::{ByType, Discriminator, Rejected, TopicSchema};
use super::{Schema, SchemaStore, is_date_time_local};

/// The seed's envelope (timestamp as Python's naive `isoformat()`), two patient events whose
/// producer is pinned, and `patient-events`, the `oneOf` of both.
fn platform() -> (tempfile::TempDir, SchemaStore) {
    let dir = tempfile::tempdir().unwrap();
    let w = |name: &str, v: Value| std::fs::write(dir.path().join(name), v.to_string()).unwrap();
    w(
        "envelope.json",
        json!({
            "type": "object",
            "required": ["eventId", "eventType", "version", "timestamp", "producer", "payload"],
            "properties": {
                "eventId": {"type": "string", "format": "uuid"},
                "eventType": {"type": "string"},
                "version": {"const": "1.0"},
                "timestamp": {"type": "string", "format": "date-time-local"},
                "producer": {"type": "string"},
                "payload": {"type": "object"}
            }
        }),
    );
    let event = |t: &str, required: Value, props: Value| {
        json!({
            "allOf": [{"$ref": "envelope.json"}],
            "properties": {
                "eventType": {"const": t},
                "producer": {"const": "patient-service"},
                "payload": {"type": "object", "required": required, "properties": props}
            }
        })
    };
    w(
        "patient-created.json",
        event(
            "patient.created",
            json!(["patientId", "email"]),
            json!({"patientId": {"type": "string", "format": "uuid"}, "email": {"type": "string", "format": "email"}}),
        ),
    );
    w(
        "patient-updated.json",
        event(
            "patient.updated",
            json!(["patientId", "changes"]),
            json!({"patientId": {"type": "string", "format": "uuid"}, "changes": {"type": "object", "minProperties": 1}}),
        ),
    );
    w("patient-events.json", json!({"oneOf": [{"$ref": "patient-created.json"}, {"$ref": "patient-updated.json"}]}));
    let store = SchemaStore::open(dir.path()).unwrap();
    (dir, store)
}

fn fill(producer: &str) -> EnvelopeFill {
    EnvelopeFill { producer: producer.into(), now: DateTime::<Utc>::from_timestamp(1_767_225_600, 0).unwrap() }
}

fn event(t: &str, payload: Value) -> Value {
    json!({
        "eventId": "0b3c2f1e-8a55-4a44-9b51-111111111111", "eventType": t, "version": "1.0",
        "timestamp": "2026-01-01T10:00:00.123456", "producer": "patient-service", "payload": payload
    })
}

fn by_type(store: &SchemaStore, d: Discriminator) -> TopicSchema {
    let types: BTreeMap<String, String> =
        [("patient.created", "patient-created"), ("patient.updated", "patient-updated")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
    TopicSchema::ByType(ByType::load(store, d, &types).unwrap())
}

fn no_headers(_: &str) -> Option<String> {
    None
}

#[test]
fn discriminators_parse_and_read_a_field_or_a_header() {
    assert_eq!(Discriminator::of(None).unwrap(), Discriminator::Field("eventType".into()));
    assert_eq!(Discriminator::parse("meta.type").unwrap(), Discriminator::Field("meta.type".into()));
    assert_eq!(Discriminator::parse("header:event-type").unwrap(), Discriminator::Header("event-type".into()));
    assert!(Discriminator::parse("header:").unwrap_err().contains("names no header"));
    assert!(Discriminator::parse("a..b").unwrap_err().contains("neither a dot path"));
    let v = json!({"eventType": "x", "meta": {"type": "y"}, "n": 3});
    assert_eq!(Discriminator::parse("meta.type").unwrap().read(Some(&v), &no_headers).as_deref(), Some("y"));
    // A number names no type.
    assert_eq!(Discriminator::parse("n").unwrap().read(Some(&v), &no_headers), None);
    let h = |n: &str| (n == "event-type").then(|| "from-header".to_string());
    assert_eq!(Discriminator::parse("header:event-type").unwrap().read(Some(&v), &h).as_deref(), Some("from-header"));
}

#[test]
fn a_topic_with_several_types_checks_each_record_by_its_own_schema_and_names_it() {
    let (_dir, store) = platform();
    let topic = by_type(&store, Discriminator::default());
    let ok =
        event("patient.updated", json!({"patientId": "0b3c2f1e-8a55-4a44-9b51-111111111111", "changes": {"a": 1}}));
    assert!(topic.check(ok.to_string().as_bytes(), &no_headers).is_ok());

    let bad = event("patient.updated", json!({"patientId": "0b3c2f1e-8a55-4a44-9b51-111111111111", "changes": {}}));
    let e = topic.check(bad.to_string().as_bytes(), &no_headers).unwrap_err();
    let text = e.summary(3);
    assert!(text.starts_with("event type patient.updated (schema patient-updated): at /payload/changes"), "{text}");
    assert!(text.contains("minProperties"), "{text}");

    let unknown = event("patient.deleted", json!({}));
    let e = topic.check(unknown.to_string().as_bytes(), &no_headers).unwrap_err();
    assert!(matches!(e, Rejected::UnknownType(_)));
    assert_eq!(
        e.summary(3),
        "unknown event type 'patient.deleted' (field eventType); known: patient.created, patient.updated"
    );
    let e = topic.check(br#"{"payload": {}}"#, &no_headers).unwrap_err();
    assert!(e.summary(3).starts_with("no event type: the field eventType is missing"), "{}", e.summary(3));
}

#[test]
fn a_header_discriminator_picks_by_the_header_not_the_field() {
    let (_dir, store) = platform();
    let topic = by_type(&store, Discriminator::parse("header:event-type").unwrap());
    // The field says created, the header updated: the header decides.
    let v = event("patient.created", json!({"patientId": "0b3c2f1e-8a55-4a44-9b51-111111111111", "email": "a@b.co"}));
    let updated = |n: &str| (n == "event-type").then(|| "patient.updated".to_string());
    let e = topic.check(v.to_string().as_bytes(), &updated).unwrap_err();
    assert!(e.summary(3).starts_with("event type patient.updated (schema patient-updated)"), "{}", e.summary(3));
    let created = |n: &str| (n == "event-type").then(|| "patient.created".to_string());
    assert!(topic.check(v.to_string().as_bytes(), &created).is_ok());
}

#[test]
fn a_failed_one_of_names_the_closest_branch_and_its_own_keyword_not_the_whole_event() {
    let (_dir, store) = platform();
    let s = store.load("patient-events").unwrap();
    let v = event("patient.created", json!({"patientId": "0b3c2f1e-8a55-4a44-9b51-111111111111", "email": "nope"}));
    let errs = s.validate(&v).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    let e = &errs[0];
    assert_eq!(e.instance_path, "/payload/email");
    assert_eq!(e.schema_file.as_deref(), Some("patient-created.json"));
    assert_eq!(e.schema_path, "/properties/payload/properties/email/format");
    assert!(e.message.contains("closest is branch 0 (patient-created.json)"), "{}", e.message);
    assert!(e.message.contains("matches none of the 2 oneOf branches"), "{}", e.message);
    // The event itself is not quoted.
    assert!(!e.message.contains("0b3c2f1e"), "{}", e.message);

    // The other type: the other branch is the closest, though it fails twice and the first once.
    let v = event("patient.updated", json!({}));
    let e = &s.validate(&v).unwrap_err()[0];
    assert!(e.message.contains("closest is branch 1 (patient-updated.json)"), "{}", e.message);
    assert!(e.message.contains("(+1 more in that branch)"), "{}", e.message);
}

#[test]
fn samples_keep_each_branch_const_and_the_producer_fills_only_a_free_field() {
    let (_dir, store) = platform();
    let s = store.load("patient-events").unwrap();
    let mut g = Generator::new(&s, Some(1)).unwrap();
    let mut types = std::collections::BTreeSet::new();
    for _ in 0..40 {
        let v = g.generate(&fill("evbus")).unwrap();
        assert!(s.is_valid(&v), "{v}");
        assert_eq!(v["producer"], "patient-service", "the branch's const stays: {v}");
        assert!(is_date_time_local(v["timestamp"].as_str().unwrap()), "{v}");
        types.insert(v["eventType"].as_str().unwrap().to_string());
    }
    assert_eq!(types.len(), 2, "both types drawn: {types:?}");

    // A free producer field is filled with --producer.
    let free = store.load("envelope").unwrap();
    let v = Generator::new(&free, Some(2)).unwrap().generate(&fill("intake-service")).unwrap();
    assert_eq!(v["producer"], "intake-service");
    // Stamped in the shape the schema accepts: no offset, and the run's clock.
    assert_eq!(v["timestamp"], "2026-01-01T00:00:00.000000");
}

#[test]
fn a_type_is_picked_from_a_one_of_or_from_the_topic_map() {
    let (_dir, store) = platform();
    let one = TopicSchema::One(store.load("patient-events").unwrap());
    let mut d = Draw::new(&one, Some("patient.updated"), Some(3)).unwrap();
    for _ in 0..10 {
        assert_eq!(d.generate(&fill("evbus")).unwrap()["eventType"], "patient.updated");
    }
    let typed = by_type(&store, Discriminator::default());
    let mut d = Draw::new(&typed, None, Some(3)).unwrap();
    let types: std::collections::BTreeSet<String> =
        (0..30).map(|_| d.generate(&fill("evbus")).unwrap()["eventType"].as_str().unwrap().to_string()).collect();
    assert_eq!(types.len(), 2);
    let mut d = Draw::new(&typed, Some("patient.created"), Some(3)).unwrap();
    assert_eq!(d.generate(&fill("evbus")).unwrap()["eventType"], "patient.created");
    let e = Draw::new(&typed, Some("patient.gone"), None).err().unwrap().to_string();
    assert_eq!(e, "unknown event type 'patient.gone' (known: patient.created, patient.updated)");
}

#[test]
fn date_time_local_accepts_naive_iso_times_only() {
    for ok in ["2026-01-01T10:00:00", "2026-01-01T10:00:00.123", "2026-12-31T23:59:59.123456789"] {
        assert!(is_date_time_local(ok), "{ok}");
    }
    for bad in [
        "2026-01-01T10:00:00Z",
        "2026-01-01T10:00:00+01:00",
        "2026-13-01T10:00:00",
        "2026-02-30T10:00:00",
        "2026-01-01 10:00:00",
        "2026-01-01T10:00:00.",
        "2026-01-01T25:00:00",
        "2026-01-01",
        "+2026-01-01T10:00:0",
        "2026-01-01T10:00:0é",
    ] {
        assert!(!is_date_time_local(bad), "{bad}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.json");
    std::fs::write(&path, r#"{"type": "string", "format": "date-time-local"}"#).unwrap();
    let s = Schema::from_file(&path).unwrap();
    assert!(s.is_valid(&json!("2026-01-01T10:00:00.123456")));
    let e = &s.validate(&json!("2026-01-01T10:00:00Z")).unwrap_err()[0];
    assert!(e.message.contains("date-time-local"), "{}", e.message);
}

#[test]
fn a_date_time_pattern_is_sampled_as_a_real_moment() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.json");
    std::fs::write(
        &path,
        json!({"type": "object", "required": ["at", "day", "code"], "properties": {
            "at": {"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?$"},
            "day": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
            "code": {"type": "string", "pattern": "^[A-Z]{3}-\\d{2}$"}
        }})
        .to_string(),
    )
    .unwrap();
    let s = Schema::from_file(&path).unwrap();
    let mut g = Generator::new(&s, Some(9)).unwrap();
    for _ in 0..20 {
        let v = g.generate(&fill("evbus")).unwrap();
        let at = v["at"].as_str().unwrap();
        assert!(chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S%.f").is_ok(), "{at}");
        assert!(at.starts_with("2025-12") || at.starts_with("2026-01"), "near the run's clock: {at}");
        let day = v["day"].as_str().unwrap();
        assert!(chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok(), "{day}");
        // Not a date: still from the regex.
        assert!(v["code"].as_str().unwrap().len() == 6, "{v}");
    }
}
