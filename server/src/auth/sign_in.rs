//! `POST /login` and `POST /logout`: plain form posts, so signing in needs no
//! JavaScript. Outcomes are redirects; the sign-in page turns `?error=` into a message.

use crate::db::sessions::SESSION_USER_KEY;
use crate::services::authentication::MAX_CREDENTIAL_LEN;
use crate::state::AppState;
use app::domain::Error;
use app::domain::policy::Caller;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tower_sessions::Session;

#[derive(Deserialize, Default)]
struct SignInForm {
    username: Option<String>,
    password: Option<String>,
    next: Option<String>,
}

pub async fn sign_in(State(state): State<AppState>, Extension(caller): Extension<Caller>, session: Session, body: Bytes) -> Response {
    let form: SignInForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let next = safe_next(form.next.as_deref());
    let username = form.username.as_deref().map(str::trim).unwrap_or_default().to_string();
    let password = form.password.unwrap_or_default();

    let failure = |code: &str, extra: Option<(&str, String)>| {
        let mut params = vec![("error", code.to_string()), ("next", next.clone())];
        if username.len() <= 256 {
            params.push(("username", username.clone()));
        }
        params.extend(extra);
        see_other(&format!("/login?{}", serde_urlencoded::to_string(&params).unwrap_or_default()))
    };

    if username.is_empty() || password.is_empty() {
        return failure("missing", None);
    }
    if username.len() > MAX_CREDENTIAL_LEN || password.len() > MAX_CREDENTIAL_LEN {
        return failure("too_long", None);
    }
    match state.services.sign_in(&username, &password, &caller.client_addr).await {
        Ok(identity) => {
            // A new id on every sign-in: a session id planted before cannot be reused.
            let stored = async {
                session.cycle_id().await?;
                session.insert(SESSION_USER_KEY, identity.id).await
            };
            if let Err(err) = stored.await {
                tracing::error!(error = %err, "could not store the session");
                return failure("unavailable", None);
            }
            tracing::info!(username = identity.username.as_str(), "signed in");
            see_other(&next)
        }
        Err(Error::TooManyRequests { retry_after_secs }) => {
            failure("throttled", Some(("retry_minutes", retry_after_secs.div_ceil(60).max(1).to_string())))
        }
        Err(Error::Forbidden(_)) => failure("disabled", None),
        Err(Error::Internal) => failure("unavailable", None),
        Err(_) => failure("invalid", None),
    }
}

pub async fn sign_out(session: Session) -> Response {
    if let Err(err) = session.flush().await {
        tracing::error!(error = %err, "could not end the session");
    }
    see_other("/login?signed_out=1")
}

fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, location.to_string())]).into_response()
}

/// Only a path on this site: no scheme, no `//host`, no backslash tricks.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.starts_with("/login")
                && path.len() <= 2048
                && !path.chars().any(char::is_control) =>
        {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/admin/users?x=1")), "/admin/users?x=1");
        for bad in ["https://evil.test", "//evil.test", "/\\evil.test", "evil", "/login?next=/x", "/a\nb"] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
