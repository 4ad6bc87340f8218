//! The `personal_access_tokens` and `robots` tables. Only SHA-256 hashes of secrets
//! are stored.

use super::transaction::Tx;
use super::{Db, internal, is_unique_violation};
use app::domain::Error;
use app::domain::model::RobotPermission;
use sqlx::Row;
use sqlx::any::AnyRow;

/// `last_used_at` is written at most once a minute per credential: a busy CI robot
/// would otherwise turn every pull into a database write.
const LAST_USED_RESOLUTION_MS: i64 = 60_000;

#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

fn token(row: &AnyRow) -> Result<TokenRecord, sqlx::Error> {
    Ok(TokenRecord {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        name: row.try_get("name")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        last_used_at: row.try_get("last_used_at")?,
    })
}

#[derive(Debug, Clone)]
pub struct RobotRecord {
    pub id: i64,
    pub registry_id: i64,
    pub name: String,
    pub permission: RobotPermission,
    pub secret_hash: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

fn robot(row: &AnyRow) -> Result<RobotRecord, sqlx::Error> {
    let permission: String = row.try_get("permission")?;
    Ok(RobotRecord {
        id: row.try_get("id")?,
        registry_id: row.try_get("registry_id")?,
        name: row.try_get("name")?,
        permission: RobotPermission::parse(&permission).map_err(|_| sqlx::Error::Decode("unknown permission".into()))?,
        secret_hash: row.try_get("secret_hash")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        last_used_at: row.try_get("last_used_at")?,
    })
}

const TOKEN_COLUMNS: &str = "id, user_id, name, created_at, expires_at, last_used_at";
const ROBOT_COLUMNS: &str = "id, registry_id, name, permission, secret_hash, created_at, expires_at, last_used_at";

impl Db {
    pub async fn find_token_by_hash(&self, token_hash: &str) -> Result<Option<TokenRecord>, Error> {
        sqlx::query(&format!("SELECT {TOKEN_COLUMNS} FROM personal_access_tokens WHERE token_hash = $1"))
            .bind(token_hash)
            .fetch_optional(&mut *self.read().await?)
            .await
            .and_then(|row| row.as_ref().map(token).transpose())
            .map_err(internal("find token"))
    }

    pub async fn list_tokens(&self, user_id: i64) -> Result<Vec<TokenRecord>, Error> {
        sqlx::query(&format!("SELECT {TOKEN_COLUMNS} FROM personal_access_tokens WHERE user_id = $1 ORDER BY created_at DESC"))
            .bind(user_id)
            .fetch_all(&mut *self.read().await?)
            .await
            .and_then(|rows| rows.iter().map(token).collect())
            .map_err(internal("list tokens"))
    }

    pub async fn touch_token(&self, id: i64, now: i64) -> Result<(), Error> {
        sqlx::query("UPDATE personal_access_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)")
            .bind(now)
            .bind(id)
            .bind(now - LAST_USED_RESOLUTION_MS)
            .execute(&mut *self.write().await?)
            .await
            .map(|_| ())
            .map_err(internal("touch token"))
    }

    pub async fn find_robot(&self, registry_id: i64, name: &str) -> Result<Option<RobotRecord>, Error> {
        sqlx::query(&format!("SELECT {ROBOT_COLUMNS} FROM robots WHERE registry_id = $1 AND name = $2"))
            .bind(registry_id)
            .bind(name)
            .fetch_optional(&mut *self.read().await?)
            .await
            .and_then(|row| row.as_ref().map(robot).transpose())
            .map_err(internal("find robot"))
    }

    pub async fn find_robot_by_id(&self, registry_id: i64, id: i64) -> Result<Option<RobotRecord>, Error> {
        sqlx::query(&format!("SELECT {ROBOT_COLUMNS} FROM robots WHERE registry_id = $1 AND id = $2"))
            .bind(registry_id)
            .bind(id)
            .fetch_optional(&mut *self.read().await?)
            .await
            .and_then(|row| row.as_ref().map(robot).transpose())
            .map_err(internal("find robot by id"))
    }

    pub async fn list_robots(&self, registry_id: i64) -> Result<Vec<RobotRecord>, Error> {
        sqlx::query(&format!("SELECT {ROBOT_COLUMNS} FROM robots WHERE registry_id = $1 ORDER BY name"))
            .bind(registry_id)
            .fetch_all(&mut *self.read().await?)
            .await
            .and_then(|rows| rows.iter().map(robot).collect())
            .map_err(internal("list robots"))
    }

    pub async fn touch_robot(&self, id: i64, now: i64) -> Result<(), Error> {
        sqlx::query("UPDATE robots SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)")
            .bind(now)
            .bind(id)
            .bind(now - LAST_USED_RESOLUTION_MS)
            .execute(&mut *self.write().await?)
            .await
            .map(|_| ())
            .map_err(internal("touch robot"))
    }
}

impl Db {
    /// An instance-wide secret, created once (by whichever replica gets there first).
    pub async fn instance_secret(&self, name: &str, fresh: &str) -> Result<String, Error> {
        sqlx::query("INSERT INTO instance_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(fresh)
            .bind(super::now_ms())
            .execute(&mut *self.write().await?)
            .await
            .map_err(internal("create instance secret"))?;
        sqlx::query("SELECT value FROM instance_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(&mut *self.write().await?)
            .await
            .and_then(|row| row.try_get::<String, _>("value"))
            .map_err(internal("read instance secret"))
    }
}

/// The credential a request came with, for checking on every request that it still
/// stands (a registry token outlives neither its robot nor its user's account).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CredentialRef {
    /// -1 when the caller is not a user.
    pub user_id: i64,
    /// -1 when the caller is not a robot.
    pub robot_id: i64,
}

impl CredentialRef {
    pub fn of(principal: &app::domain::policy::Principal) -> Self {
        use app::domain::policy::Principal;
        match principal {
            Principal::User(user) => CredentialRef { user_id: user.id, robot_id: -1 },
            Principal::Robot(robot) => CredentialRef { user_id: -1, robot_id: robot.id },
            Principal::Anonymous => CredentialRef { user_id: -1, robot_id: -1 },
        }
    }
}

/// An SQL column `credential_live`: 1 while the user bound at `$user` is enabled, or
/// the robot bound at `$robot` exists and has not expired by the time bound at `$now`;
/// 1 for anonymous callers, who have no credential. Folded into the queries that
/// already run for a request, so the check costs no round trip.
pub(crate) fn credential_live_column(user: usize, robot: usize, now: usize) -> String {
    format!(
        "CASE WHEN ${user} >= 0 THEN (SELECT COUNT(*) FROM users cu WHERE cu.id = ${user} AND cu.disabled = 0)
              WHEN ${robot} >= 0 THEN (SELECT COUNT(*) FROM robots cr WHERE cr.id = ${robot}
                                        AND (cr.expires_at IS NULL OR cr.expires_at > ${now}))
              ELSE 1 END AS credential_live"
    )
}

impl Db {
    /// Whether the credential still stands (for the few requests no access query serves).
    pub async fn credential_live(&self, credential: CredentialRef, now: i64) -> Result<bool, Error> {
        let live: i64 = sqlx::query_scalar(&format!("SELECT {}", credential_live_column(1, 2, 3)))
            .bind(credential.user_id)
            .bind(credential.robot_id)
            .bind(now)
            .fetch_one(&mut *self.read().await?)
            .await
            .map_err(internal("check credential"))?;
        Ok(live > 0)
    }
}

impl Tx<'_> {
    pub async fn insert_robot(&mut self, record: &RobotRecord) -> Result<(), Error> {
        let result = sqlx::query(
            "INSERT INTO robots (id, registry_id, name, permission, secret_hash, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(record.id)
        .bind(record.registry_id)
        .bind(&record.name)
        .bind(record.permission.as_str())
        .bind(&record.secret_hash)
        .bind(record.created_at)
        .bind(record.expires_at)
        .execute(self.conn())
        .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if is_unique_violation(&err) => {
                Err(Error::Conflict(format!("This registry already has a robot named '{}'.", record.name)))
            }
            Err(err) => Err(internal("insert robot")(err)),
        }
    }

    pub async fn set_robot_secret(&mut self, id: i64, secret_hash: &str) -> Result<(), Error> {
        sqlx::query("UPDATE robots SET secret_hash = $1 WHERE id = $2")
            .bind(secret_hash)
            .bind(id)
            .execute(self.conn())
            .await
            .map(|_| ())
            .map_err(internal("set robot secret"))
    }

    pub async fn delete_robot(&mut self, registry_id: i64, id: i64) -> Result<bool, Error> {
        sqlx::query("DELETE FROM robots WHERE registry_id = $1 AND id = $2")
            .bind(registry_id)
            .bind(id)
            .execute(self.conn())
            .await
            .map(|r| r.rows_affected() > 0)
            .map_err(internal("delete robot"))
    }

    pub async fn insert_token(&mut self, record: &TokenRecord, token_hash: &str) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO personal_access_tokens (id, user_id, name, token_hash, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(record.id)
        .bind(record.user_id)
        .bind(&record.name)
        .bind(token_hash)
        .bind(record.created_at)
        .bind(record.expires_at)
        .execute(self.conn())
        .await
        .map(|_| ())
        .map_err(internal("insert token"))
    }

    /// Deletes one of the user's tokens; false if they have no such token.
    pub async fn delete_token(&mut self, user_id: i64, id: i64) -> Result<bool, Error> {
        sqlx::query("DELETE FROM personal_access_tokens WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(self.conn())
            .await
            .map(|r| r.rows_affected() > 0)
            .map_err(internal("delete token"))
    }
}
