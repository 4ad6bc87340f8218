//! The `users` table.

use super::transaction::Tx;
use super::{Db, flag, internal, is_unique_violation};
use app::domain::Error;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub email: Option<String>,
    pub password_hash: String,
    pub is_admin: bool,
    pub disabled: bool,
    pub created_at: i64,
    pub last_login_at: Option<i64>,
}

const COLUMNS: &str = "id, username, email, password_hash, is_admin, disabled, created_at, last_login_at";

fn from_row(row: &AnyRow) -> Result<UserRecord, sqlx::Error> {
    Ok(UserRecord {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        email: row.try_get("email")?,
        password_hash: row.try_get("password_hash")?,
        is_admin: flag(row.try_get("is_admin")?),
        disabled: flag(row.try_get("disabled")?),
        created_at: row.try_get("created_at")?,
        last_login_at: row.try_get("last_login_at")?,
    })
}

pub struct NewUserRecord<'a> {
    pub id: i64,
    pub username: &'a str,
    pub email: Option<&'a str>,
    pub password_hash: &'a str,
    pub is_admin: bool,
    pub now: i64,
}

impl Db {
    pub async fn count_users(&self) -> Result<i64, Error> {
        sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(&mut *self.read().await?)
            .await
            .and_then(|row| row.try_get::<i64, _>("n"))
            .map_err(internal("count users"))
    }

    pub async fn find_user_by_username(&self, username: &str) -> Result<Option<UserRecord>, Error> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE username = $1"))
            .bind(username)
            .fetch_optional(&mut *self.read().await?)
            .await
            .and_then(|row| row.as_ref().map(from_row).transpose())
            .map_err(internal("find user by username"))
    }

    pub async fn find_user_by_id(&self, id: i64) -> Result<Option<UserRecord>, Error> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *self.read().await?)
            .await
            .and_then(|row| row.as_ref().map(from_row).transpose())
            .map_err(internal("find user by id"))
    }

    pub async fn list_users(&self) -> Result<Vec<UserRecord>, Error> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM users ORDER BY username"))
            .fetch_all(&mut *self.read().await?)
            .await
            .and_then(|rows| rows.iter().map(from_row).collect())
            .map_err(internal("list users"))
    }

    pub async fn record_user_login(&self, id: i64, now: i64) -> Result<(), Error> {
        sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *self.write().await?)
            .await
            .map(|_| ())
            .map_err(internal("record user login"))
    }
}

impl Tx<'_> {
    /// Inserts a user; a taken username is a `Conflict`.
    pub async fn insert_user(&mut self, user: NewUserRecord<'_>) -> Result<(), Error> {
        let result = sqlx::query(
            "INSERT INTO users (id, username, email, password_hash, is_admin, disabled, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 0, $6, $6)",
        )
        .bind(user.id)
        .bind(user.username)
        .bind(user.email)
        .bind(user.password_hash)
        .bind(i64::from(user.is_admin))
        .bind(user.now)
        .execute(self.conn())
        .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if is_unique_violation(&err) => Err(Error::Conflict(format!("The username '{}' is already taken.", user.username))),
            Err(err) => Err(internal("insert user")(err)),
        }
    }

    pub async fn set_user_disabled(&mut self, id: i64, disabled: bool, now: i64) -> Result<(), Error> {
        sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
            .bind(i64::from(disabled))
            .bind(now)
            .bind(id)
            .execute(self.conn())
            .await
            .map(|_| ())
            .map_err(internal("set user disabled"))
    }

    pub async fn set_user_password_hash(&mut self, id: i64, password_hash: &str, now: i64) -> Result<(), Error> {
        sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(password_hash)
            .bind(now)
            .bind(id)
            .execute(self.conn())
            .await
            .map(|_| ())
            .map_err(internal("set user password"))
    }
}
