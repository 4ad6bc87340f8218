//! Passwords argon2 verified a moment ago, so a client that sends Basic credentials
//! on every request (scripts, CI, some registry clients) does not pay an argon2 check
//! and a throttle slot each time. An entry is keyed by a keyed hash of the username
//! and password (the secret itself is never kept) and remembers the stored hash it
//! was verified against: a hit counts only while the user's stored hash is still
//! that one, so a password change or reset ends it at once. Entries live a minute.
//! Only a shortcut: a miss (another replica, a restart) just verifies again.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const TIME_TO_LIVE: Duration = Duration::from_secs(60);
const MAX_ENTRIES: usize = 10_000;

pub struct VerifiedPasswords {
    key: [u8; 32],
    entries: Mutex<HashMap<[u8; 32], (String, Instant)>>,
}

impl Default for VerifiedPasswords {
    fn default() -> Self {
        VerifiedPasswords { key: crate::crypto::random::bytes(), entries: Mutex::default() }
    }
}

impl VerifiedPasswords {
    fn fingerprint(&self, username: &str, password: &str) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC accepts keys of any length");
        mac.update(username.as_bytes());
        mac.update(&[0]);
        mac.update(password.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// Whether this password was verified within the last minute against `stored_hash`.
    pub fn recently_verified(&self, username: &str, password: &str, stored_hash: &str) -> bool {
        let fingerprint = self.fingerprint(username, password);
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.get(&fingerprint).is_some_and(|(hash, at)| hash == stored_hash && at.elapsed() < TIME_TO_LIVE)
    }

    pub fn remember(&self, username: &str, password: &str, stored_hash: &str) {
        let fingerprint = self.fingerprint(username, password);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (_, at)| at.elapsed() < TIME_TO_LIVE);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(fingerprint, (stored_hash.to_string(), Instant::now()));
    }
}

#[cfg(test)]
mod tests {
    use super::VerifiedPasswords;

    #[test]
    fn a_hit_needs_the_same_password_and_the_same_stored_hash() {
        let cache = VerifiedPasswords::default();
        cache.remember("alice", "right", "$argon2id$one");
        assert!(cache.recently_verified("alice", "right", "$argon2id$one"));
        assert!(!cache.recently_verified("alice", "wrong", "$argon2id$one"));
        assert!(!cache.recently_verified("bob", "right", "$argon2id$one"));
        assert!(!cache.recently_verified("alice", "right", "$argon2id$two"), "the password was changed");
    }
}
