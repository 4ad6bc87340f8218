//! `impl Console for Services`: the console's port, by plain delegation to the
//! service functions of the same names.

use crate::services::Services;
use app::domain::Error;
use app::domain::cleanup::CleanupRule;
use app::domain::model::{Id, Role};
use app::domain::names::RepositoryName;
use app::domain::policy::Caller;
use app::dto::*;
use app::ports::Console;

#[async_trait::async_trait]
impl Console for Services {
    async fn get_me(&self, caller: &Caller) -> Result<Me, Error> {
        Services::get_me(self, caller).await
    }
    async fn list_users(&self, caller: &Caller) -> Result<Vec<UserRow>, Error> {
        Services::list_users(self, caller).await
    }
    async fn create_user(&self, caller: &Caller, new_user: NewUser) -> Result<UserRow, Error> {
        Services::create_user(self, caller, new_user).await
    }
    async fn set_user_disabled(&self, caller: &Caller, username: &str, disabled: bool) -> Result<UserRow, Error> {
        Services::set_user_disabled(self, caller, username, disabled).await
    }
    async fn reset_user_password(&self, caller: &Caller, username: &str, password: &str) -> Result<(), Error> {
        Services::reset_user_password(self, caller, username, password).await
    }
    async fn list_workspaces(&self, caller: &Caller) -> Result<Vec<WorkspaceSummary>, Error> {
        Services::list_workspaces(self, caller).await
    }
    async fn create_workspace(&self, caller: &Caller, new: NewWorkspace) -> Result<Workspace, Error> {
        Services::create_workspace(self, caller, new).await
    }
    async fn get_workspace(&self, caller: &Caller, workspace: &str) -> Result<Workspace, Error> {
        Services::get_workspace(self, caller, workspace).await
    }
    async fn update_workspace(&self, caller: &Caller, workspace: &str, display_name: &str) -> Result<Workspace, Error> {
        Services::update_workspace(self, caller, workspace, display_name).await
    }
    async fn delete_workspace(&self, caller: &Caller, workspace: &str) -> Result<(), Error> {
        Services::delete_workspace(self, caller, workspace).await
    }
    async fn list_members(&self, caller: &Caller, workspace: &str) -> Result<Vec<Member>, Error> {
        Services::list_members(self, caller, workspace).await
    }
    async fn set_member_role(&self, caller: &Caller, workspace: &str, username: &str, role: Role) -> Result<Member, Error> {
        Services::set_member_role(self, caller, workspace, username, role).await
    }
    async fn remove_member(&self, caller: &Caller, workspace: &str, username: &str) -> Result<(), Error> {
        Services::remove_member(self, caller, workspace, username).await
    }
    async fn list_audit(&self, caller: &Caller, workspace: &str, page: i64, per_page: i64) -> Result<AuditPage, Error> {
        Services::list_audit(self, caller, workspace, page, per_page).await
    }
    async fn list_registry_page(
        &self,
        caller: &Caller,
        workspace: &str,
        sort: RegistrySort,
        filter: &str,
        after: Option<&str>,
        before: Option<&str>,
    ) -> Result<RegistryPage, Error> {
        Services::list_registry_page(self, caller, workspace, sort, filter, after, before).await
    }
    async fn create_registry(&self, caller: &Caller, workspace: &str, new: NewRegistry) -> Result<Registry, Error> {
        Services::create_registry(self, caller, workspace, new).await
    }
    async fn get_registry(&self, caller: &Caller, registry: &str) -> Result<Registry, Error> {
        Services::get_registry(self, caller, registry).await
    }
    async fn update_registry(&self, caller: &Caller, registry: &str, patch: RegistryPatch) -> Result<Registry, Error> {
        Services::update_registry(self, caller, registry, patch).await
    }
    async fn delete_registries(&self, caller: &Caller, registries: &[String]) -> Result<Vec<DestroyReport>, Error> {
        Services::delete_registries(self, caller, registries).await
    }
    async fn delete_registry(&self, caller: &Caller, registry: &str) -> Result<DestroyReport, Error> {
        Services::delete_registry(self, caller, registry).await
    }
    async fn list_repository_page(
        &self,
        caller: &Caller,
        registry: &str,
        filter: &str,
        after: Option<&str>,
        before: Option<&str>,
    ) -> Result<RepositoryPage, Error> {
        Services::list_repository_page(self, caller, registry, filter, after, before).await
    }
    async fn list_robots(&self, caller: &Caller, registry: &str) -> Result<Vec<Robot>, Error> {
        Services::list_robots(self, caller, registry).await
    }
    async fn create_robot(&self, caller: &Caller, registry: &str, new: NewRobot) -> Result<RobotSecret, Error> {
        Services::create_robot(self, caller, registry, new).await
    }
    async fn regenerate_robot(&self, caller: &Caller, registry: &str, id: Id) -> Result<RobotSecret, Error> {
        Services::regenerate_robot(self, caller, registry, id).await
    }
    async fn delete_robot(&self, caller: &Caller, registry: &str, id: Id) -> Result<(), Error> {
        Services::delete_robot(self, caller, registry, id).await
    }
    async fn create_token(&self, caller: &Caller, new: NewToken) -> Result<TokenSecret, Error> {
        Services::create_token(self, caller, new).await
    }
    async fn get_tag(&self, caller: &Caller, repository: &str, tag: &str) -> Result<TagDetail, Error> {
        Services::get_tag(self, caller, &repository_name(repository)?, tag).await
    }
    async fn list_tag_page(
        &self,
        caller: &Caller,
        repository: &str,
        sort: TagSort,
        after: Option<&str>,
        before: Option<&str>,
    ) -> Result<TagPage, Error> {
        Services::list_tag_page(self, caller, &repository_name(repository)?, sort, after, before).await
    }
    async fn delete_repository_tags(&self, caller: &Caller, repository: &str, tags: &[String]) -> Result<usize, Error> {
        Services::delete_repository_tags(self, caller, &repository_name(repository)?, tags).await
    }
    async fn delete_repository(&self, caller: &Caller, repository: &str) -> Result<(), Error> {
        Services::delete_repository(self, caller, &repository_name(repository)?).await
    }
    async fn get_repository(&self, caller: &Caller, repository: &str) -> Result<RepositoryDetail, Error> {
        Services::get_repository(self, caller, &repository_name(repository)?).await
    }
    async fn update_repository(&self, caller: &Caller, repository: &str, patch: RepositoryPatch) -> Result<RepositoryDetail, Error> {
        Services::update_repository(self, caller, &repository_name(repository)?, patch).await
    }
    async fn list_untagged_images(
        &self,
        caller: &Caller,
        repository: &str,
        after: Option<&str>,
        before: Option<&str>,
    ) -> Result<UntaggedPage, Error> {
        Services::list_untagged_images(self, caller, &repository_name(repository)?, after, before).await
    }
    async fn delete_image(&self, caller: &Caller, repository: &str, digest: &str) -> Result<Vec<String>, Error> {
        Services::delete_image(self, caller, &repository_name(repository)?, digest).await
    }
    async fn preview_cleanup(&self, caller: &Caller, registry: &str, rule: &CleanupRule) -> Result<CleanupPreview, Error> {
        Services::preview_cleanup(self, caller, registry, rule).await
    }
    async fn apply_cleanup(&self, caller: &Caller, registry: &str, request: &CleanupRequest) -> Result<CleanupReport, Error> {
        Services::apply_cleanup(self, caller, registry, request).await
    }
    async fn retention_policy(&self, caller: &Caller, registry: &str) -> Result<RetentionPolicy, Error> {
        Services::retention_policy(self, caller, registry).await
    }
    async fn save_retention_policy(&self, caller: &Caller, registry: &str, policy: RetentionPolicy) -> Result<RetentionPolicy, Error> {
        Services::save_retention_policy(self, caller, registry, policy).await
    }
    async fn retention_runs(&self, caller: &Caller, registry: &str) -> Result<Vec<RetentionRun>, Error> {
        Services::retention_runs(self, caller, registry).await
    }
    async fn run_retention_now(&self, caller: &Caller, registry: &str) -> Result<RetentionRun, Error> {
        Services::run_retention_now(self, caller, registry).await
    }
    async fn run_gc(&self, caller: &Caller, dry_run: bool) -> Result<GcReport, Error> {
        Services::run_gc(self, caller, dry_run).await
    }
    async fn list_gc_runs(&self, caller: &Caller) -> Result<Vec<GcRun>, Error> {
        Services::list_gc_runs(self, caller).await
    }
}

fn repository_name(full: &str) -> Result<RepositoryName, Error> {
    RepositoryName::parse(full).map_err(|_| Error::NotFound(app::domain::Resource::Repository))
}
