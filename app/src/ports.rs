//! The seam between the console and the service layer. `app` cannot depend on
//! `server` (server depends on app), so the console's operations are declared here and
//! `server` implements them on its services, which check permissions themselves. The
//! implementation is provided to server functions as Leptos context.

use crate::domain::Error;
use crate::domain::policy::Caller;
use crate::dto::{Me, NewUser, UserRow};
use std::sync::Arc;

#[async_trait::async_trait]
pub trait Console: Send + Sync + 'static {
    async fn me(&self, caller: &Caller) -> Result<Me, Error>;
    async fn list_users(&self, caller: &Caller) -> Result<Vec<UserRow>, Error>;
    async fn create_user(&self, caller: &Caller, new_user: NewUser) -> Result<UserRow, Error>;
    async fn set_user_disabled(&self, caller: &Caller, username: &str, disabled: bool) -> Result<UserRow, Error>;
    async fn reset_password(&self, caller: &Caller, username: &str, password: &str) -> Result<(), Error>;
}

pub type SharedConsole = Arc<dyn Console>;
