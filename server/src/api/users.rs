use super::error::ApiError;
use super::extract::ApiJson;
use crate::state::AppState;
use app::domain::policy::Caller;
use app::domain::time::format_rfc3339;
use app::dto::{NewUser, UserRow};
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Serialize;

/// A user as the API shows it: timestamps in RFC 3339.
#[derive(Serialize)]
pub struct UserView {
    username: String,
    email: Option<String>,
    is_admin: bool,
    disabled: bool,
    created_at: String,
    last_login_at: Option<String>,
}

impl From<UserRow> for UserView {
    fn from(row: UserRow) -> Self {
        UserView {
            username: row.username,
            email: row.email,
            is_admin: row.is_admin,
            disabled: row.disabled,
            created_at: format_rfc3339(row.created_at),
            last_login_at: row.last_login_at.map(format_rfc3339),
        }
    }
}

/// `POST /api/v1/users` (admin)
pub async fn create_user(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiJson(new_user): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    let user = state.services.create_user(&caller, new_user).await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

/// `GET /api/v1/users` (admin)
pub async fn list_users(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Vec<UserView>>, ApiError> {
    let users = state.services.list_users(&caller).await?;
    Ok(Json(users.into_iter().map(UserView::from).collect()))
}
