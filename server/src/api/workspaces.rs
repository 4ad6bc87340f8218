//! `/api/v1/workspaces…`: workspaces, their members, registries and audit log.

use super::error::ApiError;
use super::extract::ApiJson;
use super::paging::PageQuery;
use crate::state::AppState;
use app::domain::Error;
use app::domain::model::Role;
use app::domain::policy::Caller;
use app::dto::{AuditPage, Member, NewRegistry, NewWorkspace, Registry, RegistrySummary, Workspace, WorkspaceSummary};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use serde::Deserialize;

type Result<T> = std::result::Result<T, ApiError>;

pub async fn list_workspaces(State(state): State<AppState>, Extension(caller): Extension<Caller>) -> Result<Json<Vec<WorkspaceSummary>>> {
    Ok(Json(state.services.list_workspaces(&caller).await?))
}

pub async fn create_workspace(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiJson(new): ApiJson<NewWorkspace>,
) -> Result<(StatusCode, Json<Workspace>)> {
    Ok((StatusCode::CREATED, Json(state.services.create_workspace(&caller, new).await?)))
}

pub async fn get_workspace(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(ws): Path<String>,
) -> Result<Json<Workspace>> {
    Ok(Json(state.services.get_workspace(&caller, &ws).await?))
}

#[derive(Deserialize)]
pub struct WorkspacePatch {
    display_name: String,
}

pub async fn update_workspace(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(ws): Path<String>,
    ApiJson(patch): ApiJson<WorkspacePatch>,
) -> Result<Json<Workspace>> {
    Ok(Json(state.services.update_workspace(&caller, &ws, &patch.display_name).await?))
}

pub async fn delete_workspace(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(ws): Path<String>,
) -> Result<StatusCode> {
    state.services.delete_workspace(&caller, &ws).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_members(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(ws): Path<String>,
) -> Result<Json<Vec<Member>>> {
    Ok(Json(state.services.list_members(&caller, &ws).await?))
}

#[derive(Deserialize)]
pub struct MemberRole {
    role: Role,
}

pub async fn put_member(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((ws, username)): Path<(String, String)>,
    ApiJson(body): ApiJson<MemberRole>,
) -> Result<Json<Member>> {
    Ok(Json(state.services.set_member_role(&caller, &ws, &username, body.role).await?))
}

pub async fn delete_member(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((ws, username)): Path<(String, String)>,
) -> Result<StatusCode> {
    state.services.remove_member(&caller, &ws, &username).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?n=&last=` paged by name.
pub async fn list_registries(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(ws): Path<String>,
    query: PageQuery,
) -> Result<Response> {
    let listed = state.services.list_registries(&caller, &ws, &query.page).await?;
    Ok(query.respond(listed, |r: &RegistrySummary| &r.name))
}

pub async fn create_registry(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(ws): Path<String>,
    ApiJson(new): ApiJson<NewRegistry>,
) -> Result<(StatusCode, Json<Registry>)> {
    Ok((StatusCode::CREATED, Json(state.services.create_registry(&caller, &ws, new).await?)))
}

/// `?page=N&per_page=M`, both optional.
pub async fn list_audit(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(ws): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<AuditPage>> {
    #[derive(Deserialize, Default)]
    struct Paging {
        page: Option<String>,
        per_page: Option<String>,
    }
    let paging: Paging = serde_urlencoded::from_str(query.as_deref().unwrap_or_default()).unwrap_or_default();
    let number = |field: &str, raw: Option<String>, default: i64| match raw {
        None => Ok(default),
        Some(raw) => raw.parse::<i64>().map_err(|_| ApiError(Error::invalid(field, "must be a whole number"))),
    };
    let page = number("page", paging.page, 1)?;
    let per_page = number("per_page", paging.per_page, 50)?;
    Ok(Json(state.services.list_audit(&caller, &ws, page, per_page).await?))
}

/// `GET /api/v1/workspaces/{ws}/usage`
pub async fn get_usage(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(ws): Path<String>,
) -> Result<Json<app::dto::WorkspaceUsage>> {
    Ok(Json(state.services.workspace_usage(&caller, &ws).await?))
}
