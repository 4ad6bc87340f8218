//! The `registries` table.

use super::credentials::{CredentialRef, credential_live_column};
use super::repositories::RepositoryRecord;
use super::transaction::Tx;
use super::uploads::UploadRecord;
use super::{Db, internal, is_unique_violation};
use app::domain::Error;
use app::domain::model::{Role, Visibility};
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone)]
pub struct RegistryRecord {
    pub id: i64,
    pub workspace_id: i64,
    pub workspace: String,
    pub name: String,
    pub visibility: Visibility,
    pub description: String,
    pub created_at: i64,
    /// Storage limit in bytes; `None` for no limit.
    pub quota_bytes: Option<i64>,
}

impl RegistryRecord {
    pub fn is_public(&self) -> bool {
        self.visibility == Visibility::Public
    }
}

/// What an access lookup can bring back in the same query, so the busiest `/v2/`
/// requests (blob HEAD, upload PATCH and PUT) make one database round trip, not two.
#[derive(Debug, Default, Clone, Copy)]
pub struct AlsoFetch<'a> {
    /// The size of this blob, if the repository links it.
    pub linked_blob: Option<&'a str>,
    /// This upload, if it was started for the repository.
    pub upload: Option<&'a str>,
}

/// One access lookup's answer. What `AlsoFetch` did not ask for is `None`.
#[derive(Debug)]
pub struct AccessRow {
    pub registry: RegistryRecord,
    pub role: Option<Role>,
    pub repository: Option<RepositoryRecord>,
    pub linked_blob_size: Option<i64>,
    pub upload: Option<UploadRecord>,
    /// Whether the caller's credential still stands (`credentials::credential_live_column`).
    pub credential_live: bool,
}

const SELECT: &str = "SELECT r.id, r.workspace_id, w.name AS workspace, r.name, r.visibility, r.description, r.created_at, r.quota_bytes
                      FROM registries r JOIN workspaces w ON w.id = r.workspace_id";

fn registry(row: &AnyRow) -> Result<RegistryRecord, sqlx::Error> {
    let visibility: String = row.try_get("visibility")?;
    Ok(RegistryRecord {
        id: row.try_get("id")?,
        workspace_id: row.try_get("workspace_id")?,
        workspace: row.try_get("workspace")?,
        name: row.try_get("name")?,
        visibility: Visibility::parse(&visibility).map_err(|_| sqlx::Error::Decode("unknown visibility".into()))?,
        description: row.try_get("description")?,
        created_at: row.try_get("created_at")?,
        quota_bytes: row.try_get("quota_bytes")?,
    })
}

pub struct NewRegistryRecord<'a> {
    pub id: i64,
    pub workspace_id: i64,
    pub name: &'a str,
    pub visibility: Visibility,
    pub description: &'a str,
    pub now: i64,
}

impl Db {
    pub async fn find_registry(&self, name: &str) -> Result<Option<RegistryRecord>, Error> {
        sqlx::query(&format!("{SELECT} WHERE r.name = $1"))
            .bind(name)
            .fetch_optional(&mut *self.read().await?)
            .await
            .and_then(|row| row.as_ref().map(registry).transpose())
            .map_err(internal("find registry"))
    }

    /// The registry, the role `user_id` (-1 for none) holds in its workspace and, when
    /// `repository` is given, that repository if it exists — in one query: every
    /// registry request starts with these facts.
    /// The registry, the user's role in its workspace and (when named) one of its
    /// repositories, with whatever `also` asks for, in one query.
    pub async fn find_registry_access(
        &self,
        name: &str,
        credential: CredentialRef,
        repository: Option<&str>,
        also: AlsoFetch<'_>,
    ) -> Result<Option<AccessRow>, Error> {
        let row = sqlx::query(&format!(
            "SELECT {}, r.id, r.workspace_id, w.name AS workspace, r.name, r.visibility, r.description, r.created_at, r.quota_bytes,
                    (SELECT m.role FROM workspace_members m WHERE m.workspace_id = r.workspace_id AND m.user_id = $2) AS role,
                    repo.id AS repo_id, repo.name AS repo_name, repo.created_at AS repo_created_at,
                    repo.last_push_at AS repo_last_push_at, repo.pulls AS repo_pulls, repo.last_pulled_at AS repo_last_pulled_at,
                    (SELECT b.size FROM repository_blobs rb JOIN blobs b ON b.digest = rb.digest
                      WHERE rb.repository_id = repo.id AND rb.digest = $4) AS linked_blob_size,
                    u.id AS upload_id, u.size AS upload_size, u.started_at AS upload_started_at
             FROM registries r JOIN workspaces w ON w.id = r.workspace_id
             LEFT JOIN repositories repo ON repo.registry_id = r.id AND repo.name = $3
             LEFT JOIN uploads u ON u.id = $5 AND u.registry_id = r.id AND u.repository = $3
             WHERE r.name = $1",
            credential_live_column(2, 6, 7)
        ))
        .bind(name)
        .bind(credential.user_id)
        .bind(repository.unwrap_or(""))
        .bind(also.linked_blob.unwrap_or(""))
        .bind(also.upload.unwrap_or(""))
        .bind(credential.robot_id)
        .bind(super::now_ms())
        .fetch_optional(&mut *self.read().await?)
        .await
        .map_err(internal("find registry access"))?;
        let Some(row) = row else { return Ok(None) };
        let decode = || -> Result<(AccessRow, Option<String>), sqlx::Error> {
            let record = registry(&row)?;
            let repository = match row.try_get::<Option<i64>, _>("repo_id")? {
                None => None,
                Some(id) => Some(RepositoryRecord {
                    id,
                    registry_id: record.id,
                    name: row.try_get("repo_name")?,
                    created_at: row.try_get("repo_created_at")?,
                    last_push_at: row.try_get("repo_last_push_at")?,
                    pulls: row.try_get("repo_pulls")?,
                    last_pulled_at: row.try_get("repo_last_pulled_at")?,
                }),
            };
            let upload = match row.try_get::<Option<String>, _>("upload_id")? {
                None => None,
                Some(id) => Some(UploadRecord { id, size: row.try_get("upload_size")?, started_at: row.try_get("upload_started_at")? }),
            };
            let facts = AccessRow {
                registry: record,
                role: None,
                repository,
                linked_blob_size: row.try_get("linked_blob_size")?,
                upload,
                credential_live: row.try_get::<i64, _>("credential_live")? > 0,
            };
            Ok((facts, row.try_get("role")?))
        };
        let (mut facts, role) = decode().map_err(internal("decode registry access"))?;
        facts.role = role.map(|r| Role::parse(&r).map_err(|_| Error::Internal)).transpose()?;
        Ok(Some(facts))
    }

    pub async fn find_registry_by_id(&self, id: i64) -> Result<Option<RegistryRecord>, Error> {
        sqlx::query(&format!("{SELECT} WHERE r.id = $1"))
            .bind(id)
            .fetch_optional(&mut *self.read().await?)
            .await
            .and_then(|row| row.as_ref().map(registry).transpose())
            .map_err(internal("find registry by id"))
    }

    /// Every registry of the workspace with its usage (repositories, tags, distinct
    /// blob bytes, last push): one statement, however many registries there are.
    pub async fn list_registries(&self, workspace_id: i64) -> Result<Vec<(RegistryRecord, RegistryUsage)>, Error> {
        let rows = sqlx::query(&format!("{REGISTRIES_WITH_USAGE} ORDER BY r.name"))
            .bind(workspace_id)
            .fetch_all(&mut *self.read().await?)
            .await
            .map_err(internal("list registries"))?;
        decode_with_usage(&rows)
    }

    /// Up to `limit` of the workspace's registries whose names contain `filter`, after
    /// (or, with `backwards`, before) the keyset position `(value, name)` in `sort`
    /// order; `None` starts at the beginning. Backward pages come back reversed.
    pub async fn list_registry_page(
        &self,
        workspace_id: i64,
        sort: app::dto::RegistrySort,
        filter: &str,
        from: Option<(i64, &str)>,
        backwards: bool,
        limit: i64,
    ) -> Result<Vec<(RegistryRecord, RegistryUsage)>, Error> {
        use app::dto::RegistrySort;
        let key = match sort {
            RegistrySort::Name => None,
            RegistrySort::Created => Some("x.created_at"),
            RegistrySort::Size => Some("x.size_bytes"),
            RegistrySort::LastPush => Some("COALESCE(x.last_push_at, 0)"),
        };
        let (before, after, down, up) = if backwards { (">", "<", "ASC", "DESC") } else { ("<", ">", "DESC", "ASC") };
        let order = match key {
            None => format!("x.name {up}"),
            Some(key) => format!("{key} {down}, x.name {up}"),
        };
        let (condition, limit_at) = match (key, from) {
            (_, None) => ("1 = 1".to_string(), "$3"),
            (None, Some(_)) => (format!("x.name {after} $3"), "$4"),
            (Some(key), Some(_)) => (format!("({key} {before} $3 OR ({key} = $3 AND x.name {after} $4))"), "$5"),
        };
        let sql = format!(
            "SELECT * FROM ({REGISTRIES_WITH_USAGE} AND r.name LIKE $2 ESCAPE '\\') x WHERE {condition} ORDER BY {order} LIMIT {limit_at}"
        );
        let mut query = sqlx::query(&sql).bind(workspace_id).bind(like_pattern(filter));
        match (key, from) {
            (_, None) => {}
            (None, Some((_, name))) => query = query.bind(name),
            (Some(_), Some((value, name))) => query = query.bind(value).bind(name),
        }
        let rows = query.bind(limit).fetch_all(&mut *self.read().await?).await.map_err(internal("list registry page"))?;
        decode_with_usage(&rows)
    }

    /// (registries whose names contain `filter`, all registries) of the workspace.
    pub async fn count_registries_matching(&self, workspace_id: i64, filter: &str) -> Result<(i64, i64), Error> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM registries WHERE workspace_id = $1 AND name LIKE $2 ESCAPE '\\') AS matching,
                    (SELECT COUNT(*) FROM registries WHERE workspace_id = $1) AS total",
        )
        .bind(workspace_id)
        .bind(like_pattern(filter))
        .fetch_one(&mut *self.read().await?)
        .await
        .map_err(internal("count registries"))?;
        Ok((row.try_get("matching").map_err(internal("count registries"))?, row.try_get("total").map_err(internal("count registries"))?))
    }
}

/// A LIKE pattern matching names that contain `text` (its `%`, `_` and `\` literal).
pub(super) fn like_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

fn decode_with_usage(rows: &[AnyRow]) -> Result<Vec<(RegistryRecord, RegistryUsage)>, Error> {
    rows.iter()
        .map(|row| {
            let usage = RegistryUsage {
                repositories: row.try_get("repository_count")?,
                tags: row.try_get("tag_count")?,
                size_bytes: row.try_get("size_bytes")?,
                last_push_at: row.try_get("last_push_at")?,
            };
            Ok((registry(row)?, usage))
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(internal("decode registries"))
}

/// Registries with their usage (repositories, tags, distinct blob bytes, last push),
/// one row each, filtered by workspace (`$1`); callers add conditions and an order.
const REGISTRIES_WITH_USAGE: &str =
    "SELECT r.id, r.workspace_id, w.name AS workspace, r.name, r.visibility, r.description, r.created_at, r.quota_bytes,
            (SELECT COUNT(*) FROM repositories rp WHERE rp.registry_id = r.id) AS repository_count,
            (SELECT COUNT(*) FROM tags t JOIN repositories rp ON rp.id = t.repository_id WHERE rp.registry_id = r.id) AS tag_count,
            (SELECT COALESCE(SUM(b.size), 0) FROM blobs b WHERE b.digest IN (
                SELECT mr.child_digest FROM manifest_references mr JOIN repositories rp ON rp.id = mr.repository_id
                WHERE rp.registry_id = r.id AND mr.kind = 'blob')) AS size_bytes,
            (SELECT MAX(rp.last_push_at) FROM repositories rp WHERE rp.registry_id = r.id) AS last_push_at
     FROM registries r JOIN workspaces w ON w.id = r.workspace_id
     WHERE r.workspace_id = $1";

/// What a registry holds.
#[derive(Debug, Clone, Copy)]
pub struct RegistryUsage {
    pub repositories: i64,
    pub tags: i64,
    /// Distinct blobs its images reference, each counted once.
    pub size_bytes: i64,
    pub last_push_at: Option<i64>,
}

/// A registry's settings as a change leaves them (`None` keeps the tag default).
pub struct RegistrySettings<'a> {
    pub visibility: Visibility,
    pub description: &'a str,
    pub quota_bytes: Option<i64>,
    pub immutable_tags_default: Option<bool>,
}

impl Tx<'_> {
    /// Writes every setting in one statement.
    pub async fn update_registry(&mut self, id: i64, settings: RegistrySettings<'_>, now: i64) -> Result<(), Error> {
        sqlx::query(
            "UPDATE registries SET visibility = $1, description = $2, quota_bytes = $3,
                    immutable_tags_default = COALESCE($4, immutable_tags_default), updated_at = $5
             WHERE id = $6",
        )
        .bind(settings.visibility.as_str())
        .bind(settings.description)
        .bind(settings.quota_bytes)
        .bind(settings.immutable_tags_default.map(i64::from))
        .bind(now)
        .bind(id)
        .execute(self.conn())
        .await
        .map(|_| ())
        .map_err(internal("update registry"))
    }

    /// Deletes the registry and, by cascade, its repositories and robot credentials.
    pub async fn delete_registry(&mut self, id: i64) -> Result<(), Error> {
        sqlx::query("DELETE FROM registries WHERE id = $1")
            .bind(id)
            .execute(self.conn())
            .await
            .map(|_| ())
            .map_err(internal("delete registry"))
    }
}

impl Tx<'_> {
    pub async fn insert_registry(&mut self, new: NewRegistryRecord<'_>) -> Result<(), Error> {
        let result = sqlx::query(
            "INSERT INTO registries (id, workspace_id, name, visibility, description, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(new.id)
        .bind(new.workspace_id)
        .bind(new.name)
        .bind(new.visibility.as_str())
        .bind(new.description)
        .bind(new.now)
        .execute(self.conn())
        .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if is_unique_violation(&err) => {
                Err(Error::Conflict(format!("The registry name '{}' is already taken on this instance.", new.name)))
            }
            Err(err) => Err(internal("insert registry")(err)),
        }
    }
}
