use super::error::ApiError;
use crate::state::AppState;
use app::domain::policy::Caller;
use app::dto::Me;
use axum::extract::State;
use axum::{Extension, Json};

/// `GET /api/v1/me`
pub async fn get_me(State(state): State<AppState>, Extension(caller): Extension<Caller>) -> Result<Json<Me>, ApiError> {
    Ok(Json(state.services.get_me(&caller).await?))
}
