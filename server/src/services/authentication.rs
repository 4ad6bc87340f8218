//! Who a credential belongs to: passwords (throttled per username and per client
//! address), personal access tokens and robot secrets.

use super::Services;
use crate::crypto::password;
use crate::crypto::secret::{TOKEN_PREFIX, hash_secret, hashes_match};
use crate::db::now_ms;
use crate::db::throttle::ThrottleRule;
use crate::db::users::UserRecord;
use app::domain::Error;
use app::domain::policy::{Principal, RobotIdentity, UserIdentity};

/// Five wrong passwords for one username within 15 minutes lock it for 15 minutes.
const PER_USER: ThrottleRule = ThrottleRule { max_failures: 5, window_ms: 15 * 60_000, lockout_ms: 15 * 60_000 };
/// Thirty failures from one address within 15 minutes lock that address out.
const PER_ADDRESS: ThrottleRule = ThrottleRule { max_failures: 30, window_ms: 15 * 60_000, lockout_ms: 15 * 60_000 };
/// How long a password attempt waits for a slot held by attempts still being checked.
const CLAIM_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
const CLAIM_RETRY: std::time::Duration = std::time::Duration::from_millis(20);
/// Longer than any username or secret we accept; refused before any work is done.
pub const MAX_CREDENTIAL_LEN: usize = 1024;

impl Services {
    /// Checks a username and password. Wrong credentials, an unknown user and a
    /// disabled account all cost the same time; the first two are indistinguishable.
    /// The attempt is claimed against both limits before the password is checked,
    /// so no number of concurrent guesses gets more checks than the limits allow.
    pub async fn sign_in(&self, username: &str, password: &str, client_addr: &str) -> Result<UserIdentity, Error> {
        if username.len() > MAX_CREDENTIAL_LEN || password.len() > MAX_CREDENTIAL_LEN {
            return Err(Error::invalid("credentials", "too long"));
        }
        let keys = ThrottleKeys::new(username, client_addr);
        let known = self.db.find_user_by_username(username).await?;
        if let Some(user) = known.as_ref().filter(|u| self.verified_passwords.recently_verified(username, password, &u.password_hash)) {
            // Checked within the last minute: no new check, and no login to record.
            return Self::identity_if_enabled(user.clone());
        }
        self.claim_attempt(&keys).await?;
        let stored_hash = known.as_ref().map(|u| u.password_hash.clone());
        let user = match password::verify(password.to_string(), stored_hash).await {
            Ok(true) => known.expect("a password only matches a stored hash"),
            Ok(false) => return Err(self.settle_failure(&keys).await),
            Err(busy) => {
                // Never checked: it does not count.
                self.release_attempt(&keys).await;
                return Err(busy);
            }
        };
        self.verified_passwords.remember(username, password, &user.password_hash);
        self.db.throttle_succeed(&keys.user).await?;
        self.db.throttle_release(&keys.addr).await?;
        self.signed_in(user).await
    }

    async fn signed_in(&self, user: UserRecord) -> Result<UserIdentity, Error> {
        let identity = Self::identity_if_enabled(user)?;
        self.db.record_user_login(identity.id, now_ms()).await?;
        Ok(identity)
    }

    fn identity_if_enabled(user: UserRecord) -> Result<UserIdentity, Error> {
        if user.disabled {
            return Err(Error::Forbidden("This account is disabled.".to_string()));
        }
        Ok(UserIdentity { id: user.id, username: user.username, is_admin: user.is_admin })
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
                return Err(self.count_failure(&ThrottleKeys::new("", client_addr)).await);
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

    /// Robot names are public (they appear in push commands), so failures count
    /// against the address only: a stranger cannot lock a robot out, and a 200-bit
    /// secret needs no per-name limit.
    async fn authenticate_robot(&self, robot: &str, secret: &str, client_addr: &str) -> Result<RobotIdentity, Error> {
        let keys = ThrottleKeys::new("", client_addr);
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
        Ok(self.db.find_user_by_id(user_id).await?.filter(|u| !u.disabled).map(|u| UserIdentity {
            id: u.id,
            username: u.username,
            is_admin: u.is_admin,
        }))
    }

    async fn refuse_if_throttled(&self, keys: &ThrottleKeys) -> Result<(), Error> {
        let now = now_ms();
        for key in keys.all() {
            if let Some(remaining_ms) = self.db.throttle_remaining_ms(key, now).await? {
                return Err(Error::TooManyRequests { retry_after_secs: (remaining_ms as u64).div_ceil(1000) });
            }
        }
        Ok(())
    }

    /// Claims a password attempt against the username's and the address's limits.
    /// While a limit is taken up by attempts still being checked (not by failures
    /// that locked it), the claim waits for them to settle, so honest concurrent
    /// requests are delayed, never refused; a locked key refuses at once.
    async fn claim_attempt(&self, keys: &ThrottleKeys) -> Result<(), Error> {
        let deadline = tokio::time::Instant::now() + CLAIM_WAIT;
        loop {
            if self.try_claim_attempt(keys).await? {
                return Ok(());
            }
            self.refuse_if_throttled(keys).await?;
            if tokio::time::Instant::now() >= deadline {
                return Err(Error::TooManyRequests { retry_after_secs: 1 });
            }
            tokio::time::sleep(CLAIM_RETRY).await;
        }
    }

    /// One try at claiming both keys; gives back the user's claim when the
    /// address's is refused.
    async fn try_claim_attempt(&self, keys: &ThrottleKeys) -> Result<bool, Error> {
        let now = now_ms();
        if !keys.user.is_empty() && !self.db.throttle_claim(&keys.user, PER_USER, now).await? {
            return Ok(false);
        }
        match self.db.throttle_claim(&keys.addr, PER_ADDRESS, now).await {
            Ok(true) => Ok(true),
            Ok(false) => {
                self.release_user_claim(keys).await;
                Ok(false)
            }
            Err(err) => {
                self.release_user_claim(keys).await;
                Err(err)
            }
        }
    }

    async fn release_user_claim(&self, keys: &ThrottleKeys) {
        if !keys.user.is_empty() {
            let _ = self.db.throttle_release(&keys.user).await;
        }
    }

    async fn release_attempt(&self, keys: &ThrottleKeys) {
        self.release_user_claim(keys).await;
        let _ = self.db.throttle_release(&keys.addr).await;
    }

    /// A claimed password attempt failed: locks whichever key reached its limit.
    async fn settle_failure(&self, keys: &ThrottleKeys) -> Error {
        let now = now_ms();
        let mut locked = false;
        if !keys.user.is_empty() {
            match self.db.throttle_settle_failure(&keys.user, PER_USER, now).await {
                Ok(l) => locked |= l,
                Err(err) => return err,
            }
        }
        match self.db.throttle_settle_failure(&keys.addr, PER_ADDRESS, now).await {
            Ok(l) => locked |= l,
            Err(err) => return err,
        }
        if locked {
            tracing::warn!(throttle = keys.user.as_str(), address = keys.addr.as_str(), "sign-in locked after repeated failures");
        }
        Error::Unauthenticated
    }

    /// Counts a failed robot or token attempt against the address (after the fact:
    /// these secrets are too long to guess); returns the error to answer with.
    async fn count_failure(&self, keys: &ThrottleKeys) -> Error {
        let now = now_ms();
        match self.db.throttle_record_failure(&keys.addr, PER_ADDRESS, now).await {
            Ok(true) => {
                tracing::warn!(address = keys.addr.as_str(), "credential checks locked after repeated failures");
                Error::Unauthenticated
            }
            Ok(false) => Error::Unauthenticated,
            Err(err) => err,
        }
    }
}

struct ThrottleKeys {
    /// Empty when there is no username to blame (a bare token).
    user: String,
    addr: String,
}

impl ThrottleKeys {
    fn all(&self) -> impl Iterator<Item = &String> {
        [&self.user, &self.addr].into_iter().filter(|k| !k.is_empty())
    }

    fn new(username: &str, client_addr: &str) -> Self {
        let user = if username.is_empty() { String::new() } else { format!("user:{}", username.to_ascii_lowercase()) };
        ThrottleKeys { user, addr: format!("addr:{client_addr}") }
    }
}
