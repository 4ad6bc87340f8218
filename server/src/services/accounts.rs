//! Users: the signed-in user's own account, and the administrator's user management.

use super::Services;
use super::audit::Event;
use crate::crypto::password;
use crate::db::users::{NewUserRecord, UserRecord};
use crate::db::{new_id, now_ms};
use app::domain::names::{Email, NewPassword, Username};
use app::domain::policy::{self, Action, Caller};
use app::domain::time::Timestamp;
use app::domain::{Error, Resource};
use app::dto::{Me, NewUser, UserRow, WorkspaceMembership};

fn row(user: UserRecord) -> UserRow {
    UserRow {
        username: user.username,
        email: user.email,
        is_admin: user.is_admin,
        disabled: user.disabled,
        created_at: Timestamp(user.created_at),
        last_login_at: user.last_login_at.map(Timestamp),
    }
}

/// What first start did about the instance administrator.
pub enum AdminBootstrap {
    /// Users already exist; nothing was done.
    AlreadyPresent,
    /// Created with the configured password.
    Created { username: String },
    /// Created with a generated password, to be shown exactly once.
    CreatedWithGeneratedPassword { username: String, password: String },
}

impl Services {
    pub async fn get_me(&self, caller: &Caller) -> Result<Me, Error> {
        let identity = policy::require_user(&caller.principal)?;
        policy::require(&caller.principal, Action::ViewOwnAccount, self.instance_target())?;
        let user = self.db.find_user_by_id(identity.id).await?.ok_or(Error::Unauthenticated)?;
        let workspaces = self
            .db
            .list_memberships(user.id)
            .await?
            .into_iter()
            .map(|(workspace, role)| WorkspaceMembership { name: workspace.name, role })
            .collect();
        let may_create_workspaces =
            policy::decide(&caller.principal, Action::CreateWorkspace, self.instance_target()) == policy::Decision::Allow;
        Ok(Me { username: user.username, email: user.email, is_admin: user.is_admin, workspaces, may_create_workspaces })
    }

    pub async fn list_users(&self, caller: &Caller) -> Result<Vec<UserRow>, Error> {
        policy::require(&caller.principal, Action::ManageUsers, self.instance_target())?;
        Ok(self.db.list_users().await?.into_iter().map(row).collect())
    }

    pub async fn create_user(&self, caller: &Caller, new_user: NewUser) -> Result<UserRow, Error> {
        policy::require(&caller.principal, Action::ManageUsers, self.instance_target())?;
        let username = Username::parse(&new_user.username)?;
        let email = Email::parse_optional(new_user.email.as_deref())?;
        let password = NewPassword::parse(&new_user.password)?;
        let record = self.insert_user(Some(caller), &username, email.as_ref(), &password, new_user.is_admin).await?;
        Ok(row(record))
    }

    pub async fn set_user_disabled(&self, caller: &Caller, username: &str, disabled: bool) -> Result<UserRow, Error> {
        policy::require(&caller.principal, Action::ManageUsers, self.instance_target())?;
        let actor = policy::require_user(&caller.principal)?;
        let user = self.db.find_user_by_username(username).await?.ok_or(Error::NotFound(Resource::User))?;
        if user.id == actor.id && disabled {
            return Err(Error::invalid("username", "you cannot disable your own account"));
        }
        let action = if disabled { "user.disable" } else { "user.enable" };
        let mut tx = self.db.begin().await?;
        tx.set_user_disabled(user.id, disabled, now_ms()).await?;
        if disabled {
            tx.delete_sessions_of_user(user.id).await?;
        }
        self.record_in(&mut tx, caller, user_event(action, username, None)).await?;
        tx.commit().await?;
        let user = self.db.find_user_by_id(user.id).await?.ok_or(Error::NotFound(Resource::User))?;
        Ok(row(user))
    }

    pub async fn reset_user_password(&self, caller: &Caller, username: &str, new_password: &str) -> Result<(), Error> {
        policy::require(&caller.principal, Action::ManageUsers, self.instance_target())?;
        let actor = policy::require_user(&caller.principal)?;
        let user = self.db.find_user_by_username(username).await?.ok_or(Error::NotFound(Resource::User))?;
        let password = NewPassword::parse(new_password)?;
        let hash = password::hash(password.as_str().to_string()).await?;
        let mut tx = self.db.begin().await?;
        tx.set_user_password_hash(user.id, &hash, now_ms()).await?;
        // Whoever knew the old password is signed out; an admin resetting their own
        // password keeps the session they are using.
        if user.id != actor.id {
            tx.delete_sessions_of_user(user.id).await?;
        }
        self.record_in(&mut tx, caller, user_event("user.password_reset", username, None)).await?;
        tx.commit().await
    }

    /// On an empty database, creates the instance administrator.
    pub async fn bootstrap_admin(&self) -> Result<AdminBootstrap, Error> {
        if self.db.count_users().await? > 0 {
            return Ok(AdminBootstrap::AlreadyPresent);
        }
        let username = Username::parse(&self.config.admin_username)?;
        let (password, generated) = match &self.config.admin_password {
            Some(secret) => (NewPassword::parse(secret.expose())?, false),
            None => (NewPassword::parse(&password::generate())?, true),
        };
        match self.insert_user(None, &username, None, &password, true).await {
            Ok(_) => {}
            // Another replica starting at the same moment created it first.
            Err(Error::Conflict(_)) => return Ok(AdminBootstrap::AlreadyPresent),
            Err(err) => return Err(err),
        }
        let username = username.as_str().to_string();
        Ok(if generated {
            AdminBootstrap::CreatedWithGeneratedPassword { username, password: password.as_str().to_string() }
        } else {
            AdminBootstrap::Created { username }
        })
    }

    /// Creates a user; with `caller`, the audit row commits with it (the first-start
    /// administrator has no one to record).
    async fn insert_user(
        &self,
        caller: Option<&Caller>,
        username: &Username,
        email: Option<&Email>,
        password: &NewPassword,
        is_admin: bool,
    ) -> Result<UserRecord, Error> {
        let hash = password::hash(password.as_str().to_string()).await?;
        let id = new_id();
        let mut tx = self.db.begin().await?;
        tx.insert_user(NewUserRecord {
            id,
            username: username.as_str(),
            email: email.map(Email::as_str),
            password_hash: &hash,
            is_admin,
            now: now_ms(),
        })
        .await?;
        if let Some(caller) = caller {
            let detail = is_admin.then(|| "instance administrator".to_string());
            self.record_in(&mut tx, caller, user_event("user.create", username.as_str(), detail)).await?;
        }
        tx.commit().await?;
        self.db.find_user_by_id(id).await?.ok_or(Error::Internal)
    }
}

/// User events belong to the instance, not to a workspace.
fn user_event<'a>(action: &'a str, username: &'a str, detail: Option<String>) -> Event<'a> {
    Event { workspace_id: None, action, resource_type: "user", resource: username, detail }
}
