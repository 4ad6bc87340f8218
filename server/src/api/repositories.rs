//! `/api/v1/registries/{reg}/repositories…`. Repository paths contain slashes, so
//! one route takes the rest of the path and this splits off `/tags[/{tag}]`.

use super::error::ApiError;
use super::paging::PageQuery;
use crate::state::AppState;
use app::domain::names::RepositoryName;
use app::domain::policy::Caller;
use app::domain::{Error, Resource};
use app::dto::{RepositorySummary, TagSummary};
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};

/// `?n=&last=` paged by name.
pub async fn list_repositories(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(reg): Path<String>,
    query: PageQuery,
) -> Result<Response, ApiError> {
    let listed = state.services.list_repositories(&caller, &reg, &query.page).await?;
    Ok(query.respond(listed, |r: &RepositorySummary| &r.name))
}

enum Target {
    Repository(RepositoryName),
    Tags(RepositoryName),
    Tag(RepositoryName, String),
    Manifest(RepositoryName, String),
}

fn parse(registry: &str, rest: &str) -> Result<Target, ApiError> {
    let name =
        |repository: &str| RepositoryName::from_parts(registry, repository).map_err(|_| ApiError(Error::NotFound(Resource::Repository)));
    if let Some(repository) = rest.strip_suffix("/tags") {
        return Ok(Target::Tags(name(repository)?));
    }
    if let Some((repository, digest)) = rest.rsplit_once("/manifests/") {
        return Ok(Target::Manifest(name(repository)?, digest.to_string()));
    }
    if let Some((repository, tag)) = rest.rsplit_once("/tags/") {
        return Ok(Target::Tag(name(repository)?, tag.to_string()));
    }
    Ok(Target::Repository(name(rest)?))
}

/// `GET …/{repo}/tags` (`?n=&last=` paged by name), `DELETE …/{repo}`, `DELETE …/{repo}/tags/{tag}`,
/// `DELETE …/{repo}/manifests/{digest}` (an image with its tags and referrers)
pub async fn repository_path(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    method: Method,
    Path((reg, rest)): Path<(String, String)>,
    query: Result<PageQuery, ApiError>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let services = &state.services;
    match (method, parse(&reg, &rest)?) {
        (Method::GET, Target::Tags(name)) => {
            let query = query?;
            let tags = services.list_repository_tags(&caller, &name, &query.page).await?;
            Ok(query.respond(tags, |t: &TagSummary| &t.name))
        }
        (Method::DELETE, Target::Repository(name)) => {
            services.delete_repository(&caller, &name).await?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        (Method::GET, Target::Tag(name, tag)) => Ok(Json(services.get_tag(&caller, &name, &tag).await?).into_response()),
        (Method::DELETE, Target::Tag(name, tag)) => {
            services.delete_repository_tag(&caller, &name, &tag).await?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        (Method::DELETE, Target::Manifest(name, digest)) => {
            let removed = services.delete_image(&caller, &name, &digest).await?;
            Ok(Json(serde_json::json!({ "deleted": removed })).into_response())
        }
        (Method::GET, Target::Repository(name)) => Ok(Json(services.get_repository(&caller, &name).await?).into_response()),
        (Method::PATCH, Target::Repository(name)) => {
            let patch: app::dto::RepositoryPatch = serde_json::from_slice(&body).map_err(|e| {
                ApiError(Error::invalid("body", format!("expected short_description, description or immutable_tags ({e})")))
            })?;
            Ok(Json(services.update_repository(&caller, &name, patch).await?).into_response())
        }
        _ => Ok(ApiError::method_not_allowed()),
    }
}
