//! `/api/v1`: the management API (../shared/docs/api.md). Handlers are thin: they
//! parse input, call one service function with the caller, and shape the JSON.

mod admin;
pub mod error;
pub mod extract;
mod health;
mod lifecycle;
mod me;
mod paging;
mod registries;
mod repositories;
mod tokens;
mod users;
mod workspaces;

use crate::state::AppState;
use app::domain::{Error, Resource};
use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::routing::{any, delete, get, post, put};
use error::ApiError;

/// The OpenAPI 3.1 description of this API, served at `/api/v1/openapi.json`.
const OPENAPI: &str = include_str!("openapi.json");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::get_health))
        .route("/openapi.json", get(|| async { ([(CONTENT_TYPE, "application/json")], OPENAPI) }))
        .route("/me", get(me::get_me))
        .route("/me/tokens", get(tokens::list_tokens).post(tokens::create_token))
        .route("/me/tokens/{id}", delete(tokens::delete_token))
        .route("/users", post(users::create_user).get(users::list_users))
        .route("/admin/gc", post(admin::run_gc).get(admin::list_gc_runs))
        .route("/workspaces", get(workspaces::list_workspaces).post(workspaces::create_workspace))
        .route("/workspaces/{ws}", get(workspaces::get_workspace).patch(workspaces::update_workspace).delete(workspaces::delete_workspace))
        .route("/workspaces/{ws}/members", get(workspaces::list_members))
        .route("/workspaces/{ws}/members/{username}", put(workspaces::put_member).delete(workspaces::delete_member))
        .route("/workspaces/{ws}/audit", get(workspaces::list_audit))
        .route("/workspaces/{ws}/usage", get(workspaces::get_usage))
        .route("/workspaces/{ws}/registries", get(workspaces::list_registries).post(workspaces::create_registry))
        .route("/registries/{reg}", get(registries::get_registry).patch(registries::update_registry).delete(registries::delete_registry))
        .route("/registries/{reg}/robots", get(registries::list_robots).post(registries::create_robot))
        .route("/registries/{reg}/robots/{id}", delete(registries::delete_robot))
        .route("/registries/{reg}/cleanup/preview", post(lifecycle::preview_cleanup))
        .route("/registries/{reg}/cleanup", post(lifecycle::apply_cleanup))
        .route("/registries/{reg}/retention", get(lifecycle::get_retention).put(lifecycle::put_retention))
        .route("/registries/{reg}/retention/runs", get(lifecycle::list_retention_runs).post(lifecycle::run_retention_now))
        .route("/registries/{reg}/repositories", get(repositories::list_repositories))
        .route("/registries/{reg}/repositories/{*rest}", any(repositories::repository_path))
        .fallback(|| async { ApiError(Error::NotFound(Resource::Route)) })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
}
