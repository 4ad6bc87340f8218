//! Parses the part of a `/v2/` URL after `/v2/` into an operation. Repository names
//! may have any number of segments, so one route takes the whole rest of the path
//! and this finds the operation from the end.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Catalog,
    Tags { name: String },
    Manifest { name: String, reference: String },
    Blob { name: String, digest: String },
    StartUpload { name: String },
    Upload { name: String, id: String },
    Referrers { name: String, digest: String },
}

pub fn parse(rest: &str) -> Option<Route> {
    if rest == "_catalog" {
        return Some(Route::Catalog);
    }
    if let Some(name) = rest.strip_suffix("/tags/list") {
        return Some(Route::Tags { name: name.to_string() });
    }
    if let Some(name) = rest.strip_suffix("/blobs/uploads/").or_else(|| rest.strip_suffix("/blobs/uploads")) {
        return Some(Route::StartUpload { name: name.to_string() });
    }
    let (head, last) = rest.rsplit_once('/')?;
    if last.is_empty() {
        return None;
    }
    let (name, kind) = head.rsplit_once('/')?;
    let (name, last) = (name.to_string(), last.to_string());
    match kind {
        "manifests" => Some(Route::Manifest { name, reference: last }),
        "referrers" => Some(Route::Referrers { name, digest: last }),
        "blobs" => Some(Route::Blob { name, digest: last }),
        "uploads" => name.strip_suffix("/blobs").map(|name| Route::Upload { name: name.to_string(), id: last }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_one_to_ten_segments_are_found() {
        for depth in 1..=10 {
            let name = (0..depth).map(|i| format!("s{i}")).collect::<Vec<_>>().join("/");
            assert_eq!(parse(&format!("{name}/tags/list")), Some(Route::Tags { name: name.clone() }));
            assert_eq!(
                parse(&format!("{name}/manifests/latest")),
                Some(Route::Manifest { name: name.clone(), reference: "latest".into() })
            );
            assert_eq!(parse(&format!("{name}/blobs/uploads/")), Some(Route::StartUpload { name: name.clone() }));
            assert_eq!(parse(&format!("{name}/blobs/uploads/abc123")), Some(Route::Upload { name: name.clone(), id: "abc123".into() }));
            assert_eq!(parse(&format!("{name}/blobs/sha256:00")), Some(Route::Blob { name: name.clone(), digest: "sha256:00".into() }));
            assert_eq!(
                parse(&format!("{name}/referrers/sha256:00")),
                Some(Route::Referrers { name: name.clone(), digest: "sha256:00".into() })
            );
        }
    }

    #[test]
    fn segments_named_like_operations_are_still_names() {
        assert_eq!(parse("reg/blobs/manifests/v1"), Some(Route::Manifest { name: "reg/blobs".into(), reference: "v1".into() }));
        assert_eq!(parse("reg/manifests/tags/list"), Some(Route::Tags { name: "reg/manifests".into() }));
        assert_eq!(parse("_catalog"), Some(Route::Catalog));
        for bad in ["", "reg", "reg/app", "reg/app/manifests/", "reg/app/unknown/x"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
