#![recursion_limit = "256"]
//! The `berth` server: console, management API, operational endpoints, and the
//! service layer, storage and jobs behind them.

pub mod api;
pub mod assets;
pub mod auth;
pub mod config;
pub mod console;
pub mod crypto;
pub mod db;
pub mod distribution;
pub mod jobs;
pub mod ops;
pub mod security_headers;
pub mod services;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
