//! Parses the part of a `/v2/` URL after `/v2/` into an operation. Repository names
//! may have any number of segments, so one route takes the whole rest of the path
//! and this finds the operation from the end.

use app::domain::names::{RepositoryName, RepositoryNameError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Catalog,
    Tags { name: RepositoryName },
    Manifest { name: RepositoryName, reference: String },
    Blob { name: RepositoryName, digest: String },
    StartUpload { name: RepositoryName },
    Upload { name: RepositoryName, id: String },
    Referrers { name: RepositoryName, digest: String },
}

impl Route {
    /// The repository the route acts on (`None` for the catalog).
    pub fn repository(&self) -> Option<&RepositoryName> {
        match self {
            Route::Catalog => None,
            Route::Tags { name }
            | Route::Manifest { name, .. }
            | Route::Blob { name, .. }
            | Route::StartUpload { name }
            | Route::Upload { name, .. }
            | Route::Referrers { name, .. } => Some(name),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathError {
    /// No operation of the API ends the path this way.
    UnknownEndpoint,
    /// The operation is known; the name before it is not a repository name.
    Name(RepositoryNameError),
}

pub fn parse(rest: &str) -> Result<Route, PathError> {
    let name = |raw: &str| RepositoryName::parse(raw).map_err(PathError::Name);
    if rest == "_catalog" {
        return Ok(Route::Catalog);
    }
    if let Some(raw) = rest.strip_suffix("/tags/list") {
        return Ok(Route::Tags { name: name(raw)? });
    }
    if let Some(raw) = rest.strip_suffix("/blobs/uploads/").or_else(|| rest.strip_suffix("/blobs/uploads")) {
        return Ok(Route::StartUpload { name: name(raw)? });
    }
    let (head, last) = rest.rsplit_once('/').ok_or(PathError::UnknownEndpoint)?;
    if last.is_empty() {
        return Err(PathError::UnknownEndpoint);
    }
    let (raw, kind) = head.rsplit_once('/').ok_or(PathError::UnknownEndpoint)?;
    let last = last.to_string();
    match kind {
        "manifests" => Ok(Route::Manifest { name: name(raw)?, reference: last }),
        "referrers" => Ok(Route::Referrers { name: name(raw)?, digest: last }),
        "blobs" => Ok(Route::Blob { name: name(raw)?, digest: last }),
        "uploads" => match raw.strip_suffix("/blobs") {
            Some(raw) => Ok(Route::Upload { name: name(raw)?, id: last }),
            None => Err(PathError::UnknownEndpoint),
        },
        _ => Err(PathError::UnknownEndpoint),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(full: &str) -> RepositoryName {
        RepositoryName::parse(full).unwrap()
    }

    #[test]
    fn names_of_two_to_ten_segments_are_found() {
        for depth in 2..=10 {
            let full = (0..depth).map(|i| format!("s{i}")).collect::<Vec<_>>().join("/");
            let name = repo(&full);
            assert_eq!(parse(&format!("{full}/tags/list")), Ok(Route::Tags { name: name.clone() }));
            assert_eq!(parse(&format!("{full}/manifests/latest")), Ok(Route::Manifest { name: name.clone(), reference: "latest".into() }));
            assert_eq!(parse(&format!("{full}/blobs/uploads/")), Ok(Route::StartUpload { name: name.clone() }));
            assert_eq!(parse(&format!("{full}/blobs/uploads")), Ok(Route::StartUpload { name: name.clone() }));
            assert_eq!(parse(&format!("{full}/blobs/uploads/abc123")), Ok(Route::Upload { name: name.clone(), id: "abc123".into() }));
            assert_eq!(parse(&format!("{full}/blobs/sha256:00")), Ok(Route::Blob { name: name.clone(), digest: "sha256:00".into() }));
            assert_eq!(
                parse(&format!("{full}/referrers/sha256:00")),
                Ok(Route::Referrers { name: name.clone(), digest: "sha256:00".into() })
            );
            assert_eq!(parse(&format!("{full}/tags/list")).unwrap().repository(), Some(&name));
        }
    }

    #[test]
    fn segments_named_like_operations_are_still_names() {
        assert_eq!(parse("reg/blobs/manifests/v1"), Ok(Route::Manifest { name: repo("reg/blobs"), reference: "v1".into() }));
        assert_eq!(parse("reg/manifests/tags/list"), Ok(Route::Tags { name: repo("reg/manifests") }));
        assert_eq!(parse("_catalog"), Ok(Route::Catalog));
        assert_eq!(parse("_catalog").unwrap().repository(), None);
    }

    #[test]
    fn unknown_endpoints_and_bad_names_are_told_apart() {
        for unknown in ["", "reg", "reg/app", "reg/app/manifests/", "reg/app/unknown/x", "reg/app/uploads/x"] {
            assert_eq!(parse(unknown), Err(PathError::UnknownEndpoint), "{unknown}");
        }
        assert_eq!(parse("reg/manifests/v1"), Err(PathError::Name(RepositoryNameError::NoRepository)));
        assert_eq!(parse("Reg/App/tags/list"), Err(PathError::Name(RepositoryNameError::Invalid)));
        assert_eq!(parse("reg/app//blobs/uploads/"), Err(PathError::Name(RepositoryNameError::Invalid)));
    }
}
