//! `?n=&last=` on the API's lists, answered as Distribution answers `tags/list`: a
//! JSON array of at most `n` rows, named after `last`, and a
//! `Link: <…?n=N&last=X>; rel="next"` header when more follow.

use super::error::ApiError;
use crate::services::paging::{Listed, NamePage};
use axum::Json;
use axum::extract::{FromRequestParts, OriginalUri, RawQuery};
use axum::http::HeaderValue;
use axum::http::header::LINK;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// The page a list request asks for, and the path its `Link` points back to.
pub struct PageQuery {
    pub page: NamePage,
    path: String,
}

impl<S: Send + Sync> FromRequestParts<S> for PageQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        #[derive(Deserialize)]
        struct Query {
            n: Option<String>,
            last: Option<String>,
        }
        let RawQuery(query) = RawQuery::from_request_parts(parts, state).await.unwrap_or(RawQuery(None));
        let query: Query = serde_urlencoded::from_str(query.as_deref().unwrap_or_default())
            .map_err(|e| ApiError(app::domain::Error::invalid("query", format!("expected n and last at most once each ({e})"))))?;
        let page = NamePage::parse(query.n.as_deref(), query.last.as_deref())?;
        // Under `nest`, the request's own URI has lost the `/api/v1` prefix.
        let path = match parts.extensions.get::<OriginalUri>() {
            Some(OriginalUri(uri)) => uri.path().to_string(),
            None => parts.uri.path().to_string(),
        };
        Ok(PageQuery { page, path })
    }
}

impl PageQuery {
    /// The rows as a JSON array, with a `Link` to the next page when there is one;
    /// `name` gives the name a row is listed by.
    pub fn respond<T: Serialize>(&self, listed: Listed<T>, name: impl Fn(&T) -> &str) -> Response {
        let next = listed.items.last().filter(|_| listed.more).map(|last| name(last).to_string());
        let mut response = Json(listed.items).into_response();
        if let Some(last) = next {
            let query = serde_urlencoded::to_string([("n", self.page.limit.to_string()), ("last", last)]).unwrap_or_default();
            if let Ok(value) = HeaderValue::from_str(&format!("<{}?{query}>; rel=\"next\"", self.path)) {
                response.headers_mut().insert(LINK, value);
            }
        }
        response
    }
}
