use crate::dto::{RepositoryDetail, TagDetail};
use crate::error::ConsoleError;
use leptos::prelude::*;

// `repository` is `REGISTRY/PATH` everywhere here.

/// A page of tags in `sort` order (see `TagPage`).
#[server(prefix = "/console/fn", endpoint = "list_tag_page")]
pub async fn list_tag_page(
    repository: String,
    sort: crate::dto::TagSort,
    after: Option<String>,
    before: Option<String>,
) -> Result<crate::dto::TagPage, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.list_tag_page(&caller, &repository, sort, after.as_deref(), before.as_deref()).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "get_tag")]
pub async fn get_tag(repository: String, tag: String) -> Result<TagDetail, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.get_tag(&caller, &repository, &tag).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "delete_repository_tags")]
pub async fn delete_repository_tags(repository: String, tags: Vec<String>) -> Result<usize, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.delete_repository_tags(&caller, &repository, &tags).await.map_err(fail)
}

/// `confirm` must repeat the repository's path.
#[server(prefix = "/console/fn", endpoint = "delete_repository")]
pub async fn delete_repository(repository: String, confirm: String) -> Result<(), ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    let path = repository.split_once('/').map(|(_, p)| p).unwrap_or_default();
    if confirm.trim() != path {
        return Err(fail(crate::domain::Error::invalid("confirm", "type the repository's name to delete it")));
    }
    console()?.delete_repository(&caller, &repository).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "get_repository")]
pub async fn get_repository(repository: String) -> Result<RepositoryDetail, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.get_repository(&caller, &repository).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "set_tag_immutability")]
pub async fn set_tag_immutability(repository: String, immutable: bool) -> Result<RepositoryDetail, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    let patch = crate::dto::RepositoryPatch { immutable_tags: Some(immutable), ..Default::default() };
    console()?.update_repository(&caller, &repository, patch).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "set_repository_descriptions")]
pub async fn set_repository_descriptions(
    repository: String,
    short_description: String,
    description: String,
) -> Result<RepositoryDetail, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    let patch =
        crate::dto::RepositoryPatch { short_description: Some(short_description), description: Some(description), immutable_tags: None };
    console()?.update_repository(&caller, &repository, patch).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "list_untagged_images")]
pub async fn list_untagged_images(
    repository: String,
    after: Option<String>,
    before: Option<String>,
) -> Result<crate::dto::UntaggedPage, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.list_untagged_images(&caller, &repository, after.as_deref(), before.as_deref()).await.map_err(fail)
}

/// Deletes an image by digest with its tags and referrers; returns how many
/// manifests went.
#[server(prefix = "/console/fn", endpoint = "delete_image")]
pub async fn delete_image(repository: String, digest: String) -> Result<usize, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.delete_image(&caller, &repository, &digest).await.map(|deleted| deleted.len()).map_err(fail)
}
