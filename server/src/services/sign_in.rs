//! Password sign-in with throttling per username and per client address, and the
//! lookup of a session's user.

use super::Services;
use crate::auth::password;
use crate::db::now_ms;
use crate::db::throttle::ThrottleRule;
use app::domain::Error;
use app::domain::policy::UserIdentity;

/// Five wrong passwords for one username within 15 minutes lock it for 15 minutes.
const PER_USER: ThrottleRule = ThrottleRule { max_failures: 5, window_ms: 15 * 60_000, lockout_ms: 15 * 60_000 };
/// Thirty failures from one address within 15 minutes lock that address out.
const PER_ADDRESS: ThrottleRule = ThrottleRule { max_failures: 30, window_ms: 15 * 60_000, lockout_ms: 15 * 60_000 };
/// Longer than any username or password we accept; refused before any work is done.
pub const MAX_CREDENTIAL_LEN: usize = 1024;

impl Services {
    /// Checks a username and password. Wrong credentials, an unknown user and a
    /// disabled account all cost the same time; the first two are indistinguishable.
    pub async fn sign_in(&self, username: &str, password: &str, client_addr: &str) -> Result<UserIdentity, Error> {
        if username.len() > MAX_CREDENTIAL_LEN || password.len() > MAX_CREDENTIAL_LEN {
            return Err(Error::invalid("credentials", "too long"));
        }
        let user_key = format!("user:{}", username.to_ascii_lowercase());
        let addr_key = format!("addr:{client_addr}");
        let now = now_ms();
        for key in [&user_key, &addr_key] {
            if let Some(remaining_ms) = self.db.throttle_remaining_ms(key, now).await? {
                return Err(Error::TooManyRequests { retry_after_secs: (remaining_ms as u64).div_ceil(1000) });
            }
        }

        let user = self.db.find_user_by_username(username).await?;
        let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
        let matches = password::verify(password.to_string(), stored_hash).await;

        match user {
            Some(user) if matches => {
                if user.disabled {
                    return Err(Error::Forbidden("This account is disabled.".to_string()));
                }
                self.db.throttle_clear(&user_key).await?;
                self.db.record_user_login(user.id, now).await?;
                Ok(UserIdentity { id: user.id, username: user.username, is_admin: user.is_admin })
            }
            _ => {
                let user_locked = self.db.throttle_record_failure(&user_key, PER_USER, now).await?;
                let addr_locked = self.db.throttle_record_failure(&addr_key, PER_ADDRESS, now).await?;
                if user_locked || addr_locked {
                    tracing::warn!(username, client_addr, "sign-in locked after repeated failures");
                }
                Err(Error::Unauthenticated)
            }
        }
    }

    /// The identity behind a session, or `None` when the user is gone or disabled.
    pub async fn identity_of_user(&self, user_id: i64) -> Result<Option<UserIdentity>, Error> {
        Ok(self
            .db
            .find_user_by_id(user_id)
            .await?
            .filter(|u| !u.disabled)
            .map(|u| UserIdentity { id: u.id, username: u.username, is_admin: u.is_admin }))
    }
}
