//! Robot credentials: registry-scoped machine logins for CI, with pull or push
//! permission and an optional expiry. The secret is shown once and stored hashed.

use super::Services;
use super::audit::Event;
use crate::crypto::secret::{hash_secret, new_secret};
use crate::db::credentials::RobotRecord;
use crate::db::{new_id, now_ms};
use app::domain::model::Id;
use app::domain::names::ResourceName;
use app::domain::policy::{self, Action, Caller, robot_username};
use app::domain::time::Timestamp;
use app::domain::{Error, Resource};
use app::dto::{NewRobot, Robot, RobotSecret};

impl Services {
    pub async fn list_robots(&self, caller: &Caller, registry: &str) -> Result<Vec<Robot>, Error> {
        let (registry, target) = self.registry_target(caller, registry).await?;
        policy::require(&caller.principal, Action::ManageRobots, target)?;
        Ok(self
            .db
            .list_robots(registry.id)
            .await?
            .into_iter()
            .map(|r| Robot {
                id: Id(r.id),
                username: robot_username(&registry.name, &r.name),
                name: r.name,
                permission: r.permission,
                created_at: Timestamp(r.created_at),
                expires_at: r.expires_at.map(Timestamp),
                last_used_at: r.last_used_at.map(Timestamp),
            })
            .collect())
    }

    pub async fn create_robot(&self, caller: &Caller, registry: &str, new: NewRobot) -> Result<RobotSecret, Error> {
        let (registry, target) = self.registry_target(caller, registry).await?;
        policy::require(&caller.principal, Action::ManageRobots, target)?;
        let name = ResourceName::parse("name", &new.name)?;
        let now = now_ms();
        if new.expires_at.is_some_and(|at| at.millis() <= now) {
            return Err(Error::invalid("expires_at", "must be in the future"));
        }
        let secret = new_secret("");
        let record = RobotRecord {
            id: new_id(),
            registry_id: registry.id,
            name: name.as_str().to_string(),
            permission: new.permission,
            secret_hash: hash_secret(&secret),
            created_at: now,
            expires_at: new.expires_at.map(Timestamp::millis),
            last_used_at: None,
        };
        let username = robot_username(&registry.name, name.as_str());
        let detail = Some(format!("permission {}", new.permission.as_str()));
        let mut tx = self.db.begin().await?;
        tx.insert_robot(&record).await?;
        self.record_in(&mut tx, caller, robot_event(registry.workspace_id, "robot.create", &username, detail)).await?;
        tx.commit().await?;
        Ok(RobotSecret {
            id: Id(record.id),
            name: record.name,
            username,
            permission: record.permission,
            expires_at: new.expires_at,
            secret,
        })
    }

    /// Replaces a robot's secret; the old one stops working at once.
    pub async fn regenerate_robot(&self, caller: &Caller, registry: &str, id: Id) -> Result<RobotSecret, Error> {
        let (registry, target) = self.registry_target(caller, registry).await?;
        policy::require(&caller.principal, Action::ManageRobots, target)?;
        let robot = self.db.find_robot_by_id(registry.id, id.0).await?.ok_or(Error::NotFound(Resource::Robot))?;
        let secret = new_secret("");
        let username = robot_username(&registry.name, &robot.name);
        let mut tx = self.db.begin().await?;
        tx.set_robot_secret(robot.id, &hash_secret(&secret)).await?;
        self.record_in(&mut tx, caller, robot_event(registry.workspace_id, "robot.regenerate", &username, None)).await?;
        tx.commit().await?;
        Ok(RobotSecret {
            id,
            name: robot.name,
            username,
            permission: robot.permission,
            expires_at: robot.expires_at.map(Timestamp),
            secret,
        })
    }

    pub async fn delete_robot(&self, caller: &Caller, registry: &str, id: Id) -> Result<(), Error> {
        let (registry, target) = self.registry_target(caller, registry).await?;
        policy::require(&caller.principal, Action::ManageRobots, target)?;
        let robot = self.db.find_robot_by_id(registry.id, id.0).await?.ok_or(Error::NotFound(Resource::Robot))?;
        let username = robot_username(&registry.name, &robot.name);
        let mut tx = self.db.begin().await?;
        tx.delete_robot(registry.id, robot.id).await?;
        self.record_in(&mut tx, caller, robot_event(registry.workspace_id, "robot.delete", &username, None)).await?;
        tx.commit().await
    }
}

fn robot_event<'a>(workspace_id: i64, action: &'a str, username: &'a str, detail: Option<String>) -> Event<'a> {
    Event { workspace_id: Some(workspace_id), action, resource_type: "robot", resource: username, detail }
}
