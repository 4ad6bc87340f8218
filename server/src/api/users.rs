use super::error::ApiError;
use super::extract::ApiJson;
use crate::state::AppState;
use app::domain::policy::Caller;
use app::dto::{NewUser, UserRow};
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};

/// `POST /api/v1/users` (admin)
pub async fn create_user(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiJson(new_user): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<UserRow>), ApiError> {
    let user = state.services.create_user(&caller, new_user).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// `GET /api/v1/users` (admin)
pub async fn list_users(State(state): State<AppState>, Extension(caller): Extension<Caller>) -> Result<Json<Vec<UserRow>>, ApiError> {
    Ok(Json(state.services.list_users(&caller).await?))
}
