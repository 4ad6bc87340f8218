//! Who a credential belongs to: passwords (throttled per username and per client
//! address), personal access tokens and robot secrets.

use super::Services;
use crate::auth::password;
use crate::auth::secret::{hash_secret, hashes_match, TOKEN_PREFIX};
use crate::db::now_ms;
use crate::db::throttle::ThrottleRule;
use app::domain::policy::{Principal, RobotIdentity, UserIdentity};
use app::domain::Error;

/// Five wrong passwords for one username within 15 minutes lock it for 15 minutes.
const PER_USER: ThrottleRule = ThrottleRule { max_failures: 5, window_ms: 15 * 60_000, lockout_ms: 15 * 60_000 };
/// Thirty failures from one address within 15 minutes lock that address out.
const PER_ADDRESS: ThrottleRule = ThrottleRule { max_failures: 30, window_ms: 15 * 60_000, lockout_ms: 15 * 60_000 };
/// Longer than any username or secret we accept; refused before any work is done.
pub const MAX_CREDENTIAL_LEN: usize = 1024;

impl Services {
    /// Checks a username and password. Wrong credentials, an unknown user and a
    /// disabled account all cost the same time; the first two are indistinguishable.
    pub async fn sign_in(&self, username: &str, password: &str, client_addr: &str) -> Result<UserIdentity, Error> {
        if username.len() > MAX_CREDENTIAL_LEN || password.len() > MAX_CREDENTIAL_LEN {
            return Err(Error::invalid("credentials", "too long"));
        }
        let keys = ThrottleKeys::new(username, client_addr);
        self.refuse_if_throttled(&keys).await?;

        let user = self.db.find_user_by_username(username).await?;
        let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
        let matches = password::verify(password.to_string(), stored_hash).await;

        match user {
            Some(user) if matches => {
                if user.disabled {
                    return Err(Error::Forbidden("This account is disabled.".to_string()));
                }
                self.db.throttle_clear(&keys.user).await?;
                self.db.record_user_login(user.id, now_ms()).await?;
                Ok(UserIdentity { id: user.id, username: user.username, is_admin: user.is_admin })
            }
            _ => Err(self.count_failure(&keys).await),
        }
    }

    /// `Authorization: Basic`: a robot (`robot$REGISTRY+NAME`), a user with one of
    /// their personal access tokens, or a user with their password.
    pub async fn authenticate_basic(&self, username: &str, secret: &str, client_addr: &str) -> Result<Principal, Error> {
        if username.len() > MAX_CREDENTIAL_LEN || secret.len() > MAX_CREDENTIAL_LEN {
            return Err(Error::Unauthenticated);
        }
        if let Some(robot) = username.strip_prefix("robot$") {
            return self.authenticate_robot(robot, secret, client_addr).await.map(Principal::Robot);
        }
        if secret.starts_with(TOKEN_PREFIX) {
            let user = self.authenticate_token(secret, client_addr).await?;
            if user.username != username {
                return Err(self.count_failure(&ThrottleKeys::new(username, client_addr)).await);
            }
            return Ok(Principal::User(user));
        }
        match self.sign_in(username, secret, client_addr).await {
            Ok(user) => Ok(Principal::User(user)),
            // A disabled account is simply not a valid credential to the API.
            Err(Error::Forbidden(_)) => Err(Error::Unauthenticated),
            Err(err) => Err(err),
        }
    }

    /// `Authorization: Bearer <personal access token>`.
    pub async fn authenticate_bearer(&self, token: &str, client_addr: &str) -> Result<Principal, Error> {
        if token.len() > MAX_CREDENTIAL_LEN || !token.starts_with(TOKEN_PREFIX) {
            return Err(Error::Unauthenticated);
        }
        self.authenticate_token(token, client_addr).await.map(Principal::User)
    }

    async fn authenticate_token(&self, token: &str, client_addr: &str) -> Result<UserIdentity, Error> {
        let keys = ThrottleKeys::new("", client_addr);
        self.refuse_if_throttled(&keys).await?;
        let now = now_ms();
        let Some(record) = self.db.find_token_by_hash(&hash_secret(token)).await? else {
            return Err(self.count_failure(&keys).await);
        };
        if record.expires_at.is_some_and(|at| at <= now) {
            return Err(Error::Unauthenticated);
        }
        let identity = self.identity_of_user(record.user_id).await?.ok_or(Error::Unauthenticated)?;
        self.db.touch_token(record.id, now).await?;
        Ok(identity)
    }

    async fn authenticate_robot(&self, robot: &str, secret: &str, client_addr: &str) -> Result<RobotIdentity, Error> {
        let keys = ThrottleKeys::new(&format!("robot${robot}"), client_addr);
        self.refuse_if_throttled(&keys).await?;
        let (registry_name, robot_name) = robot.split_once('+').ok_or(Error::Unauthenticated)?;
        let registry = self.db.find_registry(registry_name).await?;
        let record = match &registry {
            Some(registry) => self.db.find_robot(registry.id, robot_name).await?,
            None => None,
        };
        let now = now_ms();
        match (registry, record) {
            (Some(registry), Some(record)) if hashes_match(&record.secret_hash, &hash_secret(secret)) => {
                if record.expires_at.is_some_and(|at| at <= now) {
                    return Err(Error::Unauthenticated);
                }
                self.db.touch_robot(record.id, now).await?;
                Ok(RobotIdentity {
                    id: record.id,
                    registry_id: registry.id,
                    registry: registry.name,
                    name: record.name,
                    permission: record.permission,
                })
            }
            _ => Err(self.count_failure(&keys).await),
        }
    }

    /// The identity behind a session or token, or `None` when the user is gone or disabled.
    pub async fn identity_of_user(&self, user_id: i64) -> Result<Option<UserIdentity>, Error> {
        Ok(self
            .db
            .find_user_by_id(user_id)
            .await?
            .filter(|u| !u.disabled)
            .map(|u| UserIdentity { id: u.id, username: u.username, is_admin: u.is_admin }))
    }

    async fn refuse_if_throttled(&self, keys: &ThrottleKeys) -> Result<(), Error> {
        let now = now_ms();
        for key in [&keys.user, &keys.addr] {
            if let Some(remaining_ms) = self.db.throttle_remaining_ms(key, now).await? {
                return Err(Error::TooManyRequests { retry_after_secs: (remaining_ms as u64).div_ceil(1000) });
            }
        }
        Ok(())
    }

    /// Counts a failed attempt against the username and the address; returns the
    /// error to answer with.
    async fn count_failure(&self, keys: &ThrottleKeys) -> Error {
        let now = now_ms();
        let mut locked = false;
        if !keys.user.is_empty() {
            match self.db.throttle_record_failure(&keys.user, PER_USER, now).await {
                Ok(l) => locked |= l,
                Err(err) => return err,
            }
        }
        match self.db.throttle_record_failure(&keys.addr, PER_ADDRESS, now).await {
            Ok(l) => locked |= l,
            Err(err) => return err,
        }
        if locked {
            tracing::warn!(throttle = keys.user.as_str(), address = keys.addr.as_str(), "sign-in locked after repeated failures");
        }
        Error::Unauthenticated
    }
}

struct ThrottleKeys {
    /// Empty when there is no username to blame (a bare token).
    user: String,
    addr: String,
}

impl ThrottleKeys {
    fn new(username: &str, client_addr: &str) -> Self {
        let user = if username.is_empty() { String::new() } else { format!("user:{}", username.to_ascii_lowercase()) };
        ThrottleKeys { user, addr: format!("addr:{client_addr}") }
    }
}
