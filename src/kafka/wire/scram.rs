//! The client side of SCRAM (RFC 5802, with SHA-256 per RFC 7677 and SHA-512 as Kafka uses it):
//! client-first, the proof for the server's challenge, and the check of the server's signature,
//! so evbus knows it spoke to a broker that holds the credential, not just one that said "ok".
//! Pure message logic on OpenSSL's PBKDF2/HMAC/SHA, unit-tested with RFC 7677's exchange; the
//! socket part is in [`super::sasl`].

use openssl::hash::{MessageDigest, hash};
use openssl::pkey::PKey;
use openssl::sign::Signer;

/// The hash a SCRAM mechanism is built on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    /// SCRAM-SHA-256.
    Sha256,
    /// SCRAM-SHA-512.
    Sha512,
}

impl Hash {
    fn md(self) -> MessageDigest {
        match self {
            Hash::Sha256 => MessageDigest::sha256(),
            Hash::Sha512 => MessageDigest::sha512(),
        }
    }
}

/// Kafka stores SCRAM credentials with at most this many iterations (and at least 4096); a larger
/// count from a "broker" would only burn CPU.
const MAX_ITERATIONS: u32 = 16_384;

/// One SCRAM exchange, from client-first to the server's final message.
pub struct Client {
    hash: Hash,
    password: String,
    nonce: String,
    first_bare: String,
}

/// `saslname` of RFC 5802: `=` and `,` escaped.
fn saslname(user: &str) -> String {
    user.replace('=', "=3D").replace(',', "=2C")
}

fn hmac(h: Hash, key: &[u8], data: &[u8]) -> Result<Vec<u8>, String> {
    let pkey = PKey::hmac(key).map_err(|e| e.to_string())?;
    let mut s = Signer::new(h.md(), &pkey).map_err(|e| e.to_string())?;
    s.sign_oneshot_to_vec(data).map_err(|e| e.to_string())
}

/// The attribute `name` (`r`, `s`, `i`, `v`, `e`) of a SCRAM message.
fn attr(msg: &str, name: char) -> Option<&str> {
    msg.split(',').find_map(|part| part.strip_prefix(name)?.strip_prefix('='))
}

impl Client {
    /// A new exchange with a random nonce.
    pub fn new(hash: Hash, user: &str, password: &str) -> Result<Client, String> {
        let mut raw = [0u8; 24];
        openssl::rand::rand_bytes(&mut raw).map_err(|e| e.to_string())?;
        Ok(Client::with_nonce(hash, user, password, &openssl::base64::encode_block(&raw)))
    }

    /// A new exchange with the given nonce (printable, no `,`): for tests.
    fn with_nonce(hash: Hash, user: &str, password: &str, nonce: &str) -> Client {
        Client {
            hash,
            password: password.to_string(),
            nonce: nonce.to_string(),
            first_bare: format!("n={},r={nonce}", saslname(user)),
        }
    }

    /// The client-first message (no channel binding, no authorization id).
    pub fn first(&self) -> String {
        format!("n,,{}", self.first_bare)
    }

    /// The client-final message answering `server_first`, and the server signature the server's
    /// final message must carry. Errors say what was wrong with the server's message.
    pub fn last(&self, server_first: &str) -> Result<(String, Vec<u8>), String> {
        if let Some(e) = attr(server_first, 'e') {
            return Err(format!("the broker refused: {e}"));
        }
        let nonce = attr(server_first, 'r').ok_or("the broker's challenge has no nonce")?;
        if !nonce.starts_with(&self.nonce) || nonce.len() == self.nonce.len() {
            return Err("the broker's nonce does not extend evbus's".into());
        }
        let salt = attr(server_first, 's')
            .and_then(|s| openssl::base64::decode_block(s).ok())
            .ok_or("the broker's challenge has no valid salt")?;
        let iterations: u32 = attr(server_first, 'i')
            .and_then(|i| i.parse().ok())
            .filter(|i| (1..=MAX_ITERATIONS).contains(i))
            .ok_or("the broker's challenge has no valid iteration count")?;
        let h = self.hash;
        let mut salted = vec![0u8; h.md().size()];
        openssl::pkcs5::pbkdf2_hmac(self.password.as_bytes(), &salt, iterations as usize, h.md(), &mut salted)
            .map_err(|e| e.to_string())?;
        let client_key = hmac(h, &salted, b"Client Key")?;
        let stored_key = hash(h.md(), &client_key).map_err(|e| e.to_string())?;
        // `biws` is base64("n,,"): the GS2 header of client-first, no channel binding.
        let without_proof = format!("c=biws,r={nonce}");
        let auth_message = format!("{},{server_first},{without_proof}", self.first_bare);
        let signature = hmac(h, &stored_key, auth_message.as_bytes())?;
        let proof: Vec<u8> = client_key.iter().zip(&signature).map(|(k, s)| k ^ s).collect();
        let server_key = hmac(h, &salted, b"Server Key")?;
        let server_signature = hmac(h, &server_key, auth_message.as_bytes())?;
        Ok((format!("{without_proof},p={}", openssl::base64::encode_block(&proof)), server_signature))
    }

    /// Checks the server-final message against the signature [`Client::last`] expects.
    pub fn verify(server_final: &str, expected: &[u8]) -> Result<(), String> {
        if let Some(e) = attr(server_final, 'e') {
            return Err(format!("the broker refused: {e}"));
        }
        let v = attr(server_final, 'v').and_then(|v| openssl::base64::decode_block(v).ok());
        match v {
            Some(v) if openssl::memcmp::eq(&v, expected) => Ok(()),
            Some(v) if v.len() == expected.len() => {
                Err("the broker's SCRAM signature is wrong (it does not hold this credential)".into())
            }
            _ => Err("the broker's final SCRAM message has no valid signature".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7677 section 3: user "user", password "pencil".
    #[test]
    fn the_rfc_7677_exchange_is_reproduced() {
        let c = Client::with_nonce(Hash::Sha256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
        assert_eq!(c.first(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        let server_first = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
        let (last, sig) = c.last(server_first).unwrap();
        assert_eq!(
            last,
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        );
        assert_eq!(Client::verify("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", &sig), Ok(()));
        // A server without the credential cannot make the signature.
        let e = Client::verify("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", &sig).unwrap_err();
        assert!(e.contains("signature is wrong"), "{e}");
    }

    #[test]
    fn sha_512_gives_a_64_byte_proof_and_odd_names_are_escaped() {
        let c = Client::with_nonce(Hash::Sha512, "a=b,c", "pw", "abc");
        assert_eq!(c.first(), "n,,n=a=3Db=2Cc,r=abc");
        let (last, sig) = c.last("r=abcdef,s=QSXCR+Q6sek8bf92,i=4096").unwrap();
        let proof = openssl::base64::decode_block(last.rsplit_once(",p=").unwrap().1).unwrap();
        assert_eq!((proof.len(), sig.len()), (64, 64));
        assert!(Client::new(Hash::Sha512, "u", "p").unwrap().first().starts_with("n,,n=u,r="));
    }

    #[test]
    fn a_bad_challenge_is_refused_with_a_reason() {
        let c = Client::with_nonce(Hash::Sha256, "u", "p", "abc");
        for (server_first, why) in [
            ("e=unknown-user", "the broker refused: unknown-user"),
            ("r=xyz123,s=QSXCR+Q6sek8bf92,i=4096", "does not extend"),
            ("r=abc,s=QSXCR+Q6sek8bf92,i=4096", "does not extend"),
            ("r=abcd,i=4096", "no valid salt"),
            ("r=abcd,s=QSXCR+Q6sek8bf92,i=0", "no valid iteration count"),
            ("r=abcd,s=QSXCR+Q6sek8bf92,i=100000000", "no valid iteration count"),
        ] {
            let e = c.last(server_first).err().unwrap_or_else(|| panic!("{server_first} accepted"));
            assert!(e.contains(why), "{server_first}: {e}");
        }
        assert!(Client::verify("e=invalid-proof", &[0; 32]).unwrap_err().contains("invalid-proof"));
    }
}
