use axum::Json;
use serde_json::{Value, json};

/// `GET /api/v1/health`: anyone may ask.
pub async fn get_health() -> Json<Value> {
    Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}
