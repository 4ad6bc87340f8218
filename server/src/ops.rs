//! Operational endpoints: liveness and readiness.

use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz))
}

/// The process is up and serving.
async fn healthz() -> &'static str {
    "ok"
}

/// Ready to serve traffic: the database answers.
async fn readyz(State(state): State<AppState>) -> Response {
    if state.services.db.is_reachable().await {
        Json(json!({ "status": "ready", "checks": { "database": "ok" } })).into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "checks": { "database": "unreachable" } }))).into_response()
    }
}
