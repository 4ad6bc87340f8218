//! What Berth understands of a manifest: its media type, what it references, its
//! subject and artifact type. Known formats (OCI image manifest and index, Docker
//! schema 2 manifest and manifest list) are checked against their rules; manifests of
//! other media types are stored as opaque JSON documents.

use app::domain::Error;
use app::domain::digest::Digest;
use serde_json::Value;

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
const DOCKER_SCHEMA1: &[&str] =
    &["application/vnd.docker.distribution.manifest.v1+json", "application/vnd.docker.distribution.manifest.v1+prettyjws"];

/// Layers that registries do not hold (Windows base layers and the like).
const FOREIGN_LAYERS: &[&str] = &[
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
    "application/vnd.oci.image.layer.nondistributable.v1.tar",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
];

/// Manifests larger than this are refused (as Distribution and zot do).
pub const MAX_MANIFEST_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Default)]
pub struct ParsedManifest {
    pub media_type: String,
    pub artifact_type: Option<String>,
    pub config_digest: Option<String>,
    /// Blobs the manifest needs (config and distributable layers).
    pub blobs: Vec<String>,
    /// Manifests an index needs.
    pub manifests: Vec<String>,
    pub subject: Option<String>,
    /// The manifest's annotations, as JSON, when it has any.
    pub annotations: Option<String>,
    /// Bytes the descriptors declare: config and layers.
    pub declared_size: i64,
    /// `os/arch` of each platform an index lists.
    pub platforms: Vec<String>,
}

fn invalid(message: impl Into<String>) -> Error {
    Error::ManifestInvalid(message.into())
}

/// `mediaType` without parameters (`application/json; charset=utf-8` → `application/json`).
fn bare(media_type: &str) -> &str {
    media_type.split(';').next().unwrap_or_default().trim()
}

pub fn parse(content: &[u8], content_type: Option<&str>) -> Result<ParsedManifest, Error> {
    let document: Value = serde_json::from_slice(content).map_err(|e| invalid(format!("not valid JSON: {e}")))?;
    let object = document.as_object().ok_or_else(|| invalid("a manifest must be a JSON object"))?;

    let declared = match object.get("mediaType") {
        None => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => return Err(invalid("mediaType must be a string")),
    };
    let header = content_type.map(bare).filter(|t| !t.is_empty());
    let media_type = match (declared, header) {
        (Some(declared), Some(header)) if declared != header => {
            return Err(invalid(format!("Content-Type {header} does not match the manifest's mediaType {declared}")));
        }
        (Some(declared), _) => declared.to_string(),
        (None, Some(header)) => header.to_string(),
        (None, None) if object.contains_key("manifests") => OCI_INDEX.to_string(),
        (None, None) => OCI_MANIFEST.to_string(),
    };
    if DOCKER_SCHEMA1.contains(&media_type.as_str()) {
        return Err(Error::Unsupported("Docker schema 1 manifests are not supported; push schema 2 or OCI".to_string()));
    }

    let mut parsed = ParsedManifest { media_type: media_type.clone(), ..ParsedManifest::default() };
    if let Some(annotations) = object.get("annotations") {
        if !annotations.is_object() {
            return Err(invalid("annotations must be an object"));
        }
        parsed.annotations = Some(annotations.to_string());
    }
    if let Some(subject) = object.get("subject") {
        parsed.subject = Some(descriptor(subject, "subject")?.0);
    }
    parsed.artifact_type = match object.get("artifactType") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(invalid("artifactType must be a string")),
    };

    match media_type.as_str() {
        OCI_MANIFEST | DOCKER_MANIFEST => {
            schema_version_2(object)?;
            let config = object.get("config").ok_or_else(|| invalid("an image manifest needs a config descriptor"))?;
            let (config_digest, config_type) = descriptor(config, "config")?;
            parsed.blobs.push(config_digest.clone());
            parsed.config_digest = Some(config_digest);
            parsed.declared_size += config.get("size").and_then(Value::as_i64).unwrap_or(0);
            let layers = match object.get("layers") {
                Some(Value::Array(layers)) => layers.as_slice(),
                None if media_type == OCI_MANIFEST => &[],
                _ => return Err(invalid("layers must be an array")),
            };
            for (i, layer) in layers.iter().enumerate() {
                let (digest, layer_type) = descriptor(layer, &format!("layers[{i}]"))?;
                parsed.declared_size += layer.get("size").and_then(Value::as_i64).unwrap_or(0);
                if !FOREIGN_LAYERS.contains(&layer_type.as_str()) {
                    parsed.blobs.push(digest);
                }
            }
            // An artifact's type is its artifactType, else its config's media type.
            if parsed.artifact_type.is_none() && media_type == OCI_MANIFEST {
                parsed.artifact_type = Some(config_type);
            }
        }
        OCI_INDEX | DOCKER_LIST => {
            schema_version_2(object)?;
            let Some(Value::Array(manifests)) = object.get("manifests") else {
                return Err(invalid("an index needs a manifests array"));
            };
            for (i, child) in manifests.iter().enumerate() {
                parsed.manifests.push(descriptor(child, &format!("manifests[{i}]"))?.0);
                let platform = &child["platform"];
                if let (Some(os), Some(arch)) = (platform["os"].as_str(), platform["architecture"].as_str()) {
                    parsed.platforms.push(format!("{os}/{arch}"));
                }
            }
        }
        _ => {}
    }
    let mut seen = std::collections::HashSet::new();
    parsed.blobs.retain(|digest| seen.insert(digest.clone()));
    Ok(parsed)
}

fn schema_version_2(object: &serde_json::Map<String, Value>) -> Result<(), Error> {
    match object.get("schemaVersion") {
        Some(v) if v.as_i64() == Some(2) => Ok(()),
        _ => Err(invalid("schemaVersion must be 2")),
    }
}

/// A descriptor's digest (validated) and media type.
fn descriptor(value: &Value, field: &str) -> Result<(String, String), Error> {
    let digest = value.get("digest").and_then(Value::as_str).ok_or_else(|| invalid(format!("{field} has no digest")))?;
    if Digest::parse(digest).is_none() {
        return Err(Error::DigestInvalid(format!("{field}: '{digest}' is not a valid digest")));
    }
    let media_type = value.get("mediaType").and_then(Value::as_str).unwrap_or_default().to_string();
    if value.get("size").is_some_and(|s| s.as_i64().is_none_or(|n| n < 0)) {
        return Err(invalid(format!("{field}: size must be a non-negative integer")));
    }
    Ok((digest.to_string(), media_type))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn d(c: char) -> String {
        format!("sha256:{}", c.to_string().repeat(64))
    }

    #[test]
    fn an_image_manifest_lists_its_blobs_and_subject() {
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "digest": d('a'), "size": 2 },
            "layers": [
                { "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d('b'), "size": 3 },
                { "mediaType": FOREIGN_LAYERS[0], "digest": d('c'), "size": 4 }
            ],
            "subject": { "mediaType": OCI_MANIFEST, "digest": d('e'), "size": 5 }
        });
        let parsed = parse(manifest.to_string().as_bytes(), Some(OCI_MANIFEST)).unwrap();
        assert_eq!(parsed.blobs, [d('a'), d('b')]);
        assert_eq!(parsed.subject, Some(d('e')));
        assert_eq!(parsed.artifact_type.as_deref(), Some("application/vnd.oci.image.config.v1+json"));
    }

    #[test]
    fn broken_manifests_are_refused_with_the_reason() {
        let cases = [
            (b"not json".to_vec(), None),
            (b"[]".to_vec(), None),
            (json!({ "schemaVersion": 1, "mediaType": OCI_MANIFEST }).to_string().into_bytes(), None),
            (json!({ "schemaVersion": 2, "mediaType": OCI_MANIFEST }).to_string().into_bytes(), None),
            (json!({ "schemaVersion": 2, "mediaType": OCI_INDEX }).to_string().into_bytes(), Some(OCI_MANIFEST)),
        ];
        for (content, content_type) in cases {
            assert!(matches!(parse(&content, content_type), Err(Error::ManifestInvalid(_))), "{}", String::from_utf8_lossy(&content));
        }
        let bad_digest = json!({ "schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [{ "digest": "sha256:nope" }] });
        assert!(matches!(parse(bad_digest.to_string().as_bytes(), None), Err(Error::DigestInvalid(_))));
    }

    #[test]
    fn unknown_media_types_are_stored_as_documents() {
        let doc = json!({ "schemaVersion": 2, "mediaType": "application/vnd.example.thing+json", "anything": 1 });
        let parsed = parse(doc.to_string().as_bytes(), None).unwrap();
        assert_eq!(parsed.media_type, "application/vnd.example.thing+json");
        assert!(parsed.blobs.is_empty());
    }
}
