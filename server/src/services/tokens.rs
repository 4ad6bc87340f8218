//! Personal access tokens: a user's own credentials for the CLI and the API, shown
//! once, stored hashed, revocable.

use super::Services;
use super::audit::Event;
use crate::crypto::secret::{TOKEN_PREFIX, hash_secret, new_secret};
use crate::db::credentials::TokenRecord;
use crate::db::{new_id, now_ms};
use app::domain::model::Id;
use app::domain::names::bounded_text;
use app::domain::policy::{self, Action, Caller};
use app::domain::time::Timestamp;
use app::domain::{Error, Resource};
use app::dto::{NewToken, Token, TokenSecret};

impl Services {
    pub async fn list_tokens(&self, caller: &Caller) -> Result<Vec<Token>, Error> {
        let user = policy::require_user(&caller.principal)?;
        policy::require(&caller.principal, Action::ManageOwnTokens, self.instance_target())?;
        Ok(self
            .db
            .list_tokens(user.id)
            .await?
            .into_iter()
            .map(|t| Token {
                id: Id(t.id),
                name: t.name,
                created_at: Timestamp(t.created_at),
                expires_at: t.expires_at.map(Timestamp),
                last_used_at: t.last_used_at.map(Timestamp),
            })
            .collect())
    }

    pub async fn create_token(&self, caller: &Caller, new: NewToken) -> Result<TokenSecret, Error> {
        let user = policy::require_user(&caller.principal)?;
        policy::require(&caller.principal, Action::ManageOwnTokens, self.instance_target())?;
        let name = bounded_text("name", &new.name, 1, 64)?;
        let now = now_ms();
        if new.expires_at.is_some_and(|at| at.millis() <= now) {
            return Err(Error::invalid("expires_at", "must be in the future"));
        }
        let token = new_secret(TOKEN_PREFIX);
        let record = TokenRecord {
            id: new_id(),
            user_id: user.id,
            name,
            created_at: now,
            expires_at: new.expires_at.map(Timestamp::millis),
            last_used_at: None,
        };
        let mut tx = self.db.begin().await?;
        tx.insert_token(&record, &hash_secret(&token)).await?;
        self.record_in(&mut tx, caller, token_event("token.create", &record.name)).await?;
        tx.commit().await?;
        Ok(TokenSecret { id: Id(record.id), name: record.name, token, created_at: Timestamp(now), expires_at: new.expires_at })
    }

    pub async fn delete_token(&self, caller: &Caller, id: Id) -> Result<(), Error> {
        let user = policy::require_user(&caller.principal)?;
        policy::require(&caller.principal, Action::ManageOwnTokens, self.instance_target())?;
        let name = self.db.list_tokens(user.id).await?.into_iter().find(|t| t.id == id.0).map(|t| t.name);
        let Some(name) = name else {
            return Err(Error::NotFound(Resource::Token));
        };
        let mut tx = self.db.begin().await?;
        tx.delete_token(user.id, id.0).await?;
        self.record_in(&mut tx, caller, token_event("token.delete", &name)).await?;
        tx.commit().await
    }
}

fn token_event<'a>(action: &'a str, name: &'a str) -> Event<'a> {
    Event { workspace_id: None, action, resource_type: "token", resource: name, detail: None }
}
