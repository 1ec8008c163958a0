//! Version strings: evbus's own and the librdkafka it was built with (what a bug report needs).

/// evbus's version alone, for `--version`.
pub fn short() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// evbus's version with the librdkafka it links, for `--version` in long form and bug reports.
pub fn long() -> String {
    let (_, librdkafka) = rdkafka::util::get_rdkafka_version();
    format!("{} (librdkafka {})", env!("CARGO_PKG_VERSION"), librdkafka)
}
