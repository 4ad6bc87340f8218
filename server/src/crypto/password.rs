//! Argon2id password hashing, run off the async threads because it is deliberately
//! slow (about 20 ms with the default parameters: 19 MiB, 2 passes).
//!
//! Anyone can make Berth check a password, so the checks are bounded: at most
//! `MAX_RUNNING` run at once (memory stays near `MAX_RUNNING` × 19 MiB however many
//! guesses arrive), at most `MAX_WAITING` more wait their turn, and a check that
//! cannot start within `MAX_WAIT` is answered "busy, retry" instead. Token pulls
//! never wait here.

use super::random;
use app::domain::Error;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

const MAX_RUNNING: usize = 4;
const MAX_WAITING: usize = 64;
const MAX_WAIT: Duration = Duration::from_secs(10);
/// What a caller turned away is told to wait before trying again.
const BUSY_RETRY_SECS: u64 = 2;

static RUNNING: Semaphore = Semaphore::const_new(MAX_RUNNING);
static WAITING: AtomicUsize = AtomicUsize::new(0);

/// A turn to run one argon2 computation, or `TooManyRequests` when too many are queued.
async fn turn() -> Result<SemaphorePermit<'static>, Error> {
    let busy = Error::TooManyRequests { retry_after_secs: BUSY_RETRY_SECS };
    if let Ok(permit) = RUNNING.try_acquire() {
        return Ok(permit);
    }
    if WAITING.fetch_add(1, Ordering::AcqRel) >= MAX_WAITING {
        WAITING.fetch_sub(1, Ordering::AcqRel);
        return Err(busy);
    }
    let permit = tokio::time::timeout(MAX_WAIT, RUNNING.acquire()).await;
    WAITING.fetch_sub(1, Ordering::AcqRel);
    match permit {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(busy),
    }
}

pub async fn hash(password: String) -> Result<String, Error> {
    let _turn = turn().await?;
    tokio::task::spawn_blocking(move || hash_blocking(&password)).await.map_err(|_| Error::Internal)?
}

fn hash_blocking(password: &str) -> Result<String, Error> {
    let salt = SaltString::encode_b64(&random::bytes::<16>()).map_err(|_| Error::Internal)?;
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|err| {
        tracing::error!(error = %err, "argon2 hashing failed");
        Error::Internal
    })
}

/// Verifies `password` against `stored`. With no stored hash (unknown user) it still
/// verifies against a dummy hash, so the answer takes the same time either way.
/// `TooManyRequests` when the check could not get a turn.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, Error> {
    let _turn = turn().await?;
    Ok(tokio::task::spawn_blocking(move || {
        let dummy;
        let stored = match &stored {
            Some(hash) => hash.as_str(),
            None => {
                dummy = dummy_hash();
                dummy
            }
        };

        PasswordHash::new(stored).map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()).unwrap_or(false)
    })
    .await
    .unwrap_or(false))
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking(&generate()).unwrap_or_default())
}

/// A random 24-character password from an unambiguous alphabet (about 140 bits).
pub fn generate() -> String {
    random::string(b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 24)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let hash = hash("correct horse".to_string()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify("correct horse".to_string(), Some(hash.clone())).await.unwrap());
        assert!(!verify("wrong horse".to_string(), Some(hash)).await.unwrap());
        assert!(!verify("anything".to_string(), None).await.unwrap());
        assert!(!verify("anything".to_string(), Some("not a hash".to_string())).await.unwrap());
    }

    #[test]
    fn generated_passwords_differ() {
        let (a, b) = (generate(), generate());
        assert_eq!(a.len(), 24);
        assert_ne!(a, b);
    }
}
