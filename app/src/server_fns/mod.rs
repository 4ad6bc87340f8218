//! Console server functions, one file per resource. Every server function is a public
//! URL: each one gets the caller from the request and lets the service decide.

pub mod account;
pub mod admin;
pub mod lifecycle;
pub mod registries;
pub mod repositories;
pub mod users;
pub mod workspaces;

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::domain::Error;
    use crate::domain::policy::Caller;
    use crate::error::ConsoleError;
    use crate::ports::SharedConsole;
    use leptos::prelude::*;

    /// The caller, resolved by the server's authentication middleware.
    pub async fn caller() -> Result<Caller, ConsoleError> {
        leptos_axum::extract::<axum::Extension<Caller>>().await.map(|axum::Extension(caller)| caller).map_err(|_| fail(Error::Internal))
    }

    pub fn console() -> Result<SharedConsole, ConsoleError> {
        use_context::<SharedConsole>().ok_or_else(|| fail(Error::Internal))
    }

    /// Turns a domain error into the console's error and gives the response the
    /// matching HTTP status (a refused action is a 403, not a 500).
    pub fn fail(err: Error) -> ConsoleError {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            let status = axum::http::StatusCode::from_u16(err.http_status()).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
            response.set_status(status);
        }
        ConsoleError::from(err)
    }
}
