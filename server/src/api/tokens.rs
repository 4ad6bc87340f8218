//! `/api/v1/me/tokens`: the caller's personal access tokens.

use super::error::ApiError;
use super::extract::ApiJson;
use crate::state::AppState;
use app::domain::model::Id;
use app::domain::policy::Caller;
use app::domain::{Error, Resource};
use app::dto::{NewToken, Token, TokenSecret};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};

type Result<T> = std::result::Result<T, ApiError>;

pub async fn list_tokens(State(state): State<AppState>, Extension(caller): Extension<Caller>) -> Result<Json<Vec<Token>>> {
    Ok(Json(state.services.list_tokens(&caller).await?))
}

pub async fn create_token(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    ApiJson(new): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<TokenSecret>)> {
    Ok((StatusCode::CREATED, Json(state.services.create_token(&caller, new).await?)))
}

pub async fn delete_token(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    let id = Id::parse(&id).ok_or(ApiError(Error::NotFound(Resource::Token)))?;
    state.services.delete_token(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
