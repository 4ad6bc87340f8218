//! The service layer: one function per operation. Each takes the caller and decides
//! permission itself through `app::domain::policy`, so the console's server functions,
//! `/api/v1` and `/v2/` cannot disagree about who may do what.

pub mod accounts;
pub mod sign_in;

use crate::config::Config;
use crate::db::Db;
use std::sync::Arc;

#[derive(Clone)]
pub struct Services {
    pub db: Db,
    pub config: Arc<Config>,
}

impl Services {
    pub fn new(db: Db, config: Arc<Config>) -> Self {
        Services { db, config }
    }
}
