//! `/api/v1`: the management API (../shared/docs/api.md). Handlers are thin: they
//! parse input, call one service function with the caller, and shape the JSON.

pub mod error;
pub mod extract;
mod health;
mod me;
mod users;

use crate::state::AppState;
use app::domain::{Error, Resource};
use axum::Router;
use axum::routing::{get, post};
use error::ApiError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::get_health))
        .route("/me", get(me::get_me))
        .route("/users", post(users::create_user).get(users::list_users))
        .fallback(|| async { ApiError(Error::NotFound(Resource::Route)) })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
}
