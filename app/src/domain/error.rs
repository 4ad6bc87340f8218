//! The one error type every layer uses. Each surface (console, `/api/v1`, `/v2/`) maps
//! it to its own wire format with a single exhaustive match.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What a `NotFound` refers to, so each surface can pick its own code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resource {
    User,
    Token,
    Route,
    Workspace,
    Member,
    Registry,
    Robot,
    Repository,
    Blob,
    Manifest,
    Upload,
    Tag,
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Resource::User => "user",
            Resource::Token => "token",
            Resource::Route => "page",
            Resource::Workspace => "workspace",
            Resource::Member => "member",
            Resource::Registry => "registry",
            Resource::Robot => "robot credential",
            Resource::Repository => "repository",
            Resource::Blob => "blob",
            Resource::Manifest => "manifest",
            Resource::Upload => "upload",
            Resource::Tag => "tag",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Error {
    /// The thing does not exist, or the caller may not know that it exists.
    #[error("{0} not found")]
    NotFound(Resource),
    /// Input broke a rule; `field` names the input, `rule` says what is expected.
    #[error("{field}: {rule}")]
    Invalid { field: String, rule: String },
    /// The request is valid but clashes with existing state (a name already taken).
    #[error("{0}")]
    Conflict(String),
    /// No credentials, or credentials that do not identify anyone.
    #[error("authentication required")]
    Unauthenticated,
    /// Authenticated, but this principal may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// Throttled; the caller may try again after the given number of seconds.
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    TooManyRequests { retry_after_secs: u64 },
    /// Content did not match the digest it was sent with, or a digest is malformed.
    #[error("{0}")]
    DigestInvalid(String),
    /// A length did not match the content.
    #[error("{0}")]
    SizeInvalid(String),
    /// A chunk did not start where the upload stands.
    #[error("{0}")]
    RangeInvalid(String),
    /// A manifest that cannot be parsed or breaks the format's rules.
    #[error("{0}")]
    ManifestInvalid(String),
    /// A manifest references a blob or manifest the repository does not hold.
    #[error("{0}")]
    ManifestBlobUnknown(String),
    /// The push would take the registry past its storage quota.
    #[error("{0}")]
    QuotaExceeded(String),
    /// The tag is immutable: it may not be moved to other content or deleted.
    #[error("tag {0} is immutable")]
    TagImmutable(String),
    /// The request is well formed but asks for something Berth does not do.
    #[error("{0}")]
    Unsupported(String),
    /// The request body is larger than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// Something failed on our side. The cause is logged, never shown.
    #[error("internal error")]
    Internal,
}

impl Error {
    pub fn invalid(field: impl Into<String>, rule: impl Into<String>) -> Self {
        Error::Invalid { field: field.into(), rule: rule.into() }
    }

    /// A short machine-readable code, shared by the console and `/api/v1`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound(_) => "NOT_FOUND",
            Error::Invalid { .. } => "INVALID_INPUT",
            Error::Conflict(_) => "CONFLICT",
            Error::Unauthenticated => "UNAUTHENTICATED",
            Error::Forbidden(_) => "FORBIDDEN",
            Error::TooManyRequests { .. } => "RATE_LIMITED",
            Error::DigestInvalid(_) => "DIGEST_INVALID",
            Error::SizeInvalid(_) => "SIZE_INVALID",
            Error::RangeInvalid(_) => "RANGE_INVALID",
            Error::ManifestInvalid(_) => "MANIFEST_INVALID",
            Error::ManifestBlobUnknown(_) => "MANIFEST_BLOB_UNKNOWN",
            Error::TagImmutable(_) => "TAG_IMMUTABLE",
            Error::QuotaExceeded(_) => "QUOTA_EXCEEDED",
            Error::Unsupported(_) => "UNSUPPORTED",
            Error::TooLarge(_) => "TOO_LARGE",
            Error::Internal => "INTERNAL",
        }
    }

    /// The HTTP status that fits this error on the console and `/api/v1`.
    pub fn http_status(&self) -> u16 {
        match self {
            Error::NotFound(_) => 404,
            Error::Invalid { .. } => 400,
            Error::Conflict(_) => 409,
            Error::Unauthenticated => 401,
            Error::Forbidden(_) => 403,
            Error::TooManyRequests { .. } => 429,
            Error::DigestInvalid(_) | Error::SizeInvalid(_) | Error::ManifestInvalid(_) | Error::ManifestBlobUnknown(_) => 400,
            Error::RangeInvalid(_) => 416,
            Error::TagImmutable(_) => 409,
            Error::QuotaExceeded(_) => 409,
            Error::Unsupported(_) => 422,
            Error::TooLarge(_) => 413,
            Error::Internal => 500,
        }
    }

    /// A sentence a person can read.
    pub fn message(&self) -> String {
        match self {
            Error::NotFound(what) => format!("The {what} does not exist or you may not see it."),
            Error::Invalid { field, rule } => format!("{field}: {rule}"),
            Error::Conflict(msg)
            | Error::Forbidden(msg)
            | Error::DigestInvalid(msg)
            | Error::SizeInvalid(msg)
            | Error::RangeInvalid(msg)
            | Error::ManifestInvalid(msg)
            | Error::ManifestBlobUnknown(msg)
            | Error::Unsupported(msg)
            | Error::QuotaExceeded(msg)
            | Error::TooLarge(msg) => msg.clone(),
            Error::Unauthenticated => "Sign in first.".to_string(),
            Error::TagImmutable(tag) => {
                format!("The tag '{tag}' is immutable: it cannot be overwritten with different content or deleted.")
            }
            Error::TooManyRequests { retry_after_secs } => {
                let minutes = retry_after_secs.div_ceil(60).max(1);
                format!("Too many failed attempts. Try again in {minutes} minute(s).")
            }
            Error::Internal => "Something went wrong on the server. It has been logged.".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_a_client_status_except_internal() {
        let cases = [
            (Error::NotFound(Resource::User), 404),
            (Error::invalid("username", "too long"), 400),
            (Error::Conflict("taken".into()), 409),
            (Error::Unauthenticated, 401),
            (Error::Forbidden("no".into()), 403),
            (Error::TooManyRequests { retry_after_secs: 61 }, 429),
            (Error::DigestInvalid("d".into()), 400),
            (Error::SizeInvalid("s".into()), 400),
            (Error::RangeInvalid("r".into()), 416),
            (Error::ManifestInvalid("m".into()), 400),
            (Error::ManifestBlobUnknown("b".into()), 400),
            (Error::TagImmutable("v1".into()), 409),
            (Error::QuotaExceeded("q".into()), 409),
            (Error::Unsupported("u".into()), 422),
            (Error::TooLarge("t".into()), 413),
            (Error::Internal, 500),
        ];
        for (err, status) in cases {
            assert_eq!(err.http_status(), status, "{err:?}");
            assert!(!err.message().is_empty());
        }
    }

    #[test]
    fn throttling_message_rounds_minutes_up() {
        let msg = Error::TooManyRequests { retry_after_secs: 61 }.message();
        assert!(msg.contains("2 minute"), "{msg}");
    }
}
