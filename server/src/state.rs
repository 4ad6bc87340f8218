use crate::config::Config;
use crate::services::Services;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Shared by every handler. Holds no request state, so any number of replicas can
/// serve the same database. Every request clones it (axum's `State`), so it is one
/// reference count, not one per field.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub services: Services,
    pub config: Arc<Config>,
    pub leptos_options: LeptosOptions,
}

impl AppState {
    pub fn new(services: Services, config: Arc<Config>, leptos_options: LeptosOptions) -> Self {
        AppState(Arc::new(Shared { services, config, leptos_options }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
