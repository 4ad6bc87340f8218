//! The `workspaces` and `workspace_members` tables.

use super::transaction::Tx;
use super::{Db, internal, is_unique_violation};
use app::domain::Error;
use app::domain::model::Role;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone)]
pub struct WorkspaceRecord {
    pub id: i64,
    pub name: String,
    pub display_name: String,
    pub created_at: i64,
}

fn workspace(row: &AnyRow) -> Result<WorkspaceRecord, sqlx::Error> {
    Ok(WorkspaceRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        display_name: row.try_get("display_name")?,
        created_at: row.try_get("created_at")?,
    })
}

#[derive(Debug, Clone)]
pub struct MemberRecord {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    pub added_at: i64,
}

fn role(raw: &str) -> Result<Role, sqlx::Error> {
    Role::parse(raw).map_err(|_| sqlx::Error::Decode(format!("unknown role '{raw}'").into()))
}

impl Db {
    pub async fn find_workspace(&self, name: &str) -> Result<Option<WorkspaceRecord>, Error> {
        sqlx::query("SELECT id, name, display_name, created_at FROM workspaces WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *self.read().await?)
            .await
            .and_then(|row| row.as_ref().map(workspace).transpose())
            .map_err(internal("find workspace"))
    }

    pub async fn list_all_workspaces(&self) -> Result<Vec<WorkspaceRecord>, Error> {
        sqlx::query("SELECT id, name, display_name, created_at FROM workspaces ORDER BY name")
            .fetch_all(&mut *self.read().await?)
            .await
            .and_then(|rows| rows.iter().map(workspace).collect())
            .map_err(internal("list workspaces"))
    }

    /// The workspaces a user belongs to, with their role in each.
    pub async fn list_memberships(&self, user_id: i64) -> Result<Vec<(WorkspaceRecord, Role)>, Error> {
        sqlx::query(
            "SELECT w.id, w.name, w.display_name, w.created_at, m.role
             FROM workspaces w JOIN workspace_members m ON m.workspace_id = w.id
             WHERE m.user_id = $1 ORDER BY w.name",
        )
        .bind(user_id)
        .fetch_all(&mut *self.read().await?)
        .await
        .and_then(|rows| rows.iter().map(|r| Ok((workspace(r)?, role(&r.try_get::<String, _>("role")?)?))).collect())
        .map_err(internal("list memberships"))
    }

    pub async fn member_role(&self, workspace_id: i64, user_id: i64) -> Result<Option<Role>, Error> {
        let row = sqlx::query("SELECT role FROM workspace_members WHERE workspace_id = $1 AND user_id = $2")
            .bind(workspace_id)
            .bind(user_id)
            .fetch_optional(&mut *self.read().await?)
            .await
            .map_err(internal("read member role"))?;
        row.map(|r| role(&r.try_get::<String, _>("role")?)).transpose().map_err(internal("decode member role"))
    }

    pub async fn list_members(&self, workspace_id: i64) -> Result<Vec<MemberRecord>, Error> {
        sqlx::query(
            "SELECT m.user_id, u.username, m.role, m.added_at
             FROM workspace_members m JOIN users u ON u.id = m.user_id
             WHERE m.workspace_id = $1 ORDER BY u.username",
        )
        .bind(workspace_id)
        .fetch_all(&mut *self.read().await?)
        .await
        .and_then(|rows| {
            rows.iter()
                .map(|r| {
                    Ok(MemberRecord {
                        user_id: r.try_get("user_id")?,
                        username: r.try_get("username")?,
                        role: role(&r.try_get::<String, _>("role")?)?,
                        added_at: r.try_get("added_at")?,
                    })
                })
                .collect()
        })
        .map_err(internal("list members"))
    }

    pub async fn count_members(&self, workspace_id: i64) -> Result<i64, Error> {
        self.count("SELECT COUNT(*) AS n FROM workspace_members WHERE workspace_id = $1", workspace_id).await
    }

    pub async fn count_registries(&self, workspace_id: i64) -> Result<i64, Error> {
        self.count("SELECT COUNT(*) AS n FROM registries WHERE workspace_id = $1", workspace_id).await
    }

    async fn count(&self, sql: &'static str, id: i64) -> Result<i64, Error> {
        sqlx::query(sql)
            .bind(id)
            .fetch_one(&mut *self.read().await?)
            .await
            .and_then(|row| row.try_get::<i64, _>("n"))
            .map_err(internal("count"))
    }
}

impl Tx<'_> {
    /// Adds the member or changes their role. The last owner cannot be demoted: the
    /// check and the change happen in one statement, so two concurrent demotions
    /// cannot both pass.
    pub async fn upsert_member(&mut self, workspace_id: i64, user_id: i64, new_role: Role, now: i64) -> Result<(), Error> {
        let changed = sqlx::query(
            "INSERT INTO workspace_members (workspace_id, user_id, role, added_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = $3
             WHERE $3 = 'owner'
                OR workspace_members.role <> 'owner'
                OR (SELECT COUNT(*) FROM workspace_members o WHERE o.workspace_id = $1 AND o.role = 'owner') > 1",
        )
        .bind(workspace_id)
        .bind(user_id)
        .bind(new_role.as_str())
        .bind(now)
        .execute(self.conn())
        .await
        .map_err(internal("upsert member"))?;
        if changed.rows_affected() == 0 {
            return Err(Error::Conflict("A workspace needs at least one owner: make someone else owner first.".to_string()));
        }
        Ok(())
    }

    /// Removes a member unless they are the last owner. Returns false if they were not a member.
    pub async fn delete_member(&mut self, workspace_id: i64, user_id: i64) -> Result<bool, Error> {
        let current: Option<String> = sqlx::query_scalar("SELECT role FROM workspace_members WHERE workspace_id = $1 AND user_id = $2")
            .bind(workspace_id)
            .bind(user_id)
            .fetch_optional(self.conn())
            .await
            .map_err(internal("read member role"))?;
        let Some(current) = current.map(|r| Role::parse(&r).map_err(|_| Error::Internal)).transpose()? else {
            return Ok(false);
        };
        let removed = sqlx::query(
            "DELETE FROM workspace_members WHERE workspace_id = $1 AND user_id = $2
             AND (role <> 'owner'
                  OR (SELECT COUNT(*) FROM workspace_members o WHERE o.workspace_id = $1 AND o.role = 'owner') > 1)",
        )
        .bind(workspace_id)
        .bind(user_id)
        .execute(self.conn())
        .await
        .map_err(internal("delete member"))?;
        if removed.rows_affected() == 0 && current == Role::Owner {
            return Err(Error::Conflict("The last owner cannot leave the workspace: make someone else owner first.".to_string()));
        }
        Ok(removed.rows_affected() > 0)
    }

    /// Creates the workspace with its creator as owner, in one transaction.
    pub async fn insert_workspace(&mut self, id: i64, name: &str, display_name: &str, owner_id: i64, now: i64) -> Result<(), Error> {
        let inserted = sqlx::query("INSERT INTO workspaces (id, name, display_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)")
            .bind(id)
            .bind(name)
            .bind(display_name)
            .bind(now)
            .execute(self.conn())
            .await;
        match inserted {
            Ok(_) => {}
            Err(err) if is_unique_violation(&err) => {
                return Err(Error::Conflict(format!("The workspace name '{name}' is already taken.")));
            }
            Err(err) => return Err(internal("insert workspace")(err)),
        }
        sqlx::query("INSERT INTO workspace_members (workspace_id, user_id, role, added_at) VALUES ($1, $2, 'owner', $3)")
            .bind(id)
            .bind(owner_id)
            .bind(now)
            .execute(self.conn())
            .await
            .map_err(internal("insert workspace owner"))?;
        Ok(())
    }

    pub async fn update_workspace_display_name(&mut self, id: i64, display_name: &str, now: i64) -> Result<(), Error> {
        sqlx::query("UPDATE workspaces SET display_name = $1, updated_at = $2 WHERE id = $3")
            .bind(display_name)
            .bind(now)
            .bind(id)
            .execute(self.conn())
            .await
            .map(|_| ())
            .map_err(internal("update workspace"))
    }

    /// Deletes an empty workspace (its members go with it). A workspace that still
    /// holds registries is a conflict.
    pub async fn delete_workspace(&mut self, id: i64) -> Result<(), Error> {
        let deleted =
            sqlx::query("DELETE FROM workspaces WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM registries r WHERE r.workspace_id = $1)")
                .bind(id)
                .execute(self.conn())
                .await
                .map_err(internal("delete workspace"))?;
        if deleted.rows_affected() == 0 {
            return Err(Error::Conflict("Delete the workspace's registries first.".to_string()));
        }
        Ok(())
    }
}
