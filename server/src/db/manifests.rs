//! Manifests and what they reference (`manifests`, and `manifest_references` for the
//! blobs and child manifests a manifest names): storing a push (immutability and quota
//! decided inside its transaction), lookups by tag or digest, referrers and deletion.

use super::{Db, internal};
use app::domain::Error;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Connection, Row};
use std::collections::HashSet;

#[derive(Debug, Clone)]
pub struct ManifestRecord {
    pub digest: String,
    pub media_type: String,
    pub artifact_type: Option<String>,
    pub size: i64,
    pub content: Vec<u8>,
    pub subject_digest: Option<String>,
    pub config_digest: Option<String>,
    pub annotations: Option<String>,
    pub pushed_at: i64,
}

/// A referrer's descriptor: what the referrers API and the tag page list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReferrerRecord {
    pub digest: String,
    pub media_type: String,
    pub artifact_type: Option<String>,
    pub size: i64,
    pub annotations: Option<String>,
}

pub(super) fn manifest(row: &AnyRow) -> Result<ManifestRecord, sqlx::Error> {
    Ok(ManifestRecord {
        digest: row.try_get("digest")?,
        media_type: row.try_get("media_type")?,
        artifact_type: row.try_get("artifact_type")?,
        size: row.try_get("size")?,
        content: row.try_get("content")?,
        subject_digest: row.try_get("subject_digest")?,
        config_digest: row.try_get("config_digest")?,
        annotations: row.try_get("annotations")?,
        pushed_at: row.try_get("pushed_at")?,
    })
}

pub(super) const MANIFEST_COLUMNS: &str =
    "digest, media_type, artifact_type, size, content, subject_digest, config_digest, annotations, pushed_at";

/// A manifest to store, with what it references.
pub struct NewManifest<'a> {
    pub repository_id: i64,
    pub digest: &'a str,
    pub media_type: &'a str,
    pub artifact_type: Option<&'a str>,
    pub content: &'a [u8],
    pub subject_digest: Option<&'a str>,
    pub config_digest: Option<&'a str>,
    pub annotations: Option<&'a str>,
    pub blob_references: &'a [String],
    pub manifest_references: &'a [String],
    pub tag: Option<&'a str>,
    pub image_size: i64,
    pub platform: Option<&'a str>,
    pub now: i64,
    /// Whether the repository's last push time moves to `now`.
    pub touch_repository: bool,
    /// The registry, and whether it has a storage quota to enforce.
    pub registry_id: i64,
    pub has_quota: bool,
}

/// What storing a manifest came to. Immutability and the quota are decided inside
/// the transaction that stores it, so no interleaving of pushes can break either.
#[derive(Debug, PartialEq, Eq)]
pub enum PutManifestOutcome {
    Stored,
    /// The tag is immutable and names other content; nothing was stored.
    TagImmutable,
    /// The manifest's new blobs would take the registry past its quota; nothing was stored.
    OverQuota {
        used: i64,
        adding: i64,
        quota: i64,
    },
}

impl Db {
    /// Stores a manifest, what it references and (if given) points the tag at it, in
    /// one transaction, which first checks that the repository holds every blob and
    /// manifest it references (nothing can unlink them in between).
    /// Stores a manifest, its references and its tag in one transaction (refused
    /// outcomes roll everything back).
    pub async fn put_manifest(&self, new: NewManifest<'_>) -> Result<PutManifestOutcome, Error> {
        let mut conn = self.write().await?;
        let mut tx = conn.begin().await.map_err(internal("begin put manifest"))?;
        let missing = match missing_references(&mut tx, new.repository_id, "blob", new.blob_references, new.now).await? {
            Some(blob) => Some(blob),
            None => missing_references(&mut tx, new.repository_id, "manifest", new.manifest_references, new.now).await?,
        };
        if let Some(missing) = missing {
            return Err(Error::ManifestBlobUnknown(format!("{missing} is not in this repository")));
        }
        if new.has_quota
            && let Some(over) = over_quota(&mut tx, new.registry_id, new.blob_references).await?
        {
            return Ok(over);
        }
        let inserted = sqlx::query(
            "INSERT INTO manifests (repository_id, digest, media_type, artifact_type, size, content, subject_digest,
                                    config_digest, annotations, pushed_at, image_size, platform)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (repository_id, digest) DO NOTHING",
        )
        .bind(new.repository_id)
        .bind(new.digest)
        .bind(new.media_type)
        .bind(new.artifact_type)
        .bind(new.content.len() as i64)
        .bind(new.content.to_vec())
        .bind(new.subject_digest)
        .bind(new.config_digest)
        .bind(new.annotations)
        .bind(new.now)
        .bind(new.image_size)
        .bind(new.platform)
        .execute(&mut *tx)
        .await
        .map_err(internal("insert manifest"))?;
        if inserted.rows_affected() > 0 {
            let references: Vec<(&String, &str)> =
                new.blob_references.iter().map(|d| (d, "blob")).chain(new.manifest_references.iter().map(|d| (d, "manifest"))).collect();
            // One statement per 200 references instead of one per reference.
            for chunk in references.chunks(200) {
                let rows: Vec<String> = (0..chunk.len()).map(|i| format!("($1, $2, ${}, ${})", 2 * i + 3, 2 * i + 4)).collect();
                let sql = format!(
                    "INSERT INTO manifest_references (repository_id, manifest_digest, child_digest, kind) VALUES {} ON CONFLICT DO NOTHING",
                    rows.join(", ")
                );
                let mut query = sqlx::query(&sql).bind(new.repository_id).bind(new.digest);
                for (child, kind) in chunk {
                    query = query.bind(*child).bind(*kind);
                }
                query.execute(&mut *tx).await.map_err(internal("insert manifest references"))?;
            }
        }
        if let Some(tag) = new.tag {
            // An immutable tag may only be created or "moved" to what it already names.
            let moved = sqlx::query(
                "INSERT INTO tags (repository_id, name, manifest_digest, pushed_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (repository_id, name) DO UPDATE SET manifest_digest = $3, pushed_at = $4
                 WHERE tags.manifest_digest = $3
                    OR (SELECT COALESCE(repo.immutable_tags, reg.immutable_tags_default)
                        FROM repositories repo JOIN registries reg ON reg.id = repo.registry_id WHERE repo.id = $1) = 0",
            )
            .bind(new.repository_id)
            .bind(tag)
            .bind(new.digest)
            .bind(new.now)
            .execute(&mut *tx)
            .await
            .map_err(internal("upsert tag"))?;
            if moved.rows_affected() == 0 {
                return Ok(PutManifestOutcome::TagImmutable);
            }
        }
        if new.touch_repository {
            sqlx::query("UPDATE repositories SET last_push_at = $1 WHERE id = $2")
                .bind(new.now)
                .bind(new.repository_id)
                .execute(&mut *tx)
                .await
                .map_err(internal("touch repository"))?;
        }
        tx.commit().await.map_err(internal("commit put manifest"))?;
        Ok(PutManifestOutcome::Stored)
    }

    pub async fn find_manifest(&self, repository_id: i64, digest: &str) -> Result<Option<ManifestRecord>, Error> {
        sqlx::query(&format!("SELECT {MANIFEST_COLUMNS} FROM manifests WHERE repository_id = $1 AND digest = $2"))
            .bind(repository_id)
            .bind(digest)
            .fetch_optional(&mut *self.read().await?)
            .await
            .and_then(|row| row.as_ref().map(manifest).transpose())
            .map_err(internal("find manifest"))
    }

    /// Deletes a manifest and every tag pointing at it; false if there was none.
    pub async fn delete_manifest(&self, repository_id: i64, digest: &str) -> Result<bool, Error> {
        let mut conn = self.write().await?;
        let mut tx = conn.begin().await.map_err(internal("begin delete manifest"))?;
        sqlx::query("DELETE FROM tags WHERE repository_id = $1 AND manifest_digest = $2")
            .bind(repository_id)
            .bind(digest)
            .execute(&mut *tx)
            .await
            .map_err(internal("delete tags of manifest"))?;
        let deleted = sqlx::query("DELETE FROM manifests WHERE repository_id = $1 AND digest = $2")
            .bind(repository_id)
            .bind(digest)
            .execute(&mut *tx)
            .await
            .map_err(internal("delete manifest"))?;
        tx.commit().await.map_err(internal("commit delete manifest"))?;
        Ok(deleted.rows_affected() > 0)
    }

    /// Descriptors of the manifests in the repository whose `subject` is `digest`
    /// (without their bytes).
    pub async fn list_referrers(&self, repository_id: i64, digest: &str) -> Result<Vec<ReferrerRecord>, Error> {
        // Sorted here: asked to sort, SQLite walks the whole repository in digest
        // order instead of using the subject index.
        let mut referrers: Vec<ReferrerRecord> = sqlx::query_as(
            "SELECT digest, media_type, artifact_type, size, annotations FROM manifests
             WHERE repository_id = $1 AND subject_digest = $2",
        )
        .bind(repository_id)
        .bind(digest)
        .fetch_all(&mut *self.read().await?)
        .await
        .map_err(internal("list referrers"))?;
        referrers.sort_by(|a, b| a.digest.cmp(&b.digest));
        Ok(referrers)
    }
}

/// Inside a push's transaction: whether the blobs it references that the registry
/// does not store yet would take it past its quota. The no-op update takes the
/// registry's row lock first (PostgreSQL), so concurrent pushes to one registry
/// decide one after the other; SQLite has one writer anyway.
pub(super) async fn over_quota(conn: &mut AnyConnection, registry_id: i64, blobs: &[String]) -> Result<Option<PutManifestOutcome>, Error> {
    let quota: Option<i64> = sqlx::query_scalar("UPDATE registries SET quota_bytes = quota_bytes WHERE id = $1 RETURNING quota_bytes")
        .bind(registry_id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(internal("lock registry for quota"))?
        .flatten();
    let Some(quota) = quota else { return Ok(None) };
    const STORED: &str = "SELECT mr.child_digest FROM manifest_references mr JOIN repositories r ON r.id = mr.repository_id
                          WHERE r.registry_id = $1 AND mr.kind = 'blob'";
    let used: i64 = sqlx::query_scalar(&format!("SELECT COALESCE(SUM(b.size), 0) FROM blobs b WHERE b.digest IN ({STORED})"))
        .bind(registry_id)
        .fetch_one(&mut *conn)
        .await
        .map_err(internal("registry usage for quota"))?;
    let distinct: Vec<&String> = blobs.iter().collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    let mut adding = 0i64;
    for chunk in distinct.chunks(500) {
        let list = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect::<Vec<_>>().join(", ");
        let sql = format!("SELECT COALESCE(SUM(b.size), 0) FROM blobs b WHERE b.digest IN ({list}) AND b.digest NOT IN ({STORED})");
        let mut query = sqlx::query_scalar::<_, i64>(&sql).bind(registry_id);
        for digest in chunk {
            query = query.bind(*digest);
        }
        adding += query.fetch_one(&mut *conn).await.map_err(internal("new bytes for quota"))?;
    }
    Ok((adding > 0 && used + adding > quota).then_some(PutManifestOutcome::OverQuota { used, adding, quota }))
}

/// The first of `digests` the repository does not hold. Blob links found are renewed
/// to `now` in the same statement: inside the push's transaction that keeps garbage
/// collection from unlinking them before the manifest's references are stored.
pub(super) async fn missing_references(
    conn: &mut AnyConnection,
    repository_id: i64,
    kind: &str,
    digests: &[String],
    now: i64,
) -> Result<Option<String>, Error> {
    let mut held = HashSet::new();
    for chunk in digests.chunks(500) {
        let list = |first: usize| (0..chunk.len()).map(|i| format!("${}", i + first)).collect::<Vec<_>>().join(", ");
        // Blob links found are renewed (`$2`); manifests are only looked up.
        let sql = match kind {
            "blob" => {
                format!("UPDATE repository_blobs SET linked_at = $2 WHERE repository_id = $1 AND digest IN ({}) RETURNING digest", list(3))
            }
            _ => format!("SELECT digest FROM manifests WHERE repository_id = $1 AND digest IN ({})", list(2)),
        };
        let mut query = sqlx::query(&sql).bind(repository_id);
        if kind == "blob" {
            query = query.bind(now);
        }
        for digest in chunk {
            query = query.bind(digest);
        }
        for row in query.fetch_all(&mut *conn).await.map_err(internal("find referenced content"))? {
            held.insert(row.try_get::<String, _>("digest").map_err(internal("decode referenced content"))?);
        }
    }
    Ok(digests.iter().find(|d| !held.contains(*d)).cloned())
}

/// Everything a manifest request needs, from one query: the registry's access facts,
/// the repository and the manifest (by tag or digest).
pub struct ManifestLookup {
    pub registry_id: i64,
    pub public: bool,
    pub role: Option<app::domain::model::Role>,
    pub repository_id: Option<i64>,
    pub manifest: Option<ManifestRecord>,
    /// Whether the caller's credential still stands (`credentials::credential_live_column`).
    pub credential_live: bool,
}

impl Db {
    /// `tag` or `digest` names the manifest. `with_content: false` leaves the bytes
    /// out (for HEAD).
    pub async fn lookup_manifest(
        &self,
        registry: &str,
        repository: &str,
        credential: super::credentials::CredentialRef,
        tag: Option<&str>,
        digest: Option<&str>,
        with_content: bool,
    ) -> Result<Option<ManifestLookup>, Error> {
        let content = if with_content { "m.content" } else { "NULL" };
        let row = sqlx::query(&format!(
            "SELECT {live}, r.id AS registry_id, r.visibility,
                    (SELECT wm.role FROM workspace_members wm WHERE wm.workspace_id = r.workspace_id AND wm.user_id = $3) AS role,
                    repo.id AS repository_id,
                    m.digest, m.media_type, m.artifact_type, m.size, {content} AS content, m.subject_digest,
                    m.config_digest, m.annotations, m.pushed_at
             FROM registries r
             LEFT JOIN repositories repo ON repo.registry_id = r.id AND repo.name = $2
             LEFT JOIN manifests m ON m.repository_id = repo.id AND m.digest = COALESCE(
                 (SELECT t.manifest_digest FROM tags t WHERE t.repository_id = repo.id AND t.name = $4), $5)
             WHERE r.name = $1",
            live = super::credentials::credential_live_column(3, 6, 7)
        ))
        .bind(registry)
        .bind(repository)
        .bind(credential.user_id)
        .bind(tag.unwrap_or(""))
        .bind(digest.unwrap_or(""))
        .bind(credential.robot_id)
        .bind(super::now_ms())
        .fetch_optional(&mut *self.read().await?)
        .await
        .map_err(internal("lookup manifest"))?;
        let Some(row) = row else { return Ok(None) };
        let decode = || -> Result<ManifestLookup, sqlx::Error> {
            let role: Option<String> = row.try_get("role")?;
            let digest: Option<String> = row.try_get("digest")?;
            let manifest = match digest {
                None => None,
                Some(digest) => Some(ManifestRecord {
                    digest,
                    media_type: row.try_get("media_type")?,
                    artifact_type: row.try_get("artifact_type")?,
                    size: row.try_get("size")?,
                    content: row.try_get::<Option<Vec<u8>>, _>("content")?.unwrap_or_default(),
                    subject_digest: row.try_get("subject_digest")?,
                    config_digest: row.try_get("config_digest")?,
                    annotations: row.try_get("annotations")?,
                    pushed_at: row.try_get("pushed_at")?,
                }),
            };
            Ok(ManifestLookup {
                registry_id: row.try_get("registry_id")?,
                public: row.try_get::<String, _>("visibility")? == "public",
                role: role.as_deref().and_then(|r| app::domain::model::Role::parse(r).ok()),
                repository_id: row.try_get("repository_id")?,
                manifest,
                credential_live: row.try_get::<i64, _>("credential_live")? > 0,
            })
        };
        decode().map(Some).map_err(internal("decode manifest lookup"))
    }
}
