//! Human units in topic configs: `7d` for `*.ms` keys and `512MiB` for `*.bytes` keys, turned into
//! the integer strings Kafka stores, so that the manifest and the cluster compare equal.

/// Normalise one topic-config value for `key`. Errors say what was expected.
pub fn normalize(key: &str, raw: &str) -> Result<String, String> {
    let v = raw.trim();
    if key.ends_with(".ms") {
        return normalize_ms(v).map_err(|e| format!("{key}: {e}"));
    }
    if key.ends_with(".bytes") {
        return normalize_bytes(v).map_err(|e| format!("{key}: {e}"));
    }
    if key == "cleanup.policy" {
        // Kafka accepts "delete,compact" in any order and reports it back as given;
        // sorting makes the comparison order-insensitive.
        let mut parts: Vec<&str> = v.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
        parts.sort_unstable();
        parts.dedup();
        return Ok(parts.join(","));
    }
    Ok(v.to_string())
}

/// A normalised value as people write it in the manifest: `*.ms` in the largest unit that is
/// exact (`2592000000` → `30d`, `5400000` → `90m`), `*.bytes` likewise (`536870912` → `512MiB`);
/// anything else, `-1` (unlimited) and values that are not integers as they are. For plans
/// and tables; JSON keeps Kafka's integers.
pub fn display(key: &str, value: &str) -> String {
    let Ok(n) = value.parse::<i64>() else { return value.to_string() };
    let units: &[(i64, &str)] = if key.ends_with(".ms") {
        &[(86_400_000, "d"), (3_600_000, "h"), (60_000, "m"), (1000, "s")]
    } else if key.ends_with(".bytes") {
        &[(1 << 40, "TiB"), (1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
    } else {
        return value.to_string();
    };
    if n <= 0 {
        return value.to_string();
    }
    match units.iter().find(|(size, _)| n % size == 0) {
        Some((size, unit)) => format!("{}{unit}", n / size),
        None if key.ends_with(".ms") => format!("{n}ms"),
        None => value.to_string(),
    }
}

fn normalize_ms(v: &str) -> Result<String, String> {
    if let Ok(n) = v.parse::<i64>() {
        if n < -1 {
            return Err(format!("{n} is not a valid duration (use -1 for unlimited)"));
        }
        return Ok(n.to_string());
    }
    // humantime understands 7d, 1h30m, 500ms, 2weeks, ...
    let d = humantime::parse_duration(v)
        .map_err(|e| format!("'{v}' is neither milliseconds nor a duration like 7d or 1h30m ({e})"))?;
    let ms = d.as_millis();
    i64::try_from(ms).map(|n| n.to_string()).map_err(|_| format!("'{v}' is too large"))
}

fn normalize_bytes(v: &str) -> Result<String, String> {
    if let Ok(n) = v.parse::<i64>() {
        if n < -1 {
            return Err(format!("{n} is not a valid size (use -1 for unlimited)"));
        }
        return Ok(n.to_string());
    }
    // parse-size reads both decimal (1GB = 10^9) and binary (512MiB = 2^29) units.
    let n = parse_size::Config::new()
        .parse_size(v)
        .map_err(|e| format!("'{v}' is neither bytes nor a size like 512MiB or 1GB ({e})"))?;
    i64::try_from(n).map(|n| n.to_string()).map_err(|_| format!("'{v}' is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displayed_in_the_manifest_units() {
        assert_eq!(display("retention.ms", "2592000000"), "30d");
        assert_eq!(display("retention.ms", &normalize("retention.ms", "100h").unwrap()), "100h");
        assert_eq!(display("segment.ms", "5400000"), "90m");
        assert_eq!(display("flush.ms", "1500"), "1500ms");
        assert_eq!(display("retention.ms", "-1"), "-1");
        assert_eq!(display("segment.bytes", "536870912"), "512MiB");
        assert_eq!(display("max.message.bytes", "1000012"), "1000012");
        assert_eq!(display("cleanup.policy", "delete"), "delete");
        // What is shown reads back as the same value.
        for (k, v) in [("retention.ms", "2592000000"), ("segment.bytes", "1073741824"), ("segment.ms", "1500")] {
            assert_eq!(normalize(k, &display(k, v)).unwrap(), v);
        }
    }

    #[test]
    fn durations() {
        assert_eq!(normalize("retention.ms", "7d").unwrap(), "604800000");
        assert_eq!(normalize("retention.ms", "1m").unwrap(), "60000");
        assert_eq!(normalize("segment.ms", "1h 30m").unwrap(), "5400000");
        assert_eq!(normalize("retention.ms", "-1").unwrap(), "-1");
        assert_eq!(normalize("retention.ms", "86400000").unwrap(), "86400000");
        assert!(normalize("retention.ms", "seven days").unwrap_err().contains("retention.ms"));
        assert!(normalize("retention.ms", "-5").is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(normalize("segment.bytes", "512MiB").unwrap(), "536870912");
        assert_eq!(normalize("retention.bytes", "1GB").unwrap(), "1000000000");
        assert_eq!(normalize("retention.bytes", "1GiB").unwrap(), "1073741824");
        assert_eq!(normalize("max.message.bytes", "1048588").unwrap(), "1048588");
        assert_eq!(normalize("retention.bytes", "-1").unwrap(), "-1");
        assert!(normalize("segment.bytes", "lots").is_err());
    }

    #[test]
    fn other_keys_pass_through() {
        assert_eq!(normalize("cleanup.policy", "delete, compact").unwrap(), "compact,delete");
        assert_eq!(normalize("compression.type", " zstd ").unwrap(), "zstd");
        assert_eq!(normalize("min.insync.replicas", "2").unwrap(), "2");
    }
}
