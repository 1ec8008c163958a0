//! A process-wide monotonic clock in milliseconds, for timestamps kept in atomics (the last
//! delivery report a producer's context saw, where a stall watch starts).

/// Milliseconds on a process-wide monotonic clock; never 0, so 0 can mean "not yet".
pub fn mono_ms() -> u64 {
    static T0: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    T0.get_or_init(std::time::Instant::now).elapsed().as_millis() as u64 + 1
}
