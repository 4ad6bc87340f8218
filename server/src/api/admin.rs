//! `/api/v1/admin/…`: instance administration.

use super::error::ApiError;
use crate::state::AppState;
use app::domain::policy::Caller;
use app::dto::GcReport;
use axum::body::Bytes;
use axum::extract::State;
use axum::{Extension, Json};
use serde::Deserialize;

#[derive(Deserialize, Default)]
struct GcRequest {
    #[serde(default)]
    dry_run: bool,
}

/// `POST /api/v1/admin/gc` with an optional `{"dry_run": true}`.
pub async fn run_gc(State(state): State<AppState>, Extension(caller): Extension<Caller>, body: Bytes) -> Result<Json<GcReport>, ApiError> {
    let request: GcRequest = if body.is_empty() {
        GcRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError(app::domain::Error::invalid("body", format!("expected {{\"dry_run\": bool}} ({e})"))))?
    };
    Ok(Json(state.services.run_gc(&caller, request.dry_run).await?))
}

/// `GET /api/v1/admin/gc`: the last passes, newest first.
pub async fn list_gc_runs(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Vec<app::dto::GcRun>>, ApiError> {
    Ok(Json(state.services.list_gc_runs(&caller).await?))
}
