//! Why records were refused, in words that name the fix, for every path that sends records
//! (`produce`'s [`super::bulk::BulkSender`], `dlq replay`'s [`super::republish::Republisher`]):
//! which errors are a record's own (sending it again gets the same answer), a record too large
//! (its size, the limit it hit, the setting to raise), and partitions short of in-sync replicas
//! (librdkafka retries NOT_ENOUGH_REPLICAS quietly, so a send only sees silence). One place, so
//! that produce and replay say the same thing about the same refusal.

use std::sync::atomic::Ordering;
use std::time::Duration;

use rdkafka::client::ClientContext;
use rdkafka::error::RDKafkaErrorCode;
use rdkafka::producer::BaseProducer;

use super::producer::CountingCtx;

/// Errors for which sending the same record to the same topic again gets the same answer.
pub fn refusal(code: RDKafkaErrorCode) -> bool {
    use RDKafkaErrorCode as C;
    matches!(
        code,
        C::MessageSizeTooLarge
            | C::InvalidMessageSize
            | C::InvalidMessage
            | C::InvalidRecord
            | C::InvalidTimestamp
            | C::TopicAuthorizationFailed
            | C::PolicyViolation
    )
}

/// The value of a librdkafka property of a live client (its default when not set).
pub fn client_property<C: ClientContext>(client: &rdkafka::client::Client<C>, key: &str) -> Option<String> {
    let name = std::ffi::CString::new(key).ok()?;
    let mut buf: [std::ffi::c_char; 64] = [0; 64];
    let mut len = buf.len();
    // SAFETY: a live handle; rd_kafka_conf borrows its configuration, which lives as long as
    // the handle; rd_kafka_conf_get writes at most `len` bytes, NUL-terminated.
    let ok = unsafe {
        let conf = rdkafka::bindings::rd_kafka_conf(client.native_ptr());
        rdkafka::bindings::rd_kafka_conf_get(conf, name.as_ptr(), buf.as_mut_ptr(), &mut len)
    };
    if ok != rdkafka::bindings::rd_kafka_conf_res_t::RD_KAFKA_CONF_OK {
        return None;
    }
    // SAFETY: NUL-terminated by librdkafka on success.
    Some(unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned())
}

/// What a producer's failure was, with the fix, when the cluster can tell more than librdkafka
/// said: a record too large names its size, the topic's `max.message.bytes` and the client's
/// `message.max.bytes` to raise; records left without an answer on a partition with fewer
/// in-sync replicas than `min.insync.replicas` were refused with NOT_ENOUGH_REPLICAS (librdkafka
/// retries those quietly, so the stall watch saw no answer). `None`: nothing to add.
pub async fn explain_refusal(
    settings: &super::Settings,
    producer: &BaseProducer<CountingCtx>,
    topic: &str,
    no_answer: bool,
) -> Option<String> {
    use rdkafka::producer::Producer as _;
    let ctx = producer.context();
    let (here, there) = (ctx.too_large_here.load(Ordering::SeqCst), ctx.too_large.load(Ordering::SeqCst));
    if here == 0 && there == 0 && !no_answer {
        return None;
    }
    // A broker that answers says this in milliseconds; a dead one must not add another
    // `--timeout` to a run that already waited one out.
    let bound = settings.timeout.min(Duration::from_secs(1));
    tokio::time::timeout(bound, ask_the_cluster(settings, producer, topic, here, there)).await.ok().flatten()
}

/// [`explain_refusal`]'s questions to the cluster: the topic's limits, and its in-sync replicas.
async fn ask_the_cluster(
    settings: &super::Settings,
    producer: &BaseProducer<CountingCtx>,
    topic: &str,
    here: u64,
    there: u64,
) -> Option<String> {
    use rdkafka::producer::Producer as _;
    let admin = std::sync::Arc::new(settings.admin().ok()?);
    let configs = admin.topic_configs(&[topic.to_string()]).await.ok();
    let config = |key: &str| -> Option<u64> { configs.as_ref()?.get(topic)?.get(key)?.value.as_deref()?.parse().ok() };
    if here > 0 || there > 0 {
        let client = client_property(producer.client(), "message.max.bytes").and_then(|v| v.parse().ok());
        return Some(too_large(here.max(there), here > 0, client, config("max.message.bytes")));
    }
    let min_isr = config("min.insync.replicas")?;
    if !matches!(client_property(producer.client(), "acks").as_deref(), Some("all" | "-1")) {
        return None;
    }
    let md = admin.metadata(Some(topic)).await.ok()?;
    let t = md.topics.iter().find(|t| t.name == topic)?;
    let short = short_of_isr(t.partitions.iter().map(|p| (p.id, p.isr.len(), p.replicas.len())), min_isr);
    (!short.is_empty()).then(|| {
        format!(
            "the broker refuses the records with NOT_ENOUGH_REPLICAS (Broker: Not enough in-sync replicas), which \
             librdkafka retries without a word: {}; the topic's min.insync.replicas is {min_isr}, and acks=all \
             needs that many replicas in sync (bring the replicas back, or lower min.insync.replicas on the topic)",
            short.join(", ")
        )
    })
}

/// The partitions, as `(id, in-sync replicas, replicas)`, whose leader refuses acks=all writes:
/// fewer in sync than `min.insync.replicas`, which Kafka caps at the replica count.
pub fn short_of_isr(partitions: impl Iterator<Item = (i32, usize, usize)>, min_isr: u64) -> Vec<String> {
    partitions
        .filter(|&(_, isr, replicas)| (isr as u64) < min_isr.min(replicas as u64))
        .map(|(id, isr, replicas)| format!("partition {id} has {isr} of {replicas} replicas in sync"))
        .collect()
}

/// The error for a record over a size limit, naming the limit it hit and the setting to raise:
/// this client's `message.max.bytes` (librdkafka's default is 1,000,000) when the client refused
/// it, else the topic's `max.message.bytes`. The suggested client value is the record's size
/// rounded up to a whole MiB, as librdkafka also counts the headers.
pub fn too_large(size: u64, client_refused: bool, client: Option<u64>, topic: Option<u64>) -> String {
    const MIB: u64 = 1 << 20;
    let topic_text = topic.map_or("unknown".to_string(), |t| t.to_string());
    let head = format!("MSG_SIZE_TOO_LARGE (Broker: Message size too large): a record of {size} bytes");
    if client_refused {
        let client = client.map_or("its default".to_string(), |c| c.to_string());
        let raise = size.div_ceil(MIB) * MIB;
        let fits = topic.is_none_or(|t| size < t);
        format!(
            "{head} is over this client's message.max.bytes ({client}); the topic's max.message.bytes is {topic_text}: \
             raise the client's limit with -X message.max.bytes={raise}{}",
            if fits { "" } else { ", and the topic's max.message.bytes (config in topics.yaml)" }
        )
    } else {
        format!(
            "{head} is over the topic's max.message.bytes ({topic_text}): raise max.message.bytes on the topic \
             (config in topics.yaml), or send smaller records"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_too_large_names_its_size_the_limits_and_what_to_raise() {
        let e = too_large(1_500_000, true, Some(1_000_000), Some(26_214_400));
        assert!(e.contains("1500000 bytes"), "{e}");
        assert!(e.contains("max.message.bytes is 26214400"), "{e}");
        assert!(e.contains("-X message.max.bytes=2097152"), "{e}");
        assert!(!e.contains("topics.yaml"), "the topic allows it: {e}");
        // Refused by the broker: the topic's setting is the one to raise.
        let e = too_large(500_000, false, Some(1_000_000), Some(100_000));
        assert!(e.contains("over the topic's max.message.bytes (100000)"), "{e}");
        assert!(!e.contains("-X"), "{e}");
    }

    #[test]
    fn partitions_short_of_in_sync_replicas() {
        // Three replicas, two wanted in sync: only partition 1 refuses writes.
        let parts = [(0, 3, 3), (1, 1, 3), (2, 2, 3)].into_iter();
        assert_eq!(short_of_isr(parts, 2), vec!["partition 1 has 1 of 3 replicas in sync"]);
        // Kafka caps min.insync.replicas at the replica count: one replica in sync is enough.
        assert!(short_of_isr([(0, 1, 1)].into_iter(), 2).is_empty());
    }
}
