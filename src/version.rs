//! Version strings: evbus's own and the librdkafka it was built with (what a bug report needs).

pub fn short() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

pub fn long() -> String {
    let (_, librdkafka) = rdkafka::util::get_rdkafka_version();
    format!("{} (librdkafka {})", env!("CARGO_PKG_VERSION"), librdkafka)
}
