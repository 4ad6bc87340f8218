use crate::domain::model::{Id, RobotPermission, Visibility};
use crate::dto::{DestroyReport, Registry, RegistryPage, RegistrySort, RepositoryPage, Robot, RobotSecret, TokenSecret};
use crate::error::ConsoleError;
use leptos::prelude::*;

/// A page of the workspace's registries (see `RegistryPage`).
#[server(prefix = "/console/fn", endpoint = "list_registry_page")]
pub async fn list_registry_page(
    workspace: String,
    sort: RegistrySort,
    filter: String,
    after: Option<String>,
    before: Option<String>,
) -> Result<RegistryPage, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.list_registry_page(&caller, &workspace, sort, &filter, after.as_deref(), before.as_deref()).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "create_registry")]
pub async fn create_registry(
    workspace: String,
    name: String,
    visibility: Visibility,
    description: Option<String>,
) -> Result<Registry, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    let new = crate::dto::NewRegistry { name: name.trim().to_string(), visibility, description };
    console()?.create_registry(&caller, &workspace, new).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "get_registry")]
pub async fn get_registry(registry: String) -> Result<Registry, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.get_registry(&caller, &registry).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "set_registry_visibility")]
pub async fn set_registry_visibility(registry: String, visibility: Visibility) -> Result<Registry, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    let patch =
        crate::dto::RegistryPatch { visibility: Some(visibility), description: None, immutable_tags_default: None, quota_bytes: None };
    console()?.update_registry(&caller, &registry, patch).await.map_err(fail)
}

/// `quota` is in gigabytes as typed; blank removes the limit.
#[server(prefix = "/console/fn", endpoint = "set_registry_quota")]
pub async fn set_registry_quota(registry: String, quota: String) -> Result<Registry, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    let quota_bytes = crate::domain::time::parse_quota_gigabytes(&quota).map_err(fail)?;
    let patch = crate::dto::RegistryPatch { quota_bytes: Some(quota_bytes), ..Default::default() };
    console()?.update_registry(&caller, &registry, patch).await.map_err(fail)
}

/// Deletes several registries, all or none (every name is checked first).
#[server(prefix = "/console/fn", endpoint = "delete_registries")]
pub async fn delete_registries(names: Vec<String>) -> Result<Vec<DestroyReport>, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.delete_registries(&caller, &names).await.map_err(fail)
}

/// `confirm` must repeat the registry's name, checked here as well as in the browser.
#[server(prefix = "/console/fn", endpoint = "delete_registry")]
pub async fn delete_registry(registry: String, confirm: String) -> Result<DestroyReport, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    if confirm.trim() != registry {
        return Err(fail(crate::domain::Error::invalid("confirm", "type the registry's name to destroy it")));
    }
    console()?.delete_registry(&caller, &registry).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "list_repository_page")]
pub async fn list_repository_page(
    registry: String,
    filter: String,
    after: Option<String>,
    before: Option<String>,
) -> Result<RepositoryPage, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.list_repository_page(&caller, &registry, &filter, after.as_deref(), before.as_deref()).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "list_robots")]
pub async fn list_robots(registry: String) -> Result<Vec<Robot>, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.list_robots(&caller, &registry).await.map_err(fail)
}

/// `expires_in_days`: empty for never.
#[server(prefix = "/console/fn", endpoint = "create_robot")]
pub async fn create_robot(
    registry: String,
    name: String,
    permission: RobotPermission,
    expires_in_days: Option<String>,
) -> Result<RobotSecret, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    let expires_at = match expires_in_days.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(days) => {
            let days: i64 = days
                .parse()
                .ok()
                .filter(|d| (1..=3650).contains(d))
                .ok_or_else(|| fail(crate::domain::Error::invalid("expires_in_days", "must be between 1 and 3650")))?;
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
            Some(crate::domain::time::Timestamp(now + days * 86_400_000))
        }
    };
    let new = crate::dto::NewRobot { name: name.trim().to_string(), permission, expires_at };
    console()?.create_robot(&caller, &registry, new).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "regenerate_robot")]
pub async fn regenerate_robot(registry: String, id: Id) -> Result<RobotSecret, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.regenerate_robot(&caller, &registry, id).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "delete_robot")]
pub async fn delete_robot(registry: String, id: Id) -> Result<(), ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.delete_robot(&caller, &registry, id).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "create_token")]
pub async fn create_token(name: String) -> Result<TokenSecret, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.create_token(&caller, crate::dto::NewToken { name, expires_at: None }).await.map_err(fail)
}
