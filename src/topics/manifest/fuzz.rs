//! Hostile input for the manifest parser (issue 14): arbitrary bytes and mutated manifests never
//! panic, and every error names the file with a line and column.

use std::path::Path;

use super::*;
use proptest::prelude::*;

const SEED: &str = "version: 1\ndefaults: { partitions: 3, config: { retention.ms: 7d } }\ntopics:\n  - name: a.b.c\n    partitions: 6\n    config: { cleanup.policy: compact }\ngroups:\n  - name: g\n    topics: [a.b.c]\n    max_lag: 10\n";

fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Err(e) = parse_bytes(bytes, Path::new("m.yaml")) {
        let text = e.to_string();
        prop_assert!(text.contains("m.yaml:"), "an error without its location: {text}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check(&bytes)?;
    }

    #[test]
    fn mutated_manifests_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0..4u8, any::<u8>()), 1..8),
    ) {
        let mut b = SEED.as_bytes().to_vec();
        for (at, op, byte) in edits {
            let i = at.index(b.len().max(1)).min(b.len());
            match op {
                0 if i < b.len() => { b.remove(i); }
                1 => b.insert(i, byte),
                2 if i < b.len() => b[i] = byte,
                _ => {
                    let specials = b"[{:-\"'&*!|>#\n\t";
                    b.insert(i, specials[usize::from(byte) % specials.len()]);
                }
            }
        }
        check(&b)?;
    }

    #[test]
    fn deep_or_wide_structures_are_refused_quickly(depth in 1usize..5000, flow in any::<bool>()) {
        let src = if flow {
            format!("version: 1\ntopics: {}{}\n", "[".repeat(depth), "]".repeat(depth))
        } else {
            let mut s = String::from("version: 1\ntopics:\n");
            for d in 0..depth.min(400) {
                s.push_str(&" ".repeat(2 * d + 2));
                s.push_str("- \n");
            }
            s
        };
        let t = std::time::Instant::now();
        check(src.as_bytes())?;
        prop_assert!(t.elapsed() < std::time::Duration::from_secs(2), "took {:?}", t.elapsed());
    }
}
