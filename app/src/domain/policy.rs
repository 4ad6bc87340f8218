//! Who may do what: the one rule table. Services load the facts (the caller's role in
//! the workspace, the registry's visibility) into a [`Target`] and call [`require`]
//! before they read private data or change anything; the console calls [`decide`] only
//! to hide controls.

use super::model::{RobotPermission, Role};
use super::{Error, Resource};
use serde::{Deserialize, Serialize};

/// A signed-in user as the policy sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserIdentity {
    pub id: i64,
    pub username: String,
    pub is_admin: bool,
}

/// A registry-scoped machine credential (`robot$REGISTRY+NAME`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RobotIdentity {
    pub id: i64,
    pub registry_id: i64,
    pub registry: String,
    pub name: String,
    pub permission: RobotPermission,
}

impl RobotIdentity {
    pub fn username(&self) -> String {
        robot_username(&self.registry, &self.name)
    }
}

pub fn robot_username(registry: &str, name: &str) -> String {
    format!("robot${registry}+{name}")
}

/// Whoever is making the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Principal {
    Anonymous,
    User(UserIdentity),
    Robot(RobotIdentity),
}

impl Principal {
    pub fn user(&self) -> Option<&UserIdentity> {
        match self {
            Principal::User(user) => Some(user),
            _ => None,
        }
    }

    /// How the audit log names this principal.
    pub fn display_name(&self) -> String {
        match self {
            Principal::Anonymous => "anonymous".to_string(),
            Principal::User(user) => user.username.clone(),
            Principal::Robot(robot) => robot.username(),
        }
    }
}

/// The principal plus request facts: where it came from (throttling, audit log) and
/// the host it addressed (the registry endpoint shown back to it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub principal: Principal,
    pub client_addr: String,
    pub public_host: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    // On the instance.
    /// Read one's own account (`/api/v1/me`, the console shell).
    ViewOwnAccount,
    /// Create, list and revoke one's own personal access tokens.
    ManageOwnTokens,
    /// List, create, disable users and reset their passwords.
    ManageUsers,
    CreateWorkspace,
    // On a workspace.
    ViewWorkspace,
    ManageMembers,
    UpdateWorkspace,
    DeleteWorkspace,
    ViewAudit,
    CreateRegistry,
    // On a registry.
    ViewRegistry,
    UpdateRegistry,
    DeleteRegistry,
    ManageRobots,
    Pull,
    Push,
    DeleteContent,
}

impl Action {
    /// The weakest workspace role that may do this, for workspace and registry actions.
    fn required_role(self) -> Option<Role> {
        use Action::*;
        match self {
            ViewWorkspace | ViewRegistry | Pull => Some(Role::Viewer),
            ViewAudit | CreateRegistry | UpdateRegistry | DeleteRegistry | ManageRobots | Push | DeleteContent => Some(Role::Manager),
            ManageMembers | UpdateWorkspace | DeleteWorkspace => Some(Role::Owner),
            ViewOwnAccount | ManageOwnTokens | ManageUsers | CreateWorkspace => None,
        }
    }

    fn is_read_of_registry(self) -> bool {
        matches!(self, Action::ViewRegistry | Action::Pull)
    }
}

/// The facts about what is being acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Instance {
        users_may_create_workspaces: bool,
    },
    /// `role` is the caller's role in the workspace, if any.
    Workspace {
        role: Option<Role>,
    },
    /// `role` is the caller's role in the registry's workspace, if any.
    Registry {
        registry_id: i64,
        public: bool,
        role: Option<Role>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// The caller may know the target exists but may not do this.
    Deny,
    /// The caller may not even learn that the target exists.
    Hide(Resource),
}

pub fn decide(principal: &Principal, action: Action, target: Target) -> Decision {
    match principal {
        Principal::Anonymous => match target {
            Target::Registry { public: true, .. } if action.is_read_of_registry() => Decision::Allow,
            _ => Decision::Deny,
        },
        Principal::Robot(robot) => decide_for_robot(robot, action, target),
        Principal::User(user) if user.is_admin => Decision::Allow,
        Principal::User(_) => decide_for_member(action, target),
    }
}

fn decide_for_member(action: Action, target: Target) -> Decision {
    let allowed_by_role = |role: Role| match action.required_role() {
        Some(required) if role >= required => Decision::Allow,
        _ => Decision::Deny,
    };
    match target {
        Target::Instance { users_may_create_workspaces } => match action {
            Action::ViewOwnAccount | Action::ManageOwnTokens => Decision::Allow,
            Action::CreateWorkspace if users_may_create_workspaces => Decision::Allow,
            _ => Decision::Deny,
        },
        Target::Workspace { role: Some(role) } => allowed_by_role(role),
        Target::Workspace { role: None } => Decision::Hide(Resource::Workspace),
        Target::Registry { role: Some(role), .. } => allowed_by_role(role),
        Target::Registry { role: None, public: true, .. } if action.is_read_of_registry() => Decision::Allow,
        Target::Registry { role: None, public: true, .. } => Decision::Deny,
        Target::Registry { role: None, public: false, .. } => Decision::Hide(Resource::Registry),
    }
}

fn decide_for_robot(robot: &RobotIdentity, action: Action, target: Target) -> Decision {
    match target {
        Target::Registry { registry_id, .. } if registry_id == robot.registry_id => match action {
            Action::ViewRegistry | Action::Pull => Decision::Allow,
            Action::Push if robot.permission == RobotPermission::Push => Decision::Allow,
            _ => Decision::Deny,
        },
        Target::Registry { public: true, .. } if action.is_read_of_registry() => Decision::Allow,
        Target::Registry { public: true, .. } => Decision::Deny,
        Target::Registry { public: false, .. } => Decision::Hide(Resource::Registry),
        Target::Workspace { .. } | Target::Instance { .. } => Decision::Deny,
    }
}

/// Allows the action or returns the error the caller should see: anonymous callers are
/// asked to authenticate, others are refused or told the target does not exist.
pub fn require(principal: &Principal, action: Action, target: Target) -> Result<(), Error> {
    match decide(principal, action, target) {
        Decision::Allow => Ok(()),
        Decision::Deny if *principal == Principal::Anonymous => Err(Error::Unauthenticated),
        Decision::Deny => Err(Error::Forbidden(forbidden_message(principal, action).to_string())),
        Decision::Hide(resource) => Err(Error::NotFound(resource)),
    }
}

/// The signed-in user, for actions that only users (never robots) perform.
pub fn require_user(principal: &Principal) -> Result<&UserIdentity, Error> {
    match principal {
        Principal::User(user) => Ok(user),
        Principal::Anonymous => Err(Error::Unauthenticated),
        Principal::Robot(_) => Err(Error::Forbidden("Robot credentials cannot use this endpoint.".to_string())),
    }
}

fn forbidden_message(principal: &Principal, action: Action) -> &'static str {
    use Action::*;
    if matches!(principal, Principal::Robot(_)) {
        return match action {
            Push => "This robot credential may only pull.",
            _ => "Robot credentials may only pull from (and, with push permission, push to) their own registry.",
        };
    }
    match action {
        ViewOwnAccount | ManageOwnTokens => "You may not use this account.",
        ManageUsers => "Only an instance administrator may manage users.",
        CreateWorkspace => "Only an instance administrator may create workspaces.",
        ViewWorkspace | ViewRegistry | Pull => "You are not a member of this workspace.",
        ManageMembers | UpdateWorkspace | DeleteWorkspace => "Only a workspace owner may do this.",
        ViewAudit => "Only workspace owners and managers may read the audit log.",
        CreateRegistry | UpdateRegistry | DeleteRegistry | ManageRobots => "Only workspace owners and managers may manage registries.",
        Push | DeleteContent => "Viewers may pull but not push or delete.",
    }
}

/// What the console may offer the signed-in user: the same table, used only to hide
/// controls (the server decides again for every request).
pub fn user_may(username: &str, is_admin: bool, action: Action, target: Target) -> bool {
    let principal = Principal::User(UserIdentity { id: 0, username: username.to_string(), is_admin });
    decide(&principal, action, target) == Decision::Allow
}

#[cfg(test)]
mod tests {
    use super::*;
    use Decision::*;

    fn user(is_admin: bool) -> Principal {
        Principal::User(UserIdentity { id: 1, username: "u1".into(), is_admin })
    }

    fn robot(registry_id: i64, permission: RobotPermission) -> Principal {
        Principal::Robot(RobotIdentity { id: 9, registry_id, registry: "r".into(), name: "ci".into(), permission })
    }

    fn registry(public: bool, role: Option<Role>) -> Target {
        Target::Registry { registry_id: 7, public, role }
    }

    #[test]
    fn workspace_roles_grant_in_order() {
        let cases = [
            (Action::ViewWorkspace, Role::Viewer, Allow),
            (Action::ViewAudit, Role::Viewer, Deny),
            (Action::ViewAudit, Role::Manager, Allow),
            (Action::CreateRegistry, Role::Viewer, Deny),
            (Action::CreateRegistry, Role::Manager, Allow),
            (Action::ManageMembers, Role::Manager, Deny),
            (Action::ManageMembers, Role::Owner, Allow),
            (Action::DeleteWorkspace, Role::Owner, Allow),
        ];
        for (action, role, expected) in cases {
            assert_eq!(decide(&user(false), action, Target::Workspace { role: Some(role) }), expected, "{action:?} {role:?}");
        }
        assert_eq!(decide(&user(false), Action::ViewWorkspace, Target::Workspace { role: None }), Hide(Resource::Workspace));
        assert_eq!(decide(&user(true), Action::DeleteWorkspace, Target::Workspace { role: None }), Allow);
    }

    #[test]
    fn registries_hide_private_ones_and_open_public_ones_for_reading() {
        let table = [
            (Principal::Anonymous, Action::Pull, registry(true, None), Allow),
            (Principal::Anonymous, Action::Pull, registry(false, None), Deny),
            (Principal::Anonymous, Action::Push, registry(true, None), Deny),
            (user(false), Action::Pull, registry(false, None), Hide(Resource::Registry)),
            (user(false), Action::Pull, registry(true, None), Allow),
            (user(false), Action::Push, registry(true, None), Deny),
            (user(false), Action::Pull, registry(false, Some(Role::Viewer)), Allow),
            (user(false), Action::Push, registry(false, Some(Role::Viewer)), Deny),
            (user(false), Action::Push, registry(false, Some(Role::Manager)), Allow),
            (robot(7, RobotPermission::Pull), Action::Pull, registry(false, None), Allow),
            (robot(7, RobotPermission::Pull), Action::Push, registry(false, None), Deny),
            (robot(7, RobotPermission::Push), Action::Push, registry(false, None), Allow),
            (robot(7, RobotPermission::Push), Action::ManageRobots, registry(false, None), Deny),
            (robot(8, RobotPermission::Push), Action::Pull, registry(false, None), Hide(Resource::Registry)),
            (robot(8, RobotPermission::Push), Action::Pull, registry(true, None), Allow),
            (robot(8, RobotPermission::Push), Action::Push, registry(true, None), Deny),
        ];
        for (principal, action, target, expected) in table {
            assert_eq!(decide(&principal, action, target), expected, "{principal:?} {action:?} {target:?}");
        }
    }

    #[test]
    fn instance_actions() {
        let instance = |open| Target::Instance { users_may_create_workspaces: open };
        assert_eq!(decide(&user(false), Action::CreateWorkspace, instance(false)), Deny);
        assert_eq!(decide(&user(false), Action::CreateWorkspace, instance(true)), Allow);
        assert_eq!(decide(&user(false), Action::ManageUsers, instance(true)), Deny);
        assert_eq!(decide(&user(true), Action::ManageUsers, instance(false)), Allow);
        assert_eq!(decide(&robot(7, RobotPermission::Push), Action::ViewOwnAccount, instance(true)), Deny);
    }

    #[test]
    fn refusals_become_the_right_errors() {
        let target = Target::Workspace { role: Some(Role::Viewer) };
        assert_eq!(require(&Principal::Anonymous, Action::ViewWorkspace, target), Err(Error::Unauthenticated));
        assert!(matches!(require(&user(false), Action::ManageMembers, target), Err(Error::Forbidden(_))));
        assert_eq!(
            require(&user(false), Action::ViewWorkspace, Target::Workspace { role: None }),
            Err(Error::NotFound(Resource::Workspace))
        );
        assert!(matches!(require_user(&robot(7, RobotPermission::Pull)), Err(Error::Forbidden(_))));
    }
}
