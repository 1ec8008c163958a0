//! The consumer protocol's member assignment, decoded from the bytes DescribeGroups returns: a
//! pure rule, tested here without a broker.

use std::collections::BTreeMap;

/// Decode a consumer-protocol `MemberAssignment`: version (i16), then an array (i32 count) of
/// topic (i16-length string) + partitions (i32 count of i32), then user data we ignore.
///
/// Returns `None` on anything malformed (another protocol, truncation): a garbage assignment must
/// never take the command down, it just means "owner unknown".
pub fn decode_assignment(bytes: &[u8]) -> Option<BTreeMap<String, Vec<i32>>> {
    struct R<'a>(&'a [u8]);
    impl R<'_> {
        fn take(&mut self, n: usize) -> Option<&[u8]> {
            if self.0.len() < n {
                return None;
            }
            let (a, b) = self.0.split_at(n);
            self.0 = b;
            Some(a)
        }
        fn i16(&mut self) -> Option<i16> {
            self.take(2).map(|b| i16::from_be_bytes([b[0], b[1]]))
        }
        fn i32(&mut self) -> Option<i32> {
            self.take(4).map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        }
    }
    let mut r = R(bytes);
    if bytes.is_empty() {
        // An empty assignment (a member that was just added) is valid and owns nothing.
        return Some(BTreeMap::new());
    }
    let version = r.i16()?;
    if version < 0 {
        return None;
    }
    let topics = r.i32()?;
    // A count larger than the bytes left cannot be honest; checking it bounds the allocation.
    if topics < 0 || topics as usize > r.0.len() / 6 {
        return None;
    }
    let mut out = BTreeMap::new();
    for _ in 0..topics {
        let len = r.i16()?;
        if len < 0 {
            return None;
        }
        let name = String::from_utf8_lossy(r.take(len as usize)?).into_owned();
        let n = r.i32()?;
        if n < 0 || n as usize > r.0.len() / 4 {
            return None;
        }
        let mut parts = Vec::with_capacity(n as usize);
        for _ in 0..n {
            parts.push(r.i32()?);
        }
        out.entry(name).or_insert_with(Vec::new).extend(parts);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(version: i16, topics: &[(&str, &[i32])], user_data: &[u8]) -> Vec<u8> {
        let mut b = version.to_be_bytes().to_vec();
        b.extend((topics.len() as i32).to_be_bytes());
        for (t, ps) in topics {
            b.extend((t.len() as i16).to_be_bytes());
            b.extend(t.as_bytes());
            b.extend((ps.len() as i32).to_be_bytes());
            for p in *ps {
                b.extend(p.to_be_bytes());
            }
        }
        b.extend((user_data.len() as i32).to_be_bytes());
        b.extend(user_data);
        b
    }

    #[test]
    fn decodes_a_consumer_assignment() {
        let b = encode(1, &[("orders", &[0, 2]), ("payments", &[1])], b"xyz");
        let a = decode_assignment(&b).unwrap();
        assert_eq!(a.get("orders"), Some(&vec![0, 2]));
        assert_eq!(a.get("payments"), Some(&vec![1]));
        assert_eq!(a.len(), 2);
    }

    #[test]
    fn empty_assignment_owns_nothing() {
        assert_eq!(decode_assignment(&[]), Some(BTreeMap::new()));
        assert_eq!(decode_assignment(&encode(0, &[], &[])), Some(BTreeMap::new()));
    }

    #[test]
    fn garbage_is_rejected_not_panicked_on() {
        assert_eq!(decode_assignment(&[0]), None);
        assert_eq!(decode_assignment(&[0, 0, 0x7f, 0xff, 0xff, 0xff]), None);
        let mut b = encode(0, &[("orders", &[0, 1, 2])], &[]);
        b.truncate(b.len() - 9);
        assert_eq!(decode_assignment(&b), None);
        assert_eq!(decode_assignment(&[0xff, 0xff, 0, 0, 0, 1]), None);
        // Every prefix of a valid assignment and random bytes: no panic.
        let full = encode(3, &[("a", &[1, 2]), ("bb", &[3])], b"u");
        for n in 0..full.len() {
            let _ = decode_assignment(&full[..n]);
        }
        let mut x: u32 = 12345;
        for _ in 0..2000 {
            let len = (x % 40) as usize;
            let v: Vec<u8> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (x >> 16) as u8
                })
                .collect();
            let _ = decode_assignment(&v);
        }
    }
}
