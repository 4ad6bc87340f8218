//! Running digests of uploaded content, and a per-process cache of them so a chunked
//! upload need not be read back from the store to be verified. The cache is only a
//! shortcut: when it misses (another replica took the previous chunk, or a restart),
//! the upload is re-read and hashed.

use app::domain::digest::{Algorithm, Digest};
use sha2::Digest as _;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Clone)]
pub enum Hasher {
    Sha256(sha2::Sha256),
    Sha512(sha2::Sha512),
}

impl Hasher {
    pub fn new(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            Algorithm::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }

    pub fn finish(self) -> Digest {
        match self {
            Hasher::Sha256(h) => Digest::from_parts(Algorithm::Sha256, hex::encode(h.finalize())),
            Hasher::Sha512(h) => Digest::from_parts(Algorithm::Sha512, hex::encode(h.finalize())),
        }
    }

    pub fn algorithm(&self) -> Algorithm {
        match self {
            Hasher::Sha256(_) => Algorithm::Sha256,
            Hasher::Sha512(_) => Algorithm::Sha512,
        }
    }
}

pub fn digest_of(algorithm: Algorithm, data: &[u8]) -> Digest {
    let mut hasher = Hasher::new(algorithm);
    hasher.update(data);
    hasher.finish()
}

/// Upload id → (bytes hashed so far, sha256 state).
#[derive(Default)]
pub struct UploadHashes {
    states: Mutex<HashMap<String, (i64, Hasher)>>,
}

/// Uploads tracked at once; beyond this the oldest entries are simply recomputed later.
const MAX_TRACKED: usize = 4096;

impl UploadHashes {
    /// The running hash if it covers exactly the first `size` bytes.
    pub fn take(&self, id: &str, size: i64) -> Option<Hasher> {
        let mut states = self.states.lock().unwrap();
        match states.remove(id) {
            Some((hashed, hasher)) if hashed == size => Some(hasher),
            _ => None,
        }
    }

    pub fn put(&self, id: &str, size: i64, hasher: Hasher) {
        let mut states = self.states.lock().unwrap();
        if states.len() >= MAX_TRACKED {
            states.clear();
        }
        states.insert(id.to_string(), (size, hasher));
    }

    pub fn forget(&self, id: &str) {
        self.states.lock().unwrap().remove(id);
    }
}
