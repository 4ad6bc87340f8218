//! Repositories, blobs and their links, manifests, manifest references and tags: the
//! metadata of the distribution engine.

use super::transaction::Tx;
use super::{Db, internal};
use app::domain::Error;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Connection, Row};
use std::collections::HashSet;

#[derive(Debug, Clone)]
pub struct RepositoryRecord {
    pub id: i64,
    pub registry_id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_push_at: Option<i64>,
    pub pulls: i64,
    pub last_pulled_at: Option<i64>,
}

fn repository(row: &AnyRow) -> Result<RepositoryRecord, sqlx::Error> {
    Ok(RepositoryRecord {
        id: row.try_get("id")?,
        registry_id: row.try_get("registry_id")?,
        name: row.try_get("name")?,
        created_at: row.try_get("created_at")?,
        last_push_at: row.try_get("last_push_at")?,
        pulls: row.try_get("pulls")?,
        last_pulled_at: row.try_get("last_pulled_at")?,
    })
}

const REPOSITORY_COLUMNS: &str = "id, registry_id, name, created_at, last_push_at, pulls, last_pulled_at";

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

fn manifest(row: &AnyRow) -> Result<ManifestRecord, sqlx::Error> {
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

const MANIFEST_COLUMNS: &str = "digest, media_type, artifact_type, size, content, subject_digest, config_digest, annotations, pushed_at";

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
    pub async fn find_repository(&self, registry_id: i64, name: &str) -> Result<Option<RepositoryRecord>, Error> {
        sqlx::query(&format!("SELECT {REPOSITORY_COLUMNS} FROM repositories WHERE registry_id = $1 AND name = $2"))
            .bind(registry_id)
            .bind(name)
            .fetch_optional(&mut *self.read().await?)
            .await
            .and_then(|row| row.as_ref().map(repository).transpose())
            .map_err(internal("find repository"))
    }

    /// The repository, created on first use (the first push to a name).
    pub async fn ensure_repository(&self, registry_id: i64, name: &str, now: i64) -> Result<RepositoryRecord, Error> {
        sqlx::query(
            "INSERT INTO repositories (id, registry_id, name, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (registry_id, name) DO NOTHING",
        )
        .bind(super::new_id())
        .bind(registry_id)
        .bind(name)
        .bind(now)
        .execute(&mut *self.write().await?)
        .await
        .map_err(internal("create repository"))?;
        self.find_repository(registry_id, name).await?.ok_or(Error::Internal)
    }

    /// The size of a stored blob, wherever it is linked.
    pub async fn blob_size(&self, digest: &str) -> Result<Option<i64>, Error> {
        let row = sqlx::query("SELECT size FROM blobs WHERE digest = $1")
            .bind(digest)
            .fetch_optional(&mut *self.read().await?)
            .await
            .map_err(internal("find blob"))?;
        row.map(|r| r.try_get::<i64, _>("size")).transpose().map_err(internal("decode blob size"))
    }

    /// Whether any repository of the registry holds the blob (for mounts without `from`).
    pub async fn registry_has_blob(&self, registry_id: i64, digest: &str) -> Result<bool, Error> {
        sqlx::query(
            "SELECT 1 AS found FROM repository_blobs rb JOIN repositories r ON r.id = rb.repository_id
             WHERE r.registry_id = $1 AND rb.digest = $2 LIMIT 1",
        )
        .bind(registry_id)
        .bind(digest)
        .fetch_optional(&mut *self.read().await?)
        .await
        .map(|row| row.is_some())
        .map_err(internal("find blob in registry"))
    }

    /// Records (or re-touches) a verified blob *before* its bytes are put in place,
    /// so garbage collection, which skips recently touched blobs, cannot remove it
    /// while the push is finishing.
    pub async fn touch_blob(&self, digest: &str, size: i64, now: i64) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO blobs (digest, size, created_at, touched_at) VALUES ($1, $2, $3, $3)
             ON CONFLICT (digest) DO UPDATE SET touched_at = $3",
        )
        .bind(digest)
        .bind(size)
        .bind(now)
        .execute(&mut *self.write().await?)
        .await
        .map(|_| ())
        .map_err(internal("touch blob"))
    }

    /// Re-touches an existing blob (for a mount); false if it is not stored.
    pub async fn retouch_blob(&self, digest: &str, now: i64) -> Result<bool, Error> {
        sqlx::query("UPDATE blobs SET touched_at = $1 WHERE digest = $2")
            .bind(now)
            .bind(digest)
            .execute(&mut *self.write().await?)
            .await
            .map(|r| r.rows_affected() > 0)
            .map_err(internal("retouch blob"))
    }

    /// Blobs no repository links and no manifest references, untouched since `before`.
    /// Blobs no manifest references and no repository has linked since `before`
    /// (a link older than that, with no manifest using the blob, protects nothing:
    /// `unlink_unreferenced_blobs` removes it).
    pub async fn unreferenced_blobs(&self, before: i64, limit: i64) -> Result<Vec<(String, i64)>, Error> {
        sqlx::query(
            "SELECT b.digest, b.size FROM blobs b
             WHERE b.touched_at < $1
               AND NOT EXISTS (SELECT 1 FROM repository_blobs rb WHERE rb.digest = b.digest AND rb.linked_at >= $1)
               AND NOT EXISTS (SELECT 1 FROM manifest_references mr WHERE mr.child_digest = b.digest)
             LIMIT $2",
        )
        .bind(before)
        .bind(limit)
        .fetch_all(&mut *self.read().await?)
        .await
        .and_then(|rows| rows.iter().map(|r| Ok((r.try_get("digest")?, r.try_get("size")?))).collect())
        .map_err(internal("find unreferenced blobs"))
    }

    /// Removes the links (repository → blob) made before `before` that no manifest
    /// of that repository uses: what a deleted image or an abandoned push left. A
    /// manifest push renews the links it uses in its own transaction, so a link
    /// it depends on is never removed under it.
    pub async fn unlink_unreferenced_blobs(&self, before: i64) -> Result<u64, Error> {
        sqlx::query(
            "DELETE FROM repository_blobs
             WHERE linked_at < $1
               AND NOT EXISTS (SELECT 1 FROM manifest_references mr
                               WHERE mr.repository_id = repository_blobs.repository_id
                                 AND mr.child_digest = repository_blobs.digest)",
        )
        .bind(before)
        .execute(&mut *self.write().await?)
        .await
        .map(|r| r.rows_affected())
        .map_err(internal("unlink unreferenced blobs"))
    }

    /// Forgets a blob if it is still unreferenced and untouched; true if it did.
    pub async fn forget_blob(&self, digest: &str, before: i64) -> Result<bool, Error> {
        sqlx::query(
            "DELETE FROM blobs WHERE digest = $1 AND touched_at < $2
               AND NOT EXISTS (SELECT 1 FROM repository_blobs rb WHERE rb.digest = $1)
               AND NOT EXISTS (SELECT 1 FROM manifest_references mr WHERE mr.child_digest = $1)",
        )
        .bind(digest)
        .bind(before)
        .execute(&mut *self.write().await?)
        .await
        .map(|r| r.rows_affected() > 0)
        .map_err(internal("forget blob"))
    }

    pub async fn blob_known(&self, digest: &str) -> Result<bool, Error> {
        Ok(self.blob_size(digest).await?.is_some())
    }

    /// The bytes of the distinct blobs the registry's repositories link (used by its
    /// images or not), and whether `digest` is among them.
    pub async fn registry_held_bytes(&self, registry_id: i64, digest: &str) -> Result<(i64, bool), Error> {
        const LINKED: &str = "SELECT rb.digest FROM repository_blobs rb JOIN repositories rp ON rp.id = rb.repository_id
                              WHERE rp.registry_id = $1";
        let row = sqlx::query(&format!(
            "SELECT (SELECT COALESCE(SUM(b.size), 0) FROM blobs b WHERE b.digest IN ({LINKED})) AS held,
                    (SELECT COUNT(*) FROM ({LINKED} AND rb.digest = $2) linked) AS already"
        ))
        .bind(registry_id)
        .bind(digest)
        .fetch_one(&mut *self.read().await?)
        .await
        .map_err(internal("registry held bytes"))?;
        let held: i64 = row.try_get("held").map_err(internal("decode held bytes"))?;
        let already: i64 = row.try_get("already").map_err(internal("decode held bytes"))?;
        Ok((held, already > 0))
    }

    /// Links (or links again) a blob to a repository; a link made within the grace
    /// period keeps garbage collection off the blob until a manifest uses it.
    pub async fn link_blob(&self, repository_id: i64, digest: &str, now: i64) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO repository_blobs (repository_id, digest, linked_at) VALUES ($1, $2, $3)
             ON CONFLICT (repository_id, digest) DO UPDATE SET linked_at = $3",
        )
        .bind(repository_id)
        .bind(digest)
        .bind(now)
        .execute(&mut *self.write().await?)
        .await
        .map(|_| ())
        .map_err(internal("link blob"))
    }

    /// Removes the blob from a repository; false if it was not linked there.
    pub async fn unlink_blob(&self, repository_id: i64, digest: &str) -> Result<bool, Error> {
        sqlx::query("DELETE FROM repository_blobs WHERE repository_id = $1 AND digest = $2")
            .bind(repository_id)
            .bind(digest)
            .execute(&mut *self.write().await?)
            .await
            .map(|r| r.rows_affected() > 0)
            .map_err(internal("unlink blob"))
    }

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

    pub async fn resolve_tag(&self, repository_id: i64, tag: &str) -> Result<Option<String>, Error> {
        let row = sqlx::query("SELECT manifest_digest FROM tags WHERE repository_id = $1 AND name = $2")
            .bind(repository_id)
            .bind(tag)
            .fetch_optional(&mut *self.read().await?)
            .await
            .map_err(internal("resolve tag"))?;
        row.map(|r| r.try_get::<String, _>("manifest_digest")).transpose().map_err(internal("decode tag"))
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

    pub async fn delete_tag(&self, repository_id: i64, tag: &str) -> Result<bool, Error> {
        sqlx::query("DELETE FROM tags WHERE repository_id = $1 AND name = $2")
            .bind(repository_id)
            .bind(tag)
            .execute(&mut *self.write().await?)
            .await
            .map(|r| r.rows_affected() > 0)
            .map_err(internal("delete tag"))
    }

    /// Tag names in byte order, after `last`, at most `limit`. The names come back
    /// joined in one row (tags cannot contain a newline): one row instead of one per
    /// tag through the driver's worker thread makes long listings several times cheaper.
    pub async fn list_tags(&self, repository_id: i64, last: Option<&str>, limit: i64) -> Result<Vec<String>, Error> {
        let sql = format!(
            "SELECT {} AS names FROM (SELECT name FROM tags WHERE repository_id = $1 AND name > $2 ORDER BY name LIMIT $3) page",
            super::joined_lines("name", "name")
        );
        let joined: Option<String> = sqlx::query(&sql)
            .bind(repository_id)
            .bind(last.unwrap_or(""))
            .bind(limit)
            .fetch_one(&mut *self.read().await?)
            .await
            .and_then(|row| row.try_get("names"))
            .map_err(internal("list tags"))?;
        let mut names: Vec<String> = joined.as_deref().unwrap_or("").lines().map(str::to_string).collect();
        names.sort_unstable(); // byte order, whatever order the aggregate kept
        Ok(names)
    }

    pub async fn count_tags(&self, repository_id: i64) -> Result<i64, Error> {
        sqlx::query("SELECT COUNT(*) AS n FROM tags WHERE repository_id = $1")
            .bind(repository_id)
            .fetch_one(&mut *self.read().await?)
            .await
            .and_then(|row| row.try_get("n"))
            .map_err(internal("count tags"))
    }

    /// Manifests in the repository whose `subject` is `digest`.
    pub async fn list_referrers(&self, repository_id: i64, digest: &str) -> Result<Vec<ManifestRecord>, Error> {
        sqlx::query(&format!("SELECT {MANIFEST_COLUMNS} FROM manifests WHERE repository_id = $1 AND subject_digest = $2 ORDER BY digest"))
            .bind(repository_id)
            .bind(digest)
            .fetch_all(&mut *self.read().await?)
            .await
            .and_then(|rows| rows.iter().map(manifest).collect())
            .map_err(internal("list referrers"))
    }

    /// `registry/repository` names in byte order after `last`, from the given
    /// registries (`None` = every registry), at most `limit`.
    pub async fn catalog(&self, registry_ids: Option<&[i64]>, last: Option<&str>, limit: i64) -> Result<Vec<String>, Error> {
        let rows = sqlx::query(
            "SELECT g.name || '/' || r.name AS full_name, g.id AS registry_id
             FROM repositories r JOIN registries g ON g.id = r.registry_id
             WHERE g.name || '/' || r.name > $1
             ORDER BY full_name",
        )
        .bind(last.unwrap_or(""))
        .fetch_all(&mut *self.read().await?)
        .await
        .map_err(internal("catalog"))?;
        let mut names = Vec::new();
        for row in rows {
            let registry_id: i64 = row.try_get("registry_id").map_err(internal("decode catalog"))?;
            if registry_ids.is_none_or(|ids| ids.contains(&registry_id)) {
                names.push(row.try_get::<String, _>("full_name").map_err(internal("decode catalog"))?);
                if names.len() as i64 >= limit {
                    break;
                }
            }
        }
        Ok(names)
    }

    pub async fn add_pulls(&self, repository_id: i64, tag: Option<&str>, count: i64, at: i64) -> Result<(), Error> {
        sqlx::query("UPDATE repositories SET pulls = pulls + $1, last_pulled_at = $2 WHERE id = $3")
            .bind(count)
            .bind(at)
            .bind(repository_id)
            .execute(&mut *self.write().await?)
            .await
            .map_err(internal("count repository pulls"))?;
        if let Some(tag) = tag {
            sqlx::query("UPDATE tags SET pulls = pulls + $1, last_pulled_at = $2 WHERE repository_id = $3 AND name = $4")
                .bind(count)
                .bind(at)
                .bind(repository_id)
                .bind(tag)
                .execute(&mut *self.write().await?)
                .await
                .map_err(internal("count tag pulls"))?;
        }
        Ok(())
    }
}

/// The first of `digests` (blobs or manifests, by `kind`) the repository does not hold.
/// Inside a push's transaction: whether the blobs it references that the registry
/// does not store yet would take it past its quota. The no-op update takes the
/// registry's row lock first (PostgreSQL), so concurrent pushes to one registry
/// decide one after the other; SQLite has one writer anyway.
async fn over_quota(conn: &mut AnyConnection, registry_id: i64, blobs: &[String]) -> Result<Option<PutManifestOutcome>, Error> {
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
async fn missing_references(
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

/// Tags with their images' sizes and platforms (`TagRecord`); callers add the
/// conditions and the order.
const TAG_RECORDS: &str = "SELECT t.name, t.manifest_digest, t.pushed_at, t.pulls, t.last_pulled_at,
                                  COALESCE(m.image_size, 0) AS image_size, m.platform
                           FROM tags t LEFT JOIN manifests m ON m.repository_id = t.repository_id AND m.digest = t.manifest_digest";

fn tag_records(rows: &[AnyRow]) -> Result<Vec<TagRecord>, Error> {
    rows.iter()
        .map(|row| {
            Ok(TagRecord {
                name: row.try_get("name")?,
                digest: row.try_get("manifest_digest")?,
                pushed_at: row.try_get("pushed_at")?,
                pulls: row.try_get("pulls")?,
                last_pulled_at: row.try_get("last_pulled_at")?,
                size_bytes: row.try_get("image_size")?,
                platform: row.try_get("platform")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(internal("decode tag records"))
}

/// A repository with the numbers the console and the API list.
#[derive(Debug, Clone)]
pub struct RepositoryUsage {
    pub repository: RepositoryRecord,
    pub tags: i64,
    pub size_bytes: i64,
}

/// A tag with what it points at.
#[derive(Debug, Clone)]
pub struct TagRecord {
    pub name: String,
    pub digest: String,
    pub pushed_at: i64,
    pub pulls: i64,
    pub last_pulled_at: Option<i64>,
    pub size_bytes: i64,
    pub platform: Option<String>,
}

/// Blob bytes a set of manifests needs, each blob counted once: the blobs of the
/// manifests themselves and of the manifests an index lists.
const BLOBS_OF_MANIFESTS: &str = "
    SELECT DISTINCT mr.child_digest AS digest FROM manifest_references mr
     WHERE mr.repository_id = $1 AND mr.kind = 'blob' AND mr.manifest_digest IN (SELECT d FROM wanted)
    UNION
    SELECT DISTINCT c.child_digest FROM manifest_references i
      JOIN manifest_references c ON c.repository_id = i.repository_id AND c.manifest_digest = i.child_digest AND c.kind = 'blob'
     WHERE i.repository_id = $1 AND i.kind = 'manifest' AND i.manifest_digest IN (SELECT d FROM wanted)";

impl Db {
    /// Every repository of the registry with its tag count and size: one statement,
    /// however many repositories there are.
    pub async fn list_repositories(&self, registry_id: i64) -> Result<Vec<RepositoryUsage>, Error> {
        let columns = REPOSITORY_COLUMNS.split(',').map(|c| format!("rp.{}", c.trim())).collect::<Vec<_>>().join(", ");
        let rows = sqlx::query(&format!(
            "SELECT {columns},
                    (SELECT COUNT(*) FROM tags t WHERE t.repository_id = rp.id) AS tag_count,
                    (SELECT COALESCE(SUM(b.size), 0) FROM blobs b WHERE b.digest IN (
                        SELECT mr.child_digest FROM manifest_references mr
                        WHERE mr.repository_id = rp.id AND mr.kind = 'blob')) AS size_bytes
             FROM repositories rp WHERE rp.registry_id = $1 ORDER BY rp.name"
        ))
        .bind(registry_id)
        .fetch_all(&mut *self.read().await?)
        .await
        .map_err(internal("list repositories"))?;
        rows.iter()
            .map(|row| {
                Ok(RepositoryUsage {
                    repository: repository(row)?,
                    tags: row.try_get("tag_count")?,
                    size_bytes: row.try_get("size_bytes")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(internal("decode repositories"))
    }

    /// Bytes of the distinct blobs the repository's manifests reference.
    pub async fn repository_size(&self, repository_id: i64) -> Result<i64, Error> {
        sqlx::query(
            "SELECT COALESCE(SUM(b.size), 0) AS total FROM blobs b WHERE b.digest IN (
                SELECT child_digest FROM manifest_references WHERE repository_id = $1 AND kind = 'blob')",
        )
        .bind(repository_id)
        .fetch_one(&mut *self.read().await?)
        .await
        .and_then(|r| r.try_get::<i64, _>("total"))
        .map_err(internal("repository size"))
    }

    /// (repositories, tags, distinct blob bytes, last push) of a registry.
    pub async fn registry_usage(&self, registry_id: i64) -> Result<(i64, i64, i64, Option<i64>), Error> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM repositories WHERE registry_id = $1) AS repositories,
                    (SELECT COUNT(*) FROM tags t JOIN repositories r ON r.id = t.repository_id WHERE r.registry_id = $1) AS tags,
                    (SELECT COALESCE(SUM(b.size), 0) FROM blobs b WHERE b.digest IN (
                        SELECT mr.child_digest FROM manifest_references mr JOIN repositories r ON r.id = mr.repository_id
                         WHERE r.registry_id = $1 AND mr.kind = 'blob')) AS size_bytes,
                    (SELECT MAX(last_push_at) FROM repositories WHERE registry_id = $1) AS last_push_at",
        )
        .bind(registry_id)
        .fetch_one(&mut *self.read().await?)
        .await
        .map_err(internal("registry usage"))?;
        let get = |name| row.try_get::<i64, _>(name);
        Ok((
            get("repositories").map_err(internal("decode usage"))?,
            get("tags").map_err(internal("decode usage"))?,
            get("size_bytes").map_err(internal("decode usage"))?,
            row.try_get::<Option<i64>, _>("last_push_at").map_err(internal("decode usage"))?,
        ))
    }

    /// Every tag with its image's size and platform, in one query.
    pub async fn list_tag_records(&self, repository_id: i64) -> Result<Vec<TagRecord>, Error> {
        let rows = sqlx::query(&format!("{TAG_RECORDS} WHERE t.repository_id = $1 ORDER BY t.name"))
            .bind(repository_id)
            .fetch_all(&mut *self.read().await?)
            .await
            .map_err(internal("list tag records"))?;
        tag_records(&rows)
    }

    /// Up to `limit` tags after (or, with `backwards`, before) the keyset position
    /// `(value, name)` in `sort` order, with their images' sizes and platforms;
    /// `None` starts at the beginning. Backward pages come back in reverse order.
    pub async fn list_tag_page(
        &self,
        repository_id: i64,
        sort: app::dto::TagSort,
        from: Option<(i64, &str)>,
        backwards: bool,
        limit: i64,
    ) -> Result<Vec<TagRecord>, Error> {
        use app::dto::TagSort;
        let key = match sort {
            TagSort::Name => None,
            TagSort::Pushed => Some("t.pushed_at"),
            TagSort::Size => Some("COALESCE(m.image_size, 0)"),
            TagSort::Pulls => Some("t.pulls"),
        };
        // Forward is `key DESC, name ASC` (`name ASC` alone by name); backward flips both.
        let (before, after, down, up) = if backwards { (">", "<", "ASC", "DESC") } else { ("<", ">", "DESC", "ASC") };
        let order = match key {
            None => format!("t.name {up}"),
            Some(key) => format!("{key} {down}, t.name {up}"),
        };
        let (condition, limit_at) = match (key, from) {
            (_, None) => ("1 = 1".to_string(), "$2"),
            (None, Some(_)) => (format!("t.name {after} $2"), "$3"),
            (Some(key), Some(_)) => (format!("({key} {before} $2 OR ({key} = $2 AND t.name {after} $3))"), "$4"),
        };
        let sql = format!("{TAG_RECORDS} WHERE t.repository_id = $1 AND ({condition}) ORDER BY {order} LIMIT {limit_at}");
        let mut query = sqlx::query(&sql).bind(repository_id);
        match (key, from) {
            (_, None) => {}
            (None, Some((_, name))) => query = query.bind(name),
            (Some(_), Some((value, name))) => query = query.bind(value).bind(name),
        }
        let rows = query.bind(limit).fetch_all(&mut *self.read().await?).await.map_err(internal("list tag page"))?;
        tag_records(&rows)
    }

    /// How many tags the repository has, and the most recently pushed one.
    pub async fn tag_count_and_newest(&self, repository_id: i64) -> Result<(i64, Option<String>), Error> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM tags WHERE repository_id = $1) AS total,
                    (SELECT name FROM tags WHERE repository_id = $1 ORDER BY pushed_at DESC, name LIMIT 1) AS newest",
        )
        .bind(repository_id)
        .fetch_one(&mut *self.read().await?)
        .await
        .map_err(internal("count tags"))?;
        Ok((row.try_get("total").map_err(internal("decode tag count"))?, row.try_get("newest").map_err(internal("decode tag count"))?))
    }

    /// The stored image size of a manifest (0 when unknown).
    pub async fn manifest_image_size(&self, repository_id: i64, digest: &str) -> Result<i64, Error> {
        let row = sqlx::query("SELECT COALESCE(image_size, 0) AS size FROM manifests WHERE repository_id = $1 AND digest = $2")
            .bind(repository_id)
            .bind(digest)
            .fetch_optional(&mut *self.read().await?)
            .await
            .map_err(internal("manifest image size"))?;
        row.map(|r| r.try_get::<i64, _>("size")).transpose().map(Option::unwrap_or_default).map_err(internal("decode size"))
    }

    /// Compressed bytes of an image: its distinct blobs (for an index, its
    /// platforms' blobs).
    pub async fn manifest_size(&self, repository_id: i64, digest: &str) -> Result<i64, Error> {
        sqlx::query(&format!(
            "WITH wanted(d) AS (SELECT $2)
             SELECT COALESCE(SUM(b.size), 0) AS total FROM blobs b WHERE b.digest IN ({BLOBS_OF_MANIFESTS})"
        ))
        .bind(repository_id)
        .bind(digest)
        .fetch_one(&mut *self.read().await?)
        .await
        .and_then(|r| r.try_get::<i64, _>("total"))
        .map_err(internal("manifest size"))
    }
}

impl Db {
    pub async fn find_tag(&self, repository_id: i64, name: &str) -> Result<Option<TagRecord>, Error> {
        let row =
            sqlx::query("SELECT name, manifest_digest, pushed_at, pulls, last_pulled_at FROM tags WHERE repository_id = $1 AND name = $2")
                .bind(repository_id)
                .bind(name)
                .fetch_optional(&mut *self.read().await?)
                .await
                .map_err(internal("find tag"))?;
        let Some(row) = row else { return Ok(None) };
        let digest: String = row.try_get("manifest_digest").map_err(internal("decode tag"))?;
        let size_bytes = self.manifest_size(repository_id, &digest).await?;
        Ok(Some(TagRecord {
            name: row.try_get("name").map_err(internal("decode tag"))?,
            digest,
            pushed_at: row.try_get("pushed_at").map_err(internal("decode tag"))?,
            pulls: row.try_get("pulls").map_err(internal("decode tag"))?,
            last_pulled_at: row.try_get("last_pulled_at").map_err(internal("decode tag"))?,
            size_bytes,
            platform: None,
        }))
    }
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

impl Db {
    /// Whether the repository's tags are immutable: its own setting, else its
    /// registry's default.
    pub async fn tags_immutable(&self, repository_id: i64) -> Result<bool, Error> {
        sqlx::query(
            "SELECT COALESCE(repo.immutable_tags, reg.immutable_tags_default) AS immutable
             FROM repositories repo JOIN registries reg ON reg.id = repo.registry_id WHERE repo.id = $1",
        )
        .bind(repository_id)
        .fetch_optional(&mut *self.read().await?)
        .await
        .map_err(internal("read immutability"))?
        .map(|row| row.try_get::<i64, _>("immutable").map(|v| v != 0))
        .transpose()
        .map(Option::unwrap_or_default)
        .map_err(internal("decode immutability"))
    }

    /// The repository's own immutability setting (`None`: follows the registry).
    /// Tags of the repository pointing at `digest`.
    pub async fn tags_of(&self, repository_id: i64, digest: &str) -> Result<Vec<String>, Error> {
        sqlx::query("SELECT name FROM tags WHERE repository_id = $1 AND manifest_digest = $2 ORDER BY name")
            .bind(repository_id)
            .bind(digest)
            .fetch_all(&mut *self.read().await?)
            .await
            .and_then(|rows| rows.iter().map(|r| r.try_get::<String, _>("name")).collect())
            .map_err(internal("tags of manifest"))
    }
}

impl Db {
    pub async fn repository_descriptions(&self, repository_id: i64) -> Result<(String, String), Error> {
        let row = sqlx::query("SELECT short_description, description FROM repositories WHERE id = $1")
            .bind(repository_id)
            .fetch_one(&mut *self.read().await?)
            .await
            .map_err(internal("read descriptions"))?;
        Ok((
            row.try_get("short_description").map_err(internal("decode descriptions"))?,
            row.try_get("description").map_err(internal("decode descriptions"))?,
        ))
    }
}

impl Tx<'_> {
    pub async fn set_repository_descriptions(&mut self, repository_id: i64, short: &str, full: &str) -> Result<(), Error> {
        sqlx::query("UPDATE repositories SET short_description = $1, description = $2 WHERE id = $3")
            .bind(short)
            .bind(full)
            .bind(repository_id)
            .execute(self.conn())
            .await
            .map(|_| ())
            .map_err(internal("set descriptions"))
    }

    /// `None` follows the registry's default.
    pub async fn set_repository_immutability(&mut self, repository_id: i64, immutable: Option<bool>) -> Result<(), Error> {
        sqlx::query("UPDATE repositories SET immutable_tags = $1 WHERE id = $2")
            .bind(immutable.map(i64::from))
            .bind(repository_id)
            .execute(self.conn())
            .await
            .map(|_| ())
            .map_err(internal("set immutability"))
    }
}

impl Tx<'_> {
    /// Deletes a repository with its manifests, tags and blob links.
    pub async fn delete_repository(&mut self, repository_id: i64) -> Result<(), Error> {
        sqlx::query("DELETE FROM repositories WHERE id = $1")
            .bind(repository_id)
            .execute(self.conn())
            .await
            .map(|_| ())
            .map_err(internal("delete repository"))
    }
}
