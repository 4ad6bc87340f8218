//! Manifests: push (validated, referenced content required), pull by tag or digest
//! (counting pulls), delete.

use super::manifest_cache::LookupKey;
use crate::db::credentials::CredentialRef;
use crate::db::manifests::{ManifestRecord, NewManifest, PutManifestOutcome};
use crate::db::now_ms;
use crate::services::Services;
use crate::services::hashing::digest_of;
use crate::services::manifest_format;
use app::domain::digest::{Algorithm, Digest};
use app::domain::names::RepositoryName;
use app::domain::names::is_tag;
use app::domain::policy::{self, Action, Caller, Principal, Target};
use app::domain::{Error, Resource};
use std::sync::Arc;

/// A manifest reference: a tag or a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    Tag(String),
    Digest(Digest),
}

impl Reference {
    pub fn parse(raw: &str) -> Result<Reference, Error> {
        if Digest::looks_like_digest(raw) {
            Digest::parse(raw).map(Reference::Digest).ok_or_else(|| Error::DigestInvalid(format!("'{raw}' is not a valid digest")))
        } else if is_tag(raw) {
            Ok(Reference::Tag(raw.to_string()))
        } else {
            Err(Error::invalid("tag", "1–128 characters: letters, digits, '_', '.' or '-', not starting with '.' or '-'"))
        }
    }

    /// For reads: a name that could never be a tag names no manifest, so looking it
    /// up answers "unknown" (404) after the usual access check, as Distribution does,
    /// rather than refusing it as malformed. A malformed digest is still refused.
    pub fn parse_for_lookup(raw: &str) -> Result<Reference, Error> {
        match Reference::parse(raw) {
            Err(Error::Invalid { .. }) => Ok(Reference::Tag(raw.to_string())),
            parsed => parsed,
        }
    }

    /// The reference as written: the tag, or the digest.
    pub fn as_string(&self) -> String {
        match self {
            Reference::Tag(tag) => tag.clone(),
            Reference::Digest(digest) => digest.to_string(),
        }
    }

    fn tag(&self) -> Option<&str> {
        match self {
            Reference::Tag(tag) => Some(tag),
            Reference::Digest(_) => None,
        }
    }
}

pub struct PushedManifest {
    pub digest: Digest,
    pub subject: Option<String>,
}

impl Services {
    pub async fn put_manifest(
        &self,
        caller: &Caller,
        name: &RepositoryName,
        reference: &Reference,
        content_type: Option<&str>,
        content: &[u8],
    ) -> Result<PushedManifest, Error> {
        let access = self.repository_access(caller, name, Action::Push).await?;
        if content.len() > manifest_format::MAX_MANIFEST_BYTES {
            return Err(Error::TooLarge(format!("manifests are limited to {} bytes", manifest_format::MAX_MANIFEST_BYTES)));
        }
        let algorithm = match reference {
            Reference::Digest(d) => d.algorithm(),
            Reference::Tag(_) => Algorithm::Sha256,
        };
        let digest = digest_of(algorithm, content);
        if let Reference::Digest(expected) = reference
            && *expected != digest
        {
            return Err(Error::DigestInvalid(format!("the manifest's digest is {digest}, not {expected}")));
        }
        let parsed = manifest_format::parse(content, content_type)?;

        let repository = match &access.repository {
            Some(repository) => repository.clone(),
            None if parsed.blobs.is_empty() && parsed.manifests.is_empty() => {
                self.db.ensure_repository(access.registry.id, name.repository(), now_ms()).await?
            }
            None => {
                let first = parsed.blobs.first().or(parsed.manifests.first()).cloned().unwrap_or_default();
                return Err(Error::ManifestBlobUnknown(format!("{first} is not in this repository")));
            }
        };
        let digest_text = digest.to_string();
        let (image_size, platform) = self.summarize(repository.id, &parsed).await?;
        let now = now_ms();
        let outcome = self
            .db
            .put_manifest(NewManifest {
                repository_id: repository.id,
                digest: &digest_text,
                media_type: &parsed.media_type,
                artifact_type: parsed.artifact_type.as_deref(),
                content,
                subject_digest: parsed.subject.as_deref(),
                config_digest: parsed.config_digest.as_deref(),
                annotations: parsed.annotations.as_deref(),
                blob_references: &parsed.blobs,
                manifest_references: &parsed.manifests,
                tag: reference.tag(),
                image_size,
                platform: platform.as_deref(),
                now,
                // Kept to the second: a busy repository's row is not rewritten by
                // every one of many pushes a second (a hot row for the database).
                touch_repository: repository.last_push_at.is_none_or(|at| now - at >= 1000),
                registry_id: access.registry.id,
                has_quota: access.registry.quota_bytes.is_some(),
            })
            .await?;
        match outcome {
            PutManifestOutcome::Stored => Ok(PushedManifest { digest, subject: parsed.subject }),
            PutManifestOutcome::TagImmutable => Err(Error::TagImmutable(reference.as_string())),
            PutManifestOutcome::OverQuota { used, adding, quota } => Err(Error::QuotaExceeded(format!(
                "This push needs {adding} more bytes; registry {} uses {used} of its {quota}-byte quota.",
                access.registry.name
            ))),
        }
    }

    /// The image's compressed size and platform, worked out once at push time: from
    /// the descriptors and the (small) config blob for an image, from the listed
    /// manifests for an index.
    async fn summarize(&self, repository_id: i64, parsed: &manifest_format::ParsedManifest) -> Result<(i64, Option<String>), Error> {
        if !parsed.manifests.is_empty() {
            let sizes = self.db.manifest_image_sizes(repository_id, &parsed.manifests).await?;
            let size = parsed.manifests.iter().map(|child| sizes.get(child).copied().unwrap_or(0)).sum();
            let platform = (!parsed.platforms.is_empty()).then(|| parsed.platforms.join(", "));
            return Ok((size, platform));
        }
        let platform = match parsed.config_digest.as_deref().and_then(Digest::parse) {
            Some(config) => {
                let document = self.read_config(&config).await?;
                match (document["os"].as_str(), document["architecture"].as_str()) {
                    (Some(os), Some(arch)) => Some(format!("{os}/{arch}")),
                    _ => None,
                }
            }
            None => None,
        };
        Ok((parsed.declared_size, platform))
    }

    /// The manifest named by `reference`. A `GET` (`count_pull`) is counted as a pull
    /// and carries the bytes; a `HEAD` does neither. One database query answers the
    /// access facts and the manifest together: this is the hottest path of a registry.
    pub async fn get_manifest(
        &self,
        caller: &Caller,
        name: &RepositoryName,
        reference: &Reference,
        count_pull: bool,
    ) -> Result<ManifestRecord, Error> {
        let credential = CredentialRef::of(&caller.principal);
        let digest = match reference {
            Reference::Digest(digest) => Some(digest.to_string()),
            Reference::Tag(_) => None,
        };
        let key = LookupKey {
            credential,
            registry: name.registry().to_string(),
            repository: name.repository().to_string(),
            reference: reference.as_string(),
            with_content: count_pull,
        };
        let found = match self.manifest_cache.get(&key) {
            Some(hit) => Some(hit),
            None => {
                let generation = self.manifest_cache.generation();
                let lookup = self
                    .db
                    .lookup_manifest(name.registry(), name.repository(), credential, reference.tag(), digest.as_deref(), count_pull)
                    .await?
                    .map(Arc::new);
                if let Some(lookup) = lookup.as_ref().filter(|l| l.manifest.is_some()) {
                    self.manifest_cache.put(key, generation, lookup.clone());
                }
                lookup
            }
        };
        let Some(found) = found else {
            return Err(match caller.principal {
                Principal::Anonymous => Error::Unauthenticated,
                _ => Error::NotFound(Resource::Registry),
            });
        };
        if !found.credential_live {
            return Err(Error::Unauthenticated);
        }
        let target = Target::Registry { registry_id: found.registry_id, public: found.public, role: found.role };
        policy::require(&caller.principal, Action::Pull, target)?;
        let repository_id = found.repository_id.ok_or(Error::NotFound(Resource::Manifest))?;
        let manifest = found.manifest.clone().ok_or(Error::NotFound(Resource::Manifest))?;
        if count_pull {
            self.pulls.record(repository_id, reference.tag());
        }
        Ok(manifest)
    }

    /// By digest: deletes the manifest and its tags. By tag: deletes only the tag.
    pub async fn delete_manifest(&self, caller: &Caller, name: &RepositoryName, reference: &Reference) -> Result<(), Error> {
        let access = self.repository_access(caller, name, Action::DeleteContent).await?;
        let repository = access.repository.as_ref().ok_or(Error::NotFound(Resource::Manifest))?;
        if self.db.tags_immutable(repository.id).await? {
            let protected = match reference {
                Reference::Tag(tag) => self.db.resolve_tag(repository.id, tag).await?.map(|_| tag.clone()),
                Reference::Digest(digest) => self.db.tags_of(repository.id, &digest.to_string()).await?.into_iter().next(),
            };
            if let Some(tag) = protected {
                return Err(Error::TagImmutable(tag));
            }
        }
        let deleted = match reference {
            Reference::Digest(digest) => self.db.delete_manifest(repository.id, &digest.to_string()).await?,
            Reference::Tag(tag) => self.db.delete_tag(repository.id, tag).await?,
        };
        if !deleted {
            return Err(Error::NotFound(Resource::Manifest));
        }
        Ok(())
    }
}
