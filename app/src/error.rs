//! The console's error type: what a server function returns to the browser.

use crate::domain::Error;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleError {
    pub code: String,
    pub message: String,
}

impl fmt::Display for ConsoleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConsoleError {}

impl From<Error> for ConsoleError {
    fn from(err: Error) -> Self {
        ConsoleError { code: err.code().to_string(), message: err.message() }
    }
}

impl leptos::server_fn::error::FromServerFnError for ConsoleError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        let (code, message) = match value {
            E::Request(_) => ("NETWORK", "Could not reach the server. Check your connection and try again."),
            E::Args(_) | E::MissingArg(_) => ("INVALID_INPUT", "The form was incomplete or malformed."),
            _ => ("REQUEST_FAILED", "The request failed. Reload the page and try again."),
        };
        ConsoleError { code: code.to_string(), message: message.to_string() }
    }
}
