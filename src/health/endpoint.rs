//! A health report as HTTP answers (`evbus serve`): `/health` with the checks of `evbus health`
//! as JSON, and `/health/kafka` in the shape an API gateway's hand-written endpoint has
//! (`{status, kafka: {connected, brokers, topics}}`, 500 when unhealthy), so that a platform can
//! point its probes here and delete that code. Every detail is redacted on the way out.

use serde_json::{Value, json};

use super::report::{Report, Status};
use crate::term::redact::redact_text;

/// An HTTP status code and a JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// HTTP status code.
    pub code: u16,
    /// The JSON document.
    pub body: Value,
}

/// The last health round, as `/health` and `/health/kafka` need it.
#[derive(Debug, Clone)]
pub struct Cached {
    /// The checks' verdicts.
    pub report: Report,
    /// Brokers and topics the metadata showed; `None` when the brokers did not answer.
    pub seen: Option<(usize, usize)>,
    /// Unix time of the round, in milliseconds.
    pub at_ms: i64,
}

/// The first failing check (with `strict`, the first warning too), as one line.
fn first_problem(report: &Report, strict: bool) -> Option<String> {
    report
        .checks
        .iter()
        .find(|c| c.status == Status::Fail || (strict && c.status == Status::Warn && !c.not_yet))
        .map(|c| redact_text(&format!("{}: {}", c.name, c.detail)))
}

/// `/health`: `evbus health -o json`'s document plus `healthy` and `checked_at`; 200 when the
/// round passes (with `strict`, warnings fail too), else 503; 503 before the first round.
pub fn health(cached: Option<&Cached>, strict: bool) -> Answer {
    let Some(c) = cached else {
        return Answer { code: 503, body: json!({"healthy": false, "error": "no health check has run yet"}) };
    };
    let passes = c.report.passes(strict);
    let mut body = serde_json::to_value(&c.report).unwrap_or(Value::Null);
    if let Some(checks) = body.get_mut("checks").and_then(Value::as_array_mut) {
        for check in checks {
            if let Some(d) = check.get_mut("detail") {
                *d = Value::String(redact_text(d.as_str().unwrap_or_default()));
            }
        }
    }
    if let Some(o) = body.as_object_mut() {
        o.insert("healthy".into(), passes.into());
        o.insert("strict".into(), strict.into());
        o.insert("checked_at".into(), crate::term::time::rfc3339_ms(c.at_ms).into());
    }
    Answer { code: if passes { 200 } else { 503 }, body }
}

/// `/health/kafka`: `{status: "healthy", kafka: {connected, brokers, topics}}` with 200, or
/// `status: "unhealthy"` with the first problem in `error` and 500.
pub fn kafka(cached: Option<&Cached>, strict: bool) -> Answer {
    let Some(c) = cached else {
        return Answer { code: 500, body: json!({"status": "unhealthy", "error": "no health check has run yet"}) };
    };
    let (brokers, topics) = c.seen.unwrap_or((0, 0));
    let kafka = json!({"connected": c.seen.is_some(), "brokers": brokers, "topics": topics});
    if c.report.passes(strict) {
        return Answer { code: 200, body: json!({"status": "healthy", "kafka": kafka}) };
    }
    let error = first_problem(&c.report, strict).unwrap_or_else(|| "unhealthy".into());
    Answer { code: 500, body: json!({"status": "unhealthy", "kafka": kafka, "error": error}) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::report::Check;

    fn cached(statuses: &[(Status, &str)], seen: Option<(usize, usize)>) -> Cached {
        let checks = statuses
            .iter()
            .map(|(s, d)| Check { name: "x".into(), status: *s, detail: d.to_string(), elapsed_ms: 1, not_yet: false })
            .collect();
        Cached { report: Report::new(checks), seen, at_ms: 0 }
    }

    #[test]
    fn kafka_answers_in_the_gateway_shape() {
        let ok = cached(&[(Status::Ok, "")], Some((3, 12)));
        let a = kafka(Some(&ok), false);
        assert_eq!(a.code, 200);
        assert_eq!(a.body, json!({"status": "healthy", "kafka": {"connected": true, "brokers": 3, "topics": 12}}));
        let down = cached(&[(Status::Fail, "unreachable: sasl.password=hunter22")], None);
        let a = kafka(Some(&down), false);
        assert_eq!(a.code, 500);
        assert_eq!(a.body["status"], "unhealthy");
        assert_eq!(a.body["kafka"]["connected"], false);
        assert!(!a.body["error"].as_str().unwrap().contains("hunter22"), "{}", a.body);
        assert_eq!(kafka(None, false).code, 500);
    }

    #[test]
    fn strict_turns_warnings_into_503() {
        let warn = cached(&[(Status::Ok, ""), (Status::Warn, "drift")], Some((1, 1)));
        assert_eq!(health(Some(&warn), false).code, 200);
        let a = health(Some(&warn), true);
        assert_eq!(a.code, 503);
        assert_eq!(a.body["healthy"], false);
        assert_eq!(a.body["checks"][1]["status"], "warn");
        assert_eq!(kafka(Some(&warn), true).body["error"], "x: drift");
        assert_eq!(health(None, false).code, 503);
    }
}
