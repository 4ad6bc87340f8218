//! Repositories: their records, listing with sizes, the catalog, pull counts,
//! descriptions, immutability and deletion.

use super::transaction::Tx;
use super::{Db, internal};
use app::domain::Error;
use app::domain::model::Role;
use sqlx::Row;
use sqlx::any::AnyRow;

/// Which registries a catalog lists. The service fills it in from the policy's
/// answers for each kind of registry, so the query applies the policy, not a copy.
#[derive(Debug, Clone, Default)]
pub struct CatalogScope {
    pub every_registry: bool,
    /// Public registries of workspaces the caller is not a member of.
    pub public_registries: bool,
    /// A robot's own registry.
    pub own_registry: Option<i64>,
    /// The user whose memberships admit registries, with the roles that do.
    pub member: Option<i64>,
    pub member_roles: Vec<Role>,
}

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

pub(super) fn repository(row: &AnyRow) -> Result<RepositoryRecord, sqlx::Error> {
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

pub(super) const REPOSITORY_COLUMNS: &str = "id, registry_id, name, created_at, last_push_at, pulls, last_pulled_at";

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

    /// `registry/repository` names in byte order after `last`, from the registries
    /// `scope` admits, at most `limit`: filtered, ordered and limited in one query.
    pub async fn catalog(&self, scope: &CatalogScope, last: Option<&str>, limit: i64) -> Result<Vec<String>, Error> {
        let role = |i: usize| scope.member_roles.get(i).map_or("", |r| r.as_str());
        sqlx::query_scalar(
            "SELECT g.name || '/' || r.name AS full_name
             FROM repositories r JOIN registries g ON g.id = r.registry_id
             WHERE g.name || '/' || r.name > $1
               AND ($2 = 1
                    OR ($3 = 1 AND g.visibility = 'public')
                    OR g.id = $4
                    OR g.workspace_id IN (SELECT m.workspace_id FROM workspace_members m
                                          WHERE m.user_id = $5 AND m.role IN ($6, $7, $8)))
             ORDER BY full_name
             LIMIT $9",
        )
        .bind(last.unwrap_or(""))
        .bind(i64::from(scope.every_registry))
        .bind(i64::from(scope.public_registries))
        .bind(scope.own_registry.unwrap_or(-1))
        .bind(scope.member.unwrap_or(-1))
        .bind(role(0))
        .bind(role(1))
        .bind(role(2))
        .bind(limit)
        .fetch_all(&mut *self.read().await?)
        .await
        .map_err(internal("catalog"))
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

/// A repository with the numbers the console and the API list.
#[derive(Debug, Clone)]
pub struct RepositoryUsage {
    pub repository: RepositoryRecord,
    pub tags: i64,
    pub size_bytes: i64,
}

impl Db {
    /// A page of the registry's repositories whose names contain `filter`, by name,
    /// after (or `backwards`, before) `from`, each with its tag count and size: one
    /// statement, whatever the number of repositories.
    pub async fn list_repository_page(
        &self,
        registry_id: i64,
        filter: &str,
        from: Option<&str>,
        backwards: bool,
        limit: i64,
    ) -> Result<Vec<RepositoryUsage>, Error> {
        let columns = REPOSITORY_COLUMNS.split(',').map(|c| format!("rp.{}", c.trim())).collect::<Vec<_>>().join(", ");
        let (after, order) = if backwards { ("<", "DESC") } else { (">", "ASC") };
        let condition = if from.is_some() { format!("AND rp.name {after} $4") } else { String::new() };
        let sql = format!(
            "SELECT {columns},
                    (SELECT COUNT(*) FROM tags t WHERE t.repository_id = rp.id) AS tag_count,
                    (SELECT COALESCE(SUM(b.size), 0) FROM blobs b WHERE b.digest IN (
                        SELECT mr.child_digest FROM manifest_references mr
                        WHERE mr.repository_id = rp.id AND mr.kind = 'blob')) AS size_bytes
             FROM repositories rp
             WHERE rp.registry_id = $1 AND rp.name LIKE $2 ESCAPE '\\' {condition}
             ORDER BY rp.name {order} LIMIT $3"
        );
        let mut query = sqlx::query(&sql).bind(registry_id).bind(super::registries::like_pattern(filter)).bind(limit);
        if let Some(from) = from {
            query = query.bind(from);
        }
        let rows = query.fetch_all(&mut *self.read().await?).await.map_err(internal("list repositories"))?;
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

    /// (repositories whose names contain `filter`, all repositories) of the registry.
    pub async fn count_repositories_matching(&self, registry_id: i64, filter: &str) -> Result<(i64, i64), Error> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM repositories WHERE registry_id = $1 AND name LIKE $2 ESCAPE '\\') AS matching,
                    (SELECT COUNT(*) FROM repositories WHERE registry_id = $1) AS total",
        )
        .bind(registry_id)
        .bind(super::registries::like_pattern(filter))
        .fetch_one(&mut *self.read().await?)
        .await
        .map_err(internal("count repositories"))?;
        let count = |column: &str| row.try_get::<i64, _>(column).map_err(internal("count repositories"));
        Ok((count("matching")?, count("total")?))
    }

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
