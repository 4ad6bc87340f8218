//! What the tag page shows: the manifest's layers or platforms, and from the image
//! config its ID, OS/architecture, history and labels.

use super::Services;
use super::distribution::uploads::storage;
use app::domain::digest::Digest;
use app::domain::names::RepositoryName;
use app::domain::policy::{Action, Caller};
use app::domain::time::Timestamp;
use app::domain::{Error, Resource};
use app::dto::{Layer, Platform, Referrer, TagDetail};
use serde_json::Value;

/// Image configs larger than this are not read for display.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

impl Services {
    pub async fn get_tag(&self, caller: &Caller, name: &RepositoryName, tag: &str) -> Result<TagDetail, Error> {
        let access = self.repository_access(caller, name, Action::Pull).await?;
        let repository = access.repository()?;
        let record = self.db.find_tag(repository.id, tag).await?.ok_or(Error::NotFound(Resource::Tag))?;
        let manifest = self.db.find_manifest(repository.id, &record.digest).await?.ok_or(Error::NotFound(Resource::Manifest))?;
        let document: Value = serde_json::from_slice(&manifest.content).unwrap_or(Value::Null);

        let layers = document["layers"]
            .as_array()
            .map(|layers| {
                layers
                    .iter()
                    .map(|l| Layer {
                        digest: l["digest"].as_str().unwrap_or_default().to_string(),
                        media_type: l["mediaType"].as_str().unwrap_or_default().to_string(),
                        size_bytes: l["size"].as_i64().unwrap_or(0),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let platforms = document["manifests"]
            .as_array()
            .map(|children| {
                children
                    .iter()
                    .map(|m| Platform {
                        os: m["platform"]["os"].as_str().unwrap_or("unknown").to_string(),
                        architecture: m["platform"]["architecture"].as_str().unwrap_or("unknown").to_string(),
                        variant: m["platform"]["variant"].as_str().map(str::to_string),
                        digest: m["digest"].as_str().unwrap_or_default().to_string(),
                        size_bytes: m["size"].as_i64().unwrap_or(0),
                    })
                    .collect()
            })
            .unwrap_or_default();

        let config = match manifest.config_digest.as_deref().and_then(Digest::parse) {
            Some(digest) => self.read_config(&digest).await?,
            None => Value::Null,
        };
        let history = config["history"]
            .as_array()
            .map(|h| h.iter().filter_map(|e| e["created_by"].as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        let mut labels: Vec<(String, String)> = config["config"]["Labels"]
            .as_object()
            .map(|l| l.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
            .unwrap_or_default();
        labels.sort();
        let referrers = self
            .db
            .list_referrers(repository.id, &record.digest)
            .await?
            .into_iter()
            .map(|r| Referrer { digest: r.digest, artifact_type: r.artifact_type, media_type: r.media_type, size_bytes: r.size })
            .collect();

        Ok(TagDetail {
            name: record.name,
            repository: name.repository().to_string(),
            digest: record.digest,
            media_type: manifest.media_type,
            image_id: manifest.config_digest,
            size_bytes: record.size_bytes,
            os: config["os"].as_str().map(str::to_string),
            architecture: config["architecture"].as_str().map(str::to_string),
            platforms,
            layers,
            history,
            labels,
            referrers,
            pushed_at: Timestamp(record.pushed_at),
            last_pulled_at: record.last_pulled_at.map(Timestamp),
            pulls: record.pulls,
        })
    }

    pub(crate) async fn read_config(&self, digest: &Digest) -> Result<Value, Error> {
        match self.blobs.read_small_blob(digest, MAX_CONFIG_BYTES).await.map_err(storage("read config"))? {
            Some(bytes) => Ok(serde_json::from_slice(&bytes).unwrap_or(Value::Null)),
            None => Ok(Value::Null),
        }
    }
}
