//! Kafka's default partitioner for keyed records, bit-for-bit compatible with the Java client.
//!
//! The Java producer (and every client that follows it: Spring, Connect, Streams, kafkajs with
//! `JavaCompatiblePartitioner`) sends a record with a non-null key to
//! `toPositive(murmur2(keyBytes)) % numPartitions`. evbus uses this to answer "which partition
//! will this key land on?" and to produce keyed records where a Java consumer expects them.
//!
//! librdkafka's *default* partitioner is `consistent_random` (CRC32), not murmur2, so a record
//! produced through rdkafka only lands on the partition computed here when the producer is
//! configured with `partitioner=murmur2_random`, or when the partition is set explicitly from
//! [`partition_for_key`].
//!
//! Records without a key are not covered: Java spreads them with the sticky partitioner, which
//! depends on batching state, not on the record.

/// Kafka's `Utils.murmur2`: MurmurHash2 (32-bit), seed `0x9747b28c`, as Java computes it.
///
/// Java `int` arithmetic silently wraps and `>>>` is an unsigned shift, so the state is kept as
/// `u32` (wrapping multiply, logical shift) and reinterpreted as `i32` only at the end; the bit
/// pattern is identical to Java's signed result.
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;

    // Java mixes in `data.length` as an `int`; truncating matches it for every length a Java
    // array can have, and keeps huge slices from panicking.
    let mut h: u32 = SEED ^ (data.len() as u32);

    let mut chunks = data.chunks_exact(4);
    for chunk in &mut chunks {
        let mut k = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }

    // Java's `switch` falls through from case 3 to case 1; the final multiply belongs to case 1
    // and therefore runs whenever there is any tail at all.
    let tail = chunks.remainder();
    if tail.len() >= 3 {
        h ^= u32::from(tail[2]) << 16;
    }
    if tail.len() >= 2 {
        h ^= u32::from(tail[1]) << 8;
    }
    if !tail.is_empty() {
        h ^= u32::from(tail[0]);
        h = h.wrapping_mul(M);
    }

    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// Kafka's `Utils.toPositive`: clears the sign bit.
///
/// Deliberately not `abs`: `abs(i32::MIN)` overflows, and the result must equal Java's bit mask
/// for every hash, including the negative ones.
pub fn to_positive(n: i32) -> i32 {
    n & 0x7fff_ffff
}

/// The partition the Java producer's default partitioner picks for a record with this key.
///
/// `partitions <= 0` cannot come from real topic metadata; instead of panicking on a division by
/// zero this returns `-1`, which is both Kafka's "unknown partition" and librdkafka's
/// `RD_KAFKA_PARTITION_UA` ("let the producer choose"), so it is never silently a real partition.
pub fn partition_for_key(key: &[u8], partitions: i32) -> i32 {
    if partitions <= 0 {
        return -1;
    }
    to_positive(murmur2(key)) % partitions
}

/// The bytes of a key written in hex (`00ff10`, either case), for `partition-for --key-hex`:
/// binary keys cannot be typed as text.
pub fn parse_hex_key(s: &str) -> Result<Vec<u8>, String> {
    if s.len() % 2 != 0 {
        return Err("an odd number of hex digits".into());
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err(format!("'{}' is not a hex digit", char::from(c).escape_default())),
    };
    s.as_bytes().chunks_exact(2).map(|pair| Ok(digit(pair[0])? << 4 | digit(pair[1])?)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Kafka's `UtilsTest.testMurmur2` vectors, plus the empty key; re-derived with an independent
    /// Python model of the Java code before being pinned here.
    const JAVA_VECTORS: &[(&[u8], i32)] = &[
        (b"21", -973_932_308),
        (b"foobar", -790_332_482),
        (b"a-little-bit-long-string", -985_981_536),
        (b"a-little-bit-longer-string", -1_486_304_829),
        (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971),
        (b"abc", 479_470_107),
        (b"", 275_646_681),
    ];

    #[test]
    fn murmur2_matches_kafka_utils_test() {
        for (input, expected) in JAVA_VECTORS {
            assert_eq!(murmur2(input), *expected, "murmur2({:?})", String::from_utf8_lossy(input));
        }
    }

    #[test]
    fn murmur2_covers_every_tail_length() {
        // One key per `len % 4`, so each fall-through arm of Java's switch is exercised.
        assert_eq!(murmur2(b"abcd"), -1_323_649_548);
        assert_eq!(murmur2(b"a"), -1_563_381_124);
        assert_eq!(murmur2(b"ab"), 316_155_434);
        assert_eq!(murmur2(b"abc"), 479_470_107);
    }

    #[test]
    fn murmur2_treats_bytes_as_unsigned() {
        // Java masks each (signed) byte with 0xff; high bytes must not sign-extend.
        assert_eq!(murmur2(&[0xff, 0x80, 0x00, 0x7f, 0xfe]), 768_357_719);
    }

    #[test]
    fn to_positive_masks_the_sign_bit() {
        assert_eq!(to_positive(0), 0);
        assert_eq!(to_positive(42), 42);
        assert_eq!(to_positive(-1), i32::MAX);
        assert_eq!(to_positive(i32::MIN), 0);
        assert_eq!(to_positive(-973_932_308), 1_173_551_340);
    }

    #[test]
    fn partitions_for_three_and_six() {
        let cases: &[(&[u8], i32, i32)] = &[
            (b"21", 0, 0),
            (b"foobar", 0, 0),
            (b"a-little-bit-long-string", 2, 2),
            (b"a-little-bit-longer-string", 2, 5),
            (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", 2, 5),
            (b"abc", 0, 3),
            (b"", 0, 3),
        ];
        for (key, p3, p6) in cases {
            let name = String::from_utf8_lossy(key);
            assert_eq!(partition_for_key(key, 3), *p3, "{name} over 3");
            assert_eq!(partition_for_key(key, 6), *p6, "{name} over 6");
        }
    }

    #[test]
    fn partition_matches_a_java_value_over_fifty() {
        // 1357151166 % 50, the value other Kafka ports pin for "foobar".
        assert_eq!(partition_for_key(b"foobar", 50), 16);
    }

    #[test]
    fn single_partition_is_always_zero() {
        for (key, _) in JAVA_VECTORS {
            assert_eq!(partition_for_key(key, 1), 0);
        }
    }

    #[test]
    fn nonpositive_partition_count_is_unknown_not_a_panic() {
        assert_eq!(partition_for_key(b"abc", 0), -1);
        assert_eq!(partition_for_key(b"abc", -3), -1);
        assert_eq!(partition_for_key(b"abc", i32::MIN), -1);
    }

    #[test]
    fn hex_keys_decode_to_bytes() {
        assert_eq!(parse_hex_key(""), Ok(vec![]));
        assert_eq!(parse_hex_key("00ff10"), Ok(vec![0x00, 0xff, 0x10]));
        assert_eq!(parse_hex_key("FF80007FFE"), Ok(vec![0xff, 0x80, 0x00, 0x7f, 0xfe]));
        assert!(parse_hex_key("abc").unwrap_err().contains("odd"));
        assert!(parse_hex_key("zz").unwrap_err().contains("'z'"));
        // Multi-byte UTF-8 is rejected digit by digit, never split mid-character into a panic.
        assert!(parse_hex_key("é0").is_err());
    }

    proptest! {
        #[test]
        fn partition_is_in_range(key in proptest::collection::vec(any::<u8>(), 0..64),
                                 partitions in 1i32..=10_000) {
            let p = partition_for_key(&key, partitions);
            prop_assert!((0..partitions).contains(&p));
        }

        #[test]
        fn to_positive_is_never_negative(n in any::<i32>()) {
            prop_assert!(to_positive(n) >= 0);
        }
    }
}
