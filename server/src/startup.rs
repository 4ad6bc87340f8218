//! Builds the whole application from a `Config`: database, migrations, first-start
//! admin, services, router and listener. `main` and the tests start Berth the same way.

use crate::auth::token_endpoint;
use crate::auth::{reject_cross_site, resolve_caller};
use crate::config::Config;
use crate::crypto::registry_token::TokenKey;
use crate::db::Db;
use crate::db::sessions::DbSessionStore;
use crate::services::Services;
use crate::services::accounts::AdminBootstrap;
use crate::services::pulls::PullRecorder;
use crate::state::AppState;
use crate::storage::fs::FsBlobStore;
use crate::{api, assets, console, distribution, jobs, ops, security_headers, telemetry};
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use leptos::config::{Env, LeptosOptions};
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// Console and API requests (and token requests) are small; anything larger is
/// refused with 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The name of the instance secret that signs registry tokens.
const REGISTRY_TOKEN_KEY: &str = "registry_token_key";
/// How long SIGTERM waits for in-flight requests before Berth stops regardless.
const SHUTDOWN_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);
/// A console session ends after a week without use.
const SESSION_IDLE_DAYS: i64 = 7;

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
}

#[derive(Debug)]
pub struct StartupError(String);

impl fmt::Display for StartupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartupError {}

fn fail(context: &str) -> impl FnOnce(&dyn fmt::Display) -> StartupError + '_ {
    move |err| StartupError(format!("{context}: {err}"))
}

impl Application {
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| fail(&format!("cannot create the data directory {}", config.data_dir.display()))(&e))?;
        let db = Db::connect(&config.database_url).await.map_err(|e| fail("cannot open the database")(&e))?;
        db.migrate().await.map_err(|e| fail("cannot migrate the database")(&e))?;

        let config = Arc::new(config);
        let blobs = FsBlobStore::open(&config.data_dir).await.map_err(|e| fail("cannot open the blob store")(&e))?;
        let token_secret = db
            .instance_secret(REGISTRY_TOKEN_KEY, &crate::crypto::secret::new_secret(""))
            .await
            .map_err(|e| fail("cannot read the registry token key")(&e))?;
        let services = Services::new(
            db.clone(),
            config.clone(),
            Arc::new(blobs),
            PullRecorder::start(db.clone()),
            TokenKey::new(token_secret.into_bytes()),
        );
        let listener = TcpListener::bind(config.listen).await.map_err(|e| fail(&format!("cannot listen on {}", config.listen))(&e))?;
        let local_addr = listener.local_addr().map_err(|e| fail("cannot read the listening address")(&e))?;

        match services.bootstrap_admin().await.map_err(|e| fail("cannot create the administrator")(&e))? {
            AdminBootstrap::AlreadyPresent => {}
            AdminBootstrap::Created { username } => {
                tracing::info!(username, "created the instance administrator with BERTH_ADMIN_PASSWORD");
            }
            AdminBootstrap::CreatedWithGeneratedPassword { username, password } => {
                let sign_in_url = match &config.public_url {
                    Some(url) => format!("{url}/login"),
                    None if local_addr.ip().is_unspecified() => format!("http://127.0.0.1:{}/login", local_addr.port()),
                    None => format!("http://{local_addr}/login"),
                };
                // Printed once, straight to the terminal; never through the logger.
                eprintln!(
                    "\nberth: created the instance administrator '{username}' with a generated password \
                     (shown only this once):\n\n    {password}\n\n\
                     Sign in at {sign_in_url} and change it under Administration → Users.\n"
                );
            }
        }

        let leptos_options = LeptosOptions::builder()
            .output_name("berth")
            .site_root("target/site")
            .site_pkg_dir("pkg")
            .env(Env::PROD)
            .site_addr(local_addr)
            .build();
        let state = AppState::new(services, config, leptos_options);
        let router = router(state.clone());
        Ok(Application { listener, router, state })
    }

    /// The service layer this application serves (for in-process tests and tools).
    pub fn services(&self) -> &Services {
        &self.state.services
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("bound listener has an address")
    }

    /// Serves until SIGTERM or Ctrl-C, then finishes in-flight requests and closes
    /// the database.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let housekeeping = jobs::spawn_housekeeping(self.state.services.clone());
        let retention = jobs::spawn_retention(self.state.services.clone());
        tracing::info!(version = env!("CARGO_PKG_VERSION"), "listening on http://{}", self.local_addr());
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        let stopping = Arc::new(tokio::sync::Notify::new());
        let signal = {
            let stopping = stopping.clone();
            async move {
                shutdown_signal().await;
                stopping.notify_one();
            }
        };
        let serve = axum::serve(self.listener, service).with_graceful_shutdown(signal);
        // In-flight requests get a deadline to finish; one that never would (a body
        // trickling in, a stuck client) does not keep the process from stopping.
        let deadline = async {
            stopping.notified().await;
            tokio::time::sleep(SHUTDOWN_DEADLINE).await;
        };
        tokio::select! {
            served = serve => served?,
            () = deadline => tracing::warn!("requests still running after {} s; stopping anyway", SHUTDOWN_DEADLINE.as_secs()),
        }
        housekeeping.abort();
        retention.abort();
        self.state.services.db.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Any request that may change something (every method but GET, HEAD and OPTIONS,
/// on every surface) retires this replica's cached manifest lookups once it is done.
async fn invalidate_caches_after_writes(
    State(state): State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let writes = !matches!(*req.method(), axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS);
    let response = next.run(req).await;
    if writes {
        state.services.manifest_cache.invalidate();
    }
    response
}

fn router(state: AppState) -> Router {
    let secure_cookies = state.config.public_url.as_ref().is_some_and(|u| u.is_https());
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.services.db.clone()))
        .with_name(crate::auth::SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(SESSION_IDLE_DAYS)));

    // The console and the API: sessions, CSRF checks, small bodies.
    let web = Router::new()
        .merge(ops::routes())
        .nest("/api/v1", api::routes())
        .route("/pkg/{*path}", get(assets::serve_pkg))
        .merge(console::routes(&state))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(from_fn_with_state(state.clone(), resolve_caller))
        .layer(sessions)
        .layer(from_fn_with_state(state.clone(), reject_cross_site));
    // Registry traffic: explicit credentials only, bodies of any size, the
    // token-auth challenge on 401s.
    let registry = distribution::routes()
        .layer(DefaultBodyLimit::disable())
        .route("/auth/token", get(token_endpoint::get_token).post(token_endpoint::post_token).layer(DefaultBodyLimit::max(MAX_BODY_BYTES)))
        .layer(from_fn_with_state(state.clone(), resolve_caller))
        .layer(from_fn_with_state(state.clone(), distribution::challenge));

    Router::new()
        .merge(registry)
        .merge(web)
        .layer(from_fn_with_state(state.clone(), invalidate_caches_after_writes))
        .layer(from_fn(security_headers::add_security_headers))
        .layer(from_fn(telemetry::log_request))
        .with_state(state)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
