//! Pure domain types, compiled for both the server and the browser: no I/O here.

pub mod cleanup;
pub mod digest;
pub mod error;
pub mod html;
pub mod image_graph;
pub mod markdown;
pub mod model;
pub mod names;
pub mod policy;
pub mod time;

pub use error::{Error, Resource};
