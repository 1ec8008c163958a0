//! Which codec `produce` and `dlq replay` compress with, and where that choice came from.
//!
//! The default is what Kafka's own producer (and librdkafka) does: no compression, because every
//! client can read uncompressed batches while some cannot decompress every codec (kafka-python
//! without its optional `lz4` package raises `UnsupportedCodecError`). A topic whose
//! `compression.type` names a codec stores its batches in that codec whatever the producer sends
//! (the broker recompresses); sending in that codec already spares the broker the work, so it is
//! the default for such a topic. `--compression` chooses another; `-X compression.type` (or a
//! context's property) wins over both, as `-X` does over every evbus default.

use super::Settings;
use super::error::{Error, Kind};

/// The codecs a producer can use (librdkafka's `compression.type` values).
pub const CODECS: &[&str] = &["none", "gzip", "snappy", "lz4", "zstd"];

/// The producer settings produce and dlq replay set before `-X`, other than the codec.
pub const PRODUCER_DEFAULTS: &[(&str, &str)] = &[("enable.idempotence", "true"), ("acks", "all"), ("linger.ms", "5")];

/// A producer's codec and why it is that one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compression {
    /// librdkafka's `compression.type` value.
    pub codec: String,
    /// Where it came from, for `-v` and messages: `-X compression.type`, `--compression`,
    /// `topic T compression.type=gzip`, or `default`.
    pub source: String,
}

impl Compression {
    /// The `(compression.type, codec)` pair to pass to the producer before `-X`.
    pub fn prop(&self) -> (&str, &str) {
        ("compression.type", self.codec.as_str())
    }
}

/// The producer codec that matches a topic's `compression.type`, when it names one; `producer`
/// (keep what the producer sends, Kafka's default) and `uncompressed` name none.
pub fn codec_for_topic(topic_value: &str) -> Option<&'static str> {
    let v = topic_value.trim().to_ascii_lowercase();
    CODECS.iter().copied().find(|c| *c != "none" && *c == v)
}

impl Settings {
    /// The codec set by `-X compression.type`/`compression.codec` or a context's property.
    pub fn configured_codec(&self) -> Option<&str> {
        self.props
            .iter()
            .rev()
            .find(|(k, _)| k == "compression.type" || k == "compression.codec")
            .map(|(_, v)| v.as_str())
    }

    /// Whether the codec is decided without asking the broker about the topic.
    pub fn codec_is_chosen(&self, flag: Option<&str>) -> bool {
        flag.is_some() || self.configured_codec().is_some()
    }

    /// The codec: `-X` over `--compression` over the topic's `compression.type` (`topic` is its
    /// name and value, when known) over none.
    pub fn compression(&self, flag: Option<&str>, topic: Option<(&str, &str)>) -> Compression {
        if let Some(v) = self.configured_codec() {
            if let Some(f) = flag.filter(|f| *f != v) {
                eprintln!("evbus: warning: -X compression.type={v} overrides --compression {f}");
            }
            return Compression { codec: v.to_string(), source: "-X compression.type".into() };
        }
        if let Some(f) = flag {
            return Compression { codec: f.to_string(), source: "--compression".into() };
        }
        if let Some((name, value)) = topic
            && let Some(c) = codec_for_topic(value)
        {
            return Compression { codec: c.to_string(), source: format!("topic {name} compression.type={value}") };
        }
        Compression { codec: "none".into(), source: "default".into() }
    }

    /// The topic's `compression.type` as the broker reports it; `None` when the topic does not
    /// exist yet or the broker will not say (the send that follows reports such a problem
    /// better). A broker that does not answer is an error: going on would wait out the same
    /// `--timeout` a second time in the send (produce took twice `--timeout` against a silent
    /// broker).
    pub async fn topic_compression(&self, topic: &str) -> anyhow::Result<Option<String>> {
        let admin = self.admin()?;
        match admin.topic_configs(&[topic.to_string()]).await {
            Ok(configs) => Ok(configs.get(topic).and_then(|c| c.get("compression.type")).and_then(|c| c.value.clone())),
            Err(e) if matches!(Error::kind_of(&e), Some(Kind::TimedOut | Kind::BrokerUnreachable)) => Err(e),
            Err(_) => Ok(None),
        }
    }

    /// The settings a producer of produce and dlq replay runs with, `-X` applied, each with its
    /// origin: what `config show` and `-v` print (secrets redacted by the caller's printing).
    pub fn producer_effective(&self, c: &Compression) -> Vec<(String, String, String)> {
        let mut rows: Vec<(String, String, String)> = PRODUCER_DEFAULTS
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string(), "evbus default".to_string()))
            .collect();
        rows.push(("compression.type".into(), c.codec.clone(), c.source.clone()));
        for (k, v) in &self.props {
            let k = if k == "compression.codec" { "compression.type" } else { k.as_str() };
            if let Some(row) = rows.iter_mut().find(|r| r.0 == k) {
                row.1 = v.clone();
                row.2 = "-X / context".into();
            }
        }
        rows
    }

    /// With `-v`, the producer's effective settings on stderr.
    pub fn log_producer(&self, c: &Compression) {
        if self.verbose > 0 {
            let text: Vec<String> = self
                .producer_effective(c)
                .iter()
                .map(|(k, v, src)| {
                    format!("{k}={}{}", v, if src == "evbus default" { String::new() } else { format!(" ({src})") })
                })
                .collect();
            eprintln!("evbus: producer: {}", text.join(" "));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(props: &[(&str, &str)]) -> Settings {
        Settings::for_tests(props)
    }

    #[test]
    fn topic_values_that_name_a_codec() {
        assert_eq!(codec_for_topic("gzip"), Some("gzip"));
        assert_eq!(codec_for_topic("ZSTD"), Some("zstd"));
        assert_eq!(codec_for_topic("producer"), None);
        assert_eq!(codec_for_topic("uncompressed"), None);
    }

    #[test]
    fn x_over_flag_over_topic_over_none() {
        let none = settings(&[]);
        assert_eq!(none.compression(None, None).codec, "none");
        assert_eq!(none.compression(None, Some(("t", "producer"))).codec, "none");
        assert_eq!(none.compression(None, Some(("t", "gzip"))).codec, "gzip");
        assert_eq!(none.compression(Some("zstd"), Some(("t", "gzip"))).codec, "zstd");
        let x = settings(&[("compression.codec", "snappy")]);
        assert_eq!(x.compression(Some("zstd"), Some(("t", "gzip"))).codec, "snappy");
        let rows = x.producer_effective(&x.compression(None, None));
        assert!(rows.iter().any(|(k, v, _)| k == "compression.type" && v == "snappy"), "{rows:?}");
    }
}
