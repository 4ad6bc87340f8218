//! `/api/v1/registries/{reg}/cleanup…` and `…/retention…`: cleaning up old tags now,
//! and the retention policy that does it on a schedule.

use super::error::ApiError;
use super::extract::ApiJson;
use crate::state::AppState;
use app::domain::cleanup::CleanupRule;
use app::domain::policy::Caller;
use app::dto::{CleanupPreview, CleanupReport, CleanupRequest, RetentionPolicy, RetentionRun};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};

type Result<T> = std::result::Result<T, ApiError>;

pub async fn preview_cleanup(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(reg): Path<String>,
    ApiJson(rule): ApiJson<CleanupRule>,
) -> Result<Json<CleanupPreview>> {
    Ok(Json(state.services.preview_cleanup(&caller, &reg, &rule).await?))
}

pub async fn apply_cleanup(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(reg): Path<String>,
    ApiJson(request): ApiJson<CleanupRequest>,
) -> Result<Json<CleanupReport>> {
    Ok(Json(state.services.apply_cleanup(&caller, &reg, &request).await?))
}

pub async fn get_retention(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(reg): Path<String>,
) -> Result<Json<RetentionPolicy>> {
    Ok(Json(state.services.retention_policy(&caller, &reg).await?))
}

pub async fn put_retention(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(reg): Path<String>,
    ApiJson(policy): ApiJson<RetentionPolicy>,
) -> Result<Json<RetentionPolicy>> {
    Ok(Json(state.services.save_retention_policy(&caller, &reg, policy).await?))
}

pub async fn list_retention_runs(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(reg): Path<String>,
) -> Result<Json<Vec<RetentionRun>>> {
    Ok(Json(state.services.retention_runs(&caller, &reg).await?))
}

/// Runs the saved policy now.
pub async fn run_retention_now(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(reg): Path<String>,
) -> Result<(StatusCode, Json<RetentionRun>)> {
    Ok((StatusCode::CREATED, Json(state.services.run_retention_now(&caller, &reg).await?)))
}
