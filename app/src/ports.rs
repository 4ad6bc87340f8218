//! The seam between the console and the service layer. `app` cannot depend on
//! `server` (server depends on app), so the console's operations are declared here and
//! `server` implements them on its services, which check permissions themselves. The
//! implementation is provided to server functions as Leptos context.

use crate::domain::Error;
use crate::domain::model::Role;
use crate::domain::policy::Caller;
use crate::dto::*;
use std::sync::Arc;

#[async_trait::async_trait]
pub trait Console: Send + Sync + 'static {
    async fn me(&self, caller: &Caller) -> Result<Me, Error>;

    async fn list_users(&self, caller: &Caller) -> Result<Vec<UserRow>, Error>;
    async fn create_user(&self, caller: &Caller, new_user: NewUser) -> Result<UserRow, Error>;
    async fn set_user_disabled(&self, caller: &Caller, username: &str, disabled: bool) -> Result<UserRow, Error>;
    async fn reset_password(&self, caller: &Caller, username: &str, password: &str) -> Result<(), Error>;

    async fn list_workspaces(&self, caller: &Caller) -> Result<Vec<WorkspaceSummary>, Error>;
    async fn create_workspace(&self, caller: &Caller, new: NewWorkspace) -> Result<Workspace, Error>;
    async fn get_workspace(&self, caller: &Caller, workspace: &str) -> Result<Workspace, Error>;
    async fn update_workspace(&self, caller: &Caller, workspace: &str, display_name: &str) -> Result<Workspace, Error>;
    async fn delete_workspace(&self, caller: &Caller, workspace: &str) -> Result<(), Error>;

    async fn list_members(&self, caller: &Caller, workspace: &str) -> Result<Vec<Member>, Error>;
    async fn set_member_role(&self, caller: &Caller, workspace: &str, username: &str, role: Role) -> Result<Member, Error>;
    async fn remove_member(&self, caller: &Caller, workspace: &str, username: &str) -> Result<(), Error>;

    async fn list_audit(&self, caller: &Caller, workspace: &str, page: i64, per_page: i64) -> Result<AuditPage, Error>;
}

pub type SharedConsole = Arc<dyn Console>;
