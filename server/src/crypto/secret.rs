//! Random secrets for personal access tokens and robots, and the fast hash they are
//! stored under. They carry about 238 bits of entropy, so a single SHA-256 is the
//! right tool: a slow password hash would only make every registry request slow.

use super::random;
use sha2::{Digest, Sha256};

/// Personal access tokens start with this, so they are recognisable (and scannable
/// in leaked logs) and cheap to tell apart from passwords.
pub const TOKEN_PREFIX: &str = "berth_pat_";

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LENGTH: usize = 40;

/// `prefix` followed by 40 random letters and digits.
pub fn new_secret(prefix: &str) -> String {
    format!("{prefix}{}", random::string(ALPHABET, LENGTH))
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two hashes without an early exit, so timing reveals nothing.
pub fn hashes_match(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_prefixed_and_hashed() {
        let (a, b) = (new_secret(TOKEN_PREFIX), new_secret(TOKEN_PREFIX));
        assert!(a.starts_with(TOKEN_PREFIX) && a.len() == TOKEN_PREFIX.len() + 40);
        assert_ne!(a, b);
        assert_eq!(hash_secret(&a).len(), 64);
        assert!(hashes_match(&hash_secret(&a), &hash_secret(&a)));
        assert!(!hashes_match(&hash_secret(&a), &hash_secret(&b)));
    }
}
