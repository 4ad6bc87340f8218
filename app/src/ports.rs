//! The seam between the console and the service layer. `app` cannot depend on
//! `server` (server depends on app), so the console's operations are declared here and
//! `server` implements them on its services, which check permissions themselves. The
//! implementation is provided to server functions as Leptos context.

use crate::domain::Error;
use crate::domain::cleanup::CleanupRule;
use crate::domain::model::{Id, Role};
use crate::domain::policy::Caller;
use crate::dto::*;
use std::sync::Arc;

#[async_trait::async_trait]
pub trait Console: Send + Sync + 'static {
    async fn get_me(&self, caller: &Caller) -> Result<Me, Error>;

    async fn list_users(&self, caller: &Caller) -> Result<Vec<UserRow>, Error>;
    async fn create_user(&self, caller: &Caller, new_user: NewUser) -> Result<UserRow, Error>;
    async fn set_user_disabled(&self, caller: &Caller, username: &str, disabled: bool) -> Result<UserRow, Error>;
    async fn reset_user_password(&self, caller: &Caller, username: &str, password: &str) -> Result<(), Error>;

    async fn list_workspaces(&self, caller: &Caller) -> Result<Vec<WorkspaceSummary>, Error>;
    async fn create_workspace(&self, caller: &Caller, new: NewWorkspace) -> Result<Workspace, Error>;
    async fn get_workspace(&self, caller: &Caller, workspace: &str) -> Result<Workspace, Error>;
    async fn update_workspace(&self, caller: &Caller, workspace: &str, display_name: &str) -> Result<Workspace, Error>;
    async fn delete_workspace(&self, caller: &Caller, workspace: &str) -> Result<(), Error>;

    async fn list_members(&self, caller: &Caller, workspace: &str) -> Result<Vec<Member>, Error>;
    async fn set_member_role(&self, caller: &Caller, workspace: &str, username: &str, role: Role) -> Result<Member, Error>;
    async fn remove_member(&self, caller: &Caller, workspace: &str, username: &str) -> Result<(), Error>;

    async fn list_audit(&self, caller: &Caller, workspace: &str, page: i64, per_page: i64) -> Result<AuditPage, Error>;

    async fn list_registry_page(
        &self,
        caller: &Caller,
        workspace: &str,
        sort: RegistrySort,
        filter: &str,
        after: Option<&str>,
        before: Option<&str>,
    ) -> Result<RegistryPage, Error>;
    async fn create_registry(&self, caller: &Caller, workspace: &str, new: NewRegistry) -> Result<Registry, Error>;
    async fn get_registry(&self, caller: &Caller, registry: &str) -> Result<Registry, Error>;
    async fn update_registry(&self, caller: &Caller, registry: &str, patch: RegistryPatch) -> Result<Registry, Error>;
    async fn delete_registry(&self, caller: &Caller, registry: &str) -> Result<DestroyReport, Error>;
    /// All or nothing: one missing or forbidden name deletes none of them.
    async fn delete_registries(&self, caller: &Caller, registries: &[String]) -> Result<Vec<DestroyReport>, Error>;
    async fn list_repository_page(
        &self,
        caller: &Caller,
        registry: &str,
        filter: &str,
        after: Option<&str>,
        before: Option<&str>,
    ) -> Result<RepositoryPage, Error>;

    async fn list_robots(&self, caller: &Caller, registry: &str) -> Result<Vec<Robot>, Error>;
    async fn create_robot(&self, caller: &Caller, registry: &str, new: NewRobot) -> Result<RobotSecret, Error>;
    async fn regenerate_robot(&self, caller: &Caller, registry: &str, id: Id) -> Result<RobotSecret, Error>;
    async fn delete_robot(&self, caller: &Caller, registry: &str, id: Id) -> Result<(), Error>;
    async fn create_token(&self, caller: &Caller, new: NewToken) -> Result<TokenSecret, Error>;

    /// `repository` is `REGISTRY/PATH`.
    async fn get_tag(&self, caller: &Caller, repository: &str, tag: &str) -> Result<TagDetail, Error>;
    async fn list_tag_page(
        &self,
        caller: &Caller,
        repository: &str,
        sort: TagSort,
        after: Option<&str>,
        before: Option<&str>,
    ) -> Result<TagPage, Error>;
    /// All or nothing: every tag must exist and be mutable.
    async fn delete_repository_tags(&self, caller: &Caller, repository: &str, tags: &[String]) -> Result<usize, Error>;
    async fn delete_repository(&self, caller: &Caller, repository: &str) -> Result<(), Error>;
    async fn get_repository(&self, caller: &Caller, repository: &str) -> Result<RepositoryDetail, Error>;
    async fn update_repository(&self, caller: &Caller, repository: &str, patch: RepositoryPatch) -> Result<RepositoryDetail, Error>;
    async fn list_untagged_images(
        &self,
        caller: &Caller,
        repository: &str,
        after: Option<&str>,
        before: Option<&str>,
    ) -> Result<UntaggedPage, Error>;
    /// Returns the digests of the manifests deleted (the image, its referrers, children).
    async fn delete_image(&self, caller: &Caller, repository: &str, digest: &str) -> Result<Vec<String>, Error>;

    async fn preview_cleanup(&self, caller: &Caller, registry: &str, rule: &CleanupRule) -> Result<CleanupPreview, Error>;
    async fn apply_cleanup(&self, caller: &Caller, registry: &str, request: &CleanupRequest) -> Result<CleanupReport, Error>;
    async fn retention_policy(&self, caller: &Caller, registry: &str) -> Result<RetentionPolicy, Error>;
    async fn save_retention_policy(&self, caller: &Caller, registry: &str, policy: RetentionPolicy) -> Result<RetentionPolicy, Error>;
    async fn retention_runs(&self, caller: &Caller, registry: &str) -> Result<Vec<RetentionRun>, Error>;
    async fn run_retention_now(&self, caller: &Caller, registry: &str) -> Result<RetentionRun, Error>;

    async fn run_gc(&self, caller: &Caller, dry_run: bool) -> Result<GcReport, Error>;
    async fn list_gc_runs(&self, caller: &Caller) -> Result<Vec<GcRun>, Error>;
}

pub type SharedConsole = Arc<dyn Console>;
