//! `/api/v1/registries/{reg}…`: one registry and its robot credentials.

use super::error::ApiError;
use super::extract::ApiJson;
use crate::state::AppState;
use app::domain::model::Id;
use app::domain::policy::Caller;
use app::domain::{Error, Resource};
use app::dto::{NewRobot, Registry, RegistryPatch, Robot, RobotSecret};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};

type Result<T> = std::result::Result<T, ApiError>;

pub async fn get_registry(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(reg): Path<String>,
) -> Result<Json<Registry>> {
    Ok(Json(state.services.get_registry(&caller, &reg).await?))
}

pub async fn update_registry(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(reg): Path<String>,
    ApiJson(patch): ApiJson<RegistryPatch>,
) -> Result<Json<Registry>> {
    Ok(Json(state.services.update_registry(&caller, &reg, patch).await?))
}

pub async fn delete_registry(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(reg): Path<String>,
) -> Result<StatusCode> {
    state.services.delete_registry(&caller, &reg).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_robots(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(reg): Path<String>,
) -> Result<Json<Vec<Robot>>> {
    Ok(Json(state.services.list_robots(&caller, &reg).await?))
}

pub async fn create_robot(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(reg): Path<String>,
    ApiJson(new): ApiJson<NewRobot>,
) -> Result<(StatusCode, Json<RobotSecret>)> {
    Ok((StatusCode::CREATED, Json(state.services.create_robot(&caller, &reg, new).await?)))
}

pub async fn delete_robot(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((reg, id)): Path<(String, String)>,
) -> Result<StatusCode> {
    let id = Id::parse(&id).ok_or(ApiError(Error::NotFound(Resource::Robot)))?;
    state.services.delete_robot(&caller, &reg, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
