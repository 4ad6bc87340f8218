//! Who may do what: the one rule table. Services call [`require`] before they read
//! private data or change anything; the console calls [`decide`] only to hide controls.

use super::{Error, Resource};
use serde::{Deserialize, Serialize};

/// A signed-in user as the policy sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserIdentity {
    pub id: i64,
    pub username: String,
    pub is_admin: bool,
}

/// Whoever is making the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Principal {
    Anonymous,
    User(UserIdentity),
}

impl Principal {
    pub fn user(&self) -> Option<&UserIdentity> {
        match self {
            Principal::User(user) => Some(user),
            Principal::Anonymous => None,
        }
    }
}

/// The principal plus where the request came from, for throttling and the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub principal: Principal,
    pub client_addr: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read one's own account (`/api/v1/me`, the console shell).
    ViewOwnAccount,
    /// List, create, disable users and reset their passwords.
    ManageUsers,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// The caller may know the target exists but may not do this.
    Deny,
    /// The caller may not even learn that the target exists.
    Hide(Resource),
}

pub fn decide(principal: &Principal, action: Action) -> Decision {
    let Some(user) = principal.user() else {
        return Decision::Deny;
    };
    match action {
        Action::ViewOwnAccount => Decision::Allow,
        Action::ManageUsers if user.is_admin => Decision::Allow,
        Action::ManageUsers => Decision::Deny,
    }
}

/// Allows the action or returns the error the caller should see: anonymous callers are
/// asked to authenticate, others are refused or told the target does not exist.
pub fn require(principal: &Principal, action: Action) -> Result<&UserIdentity, Error> {
    let user = principal.user().ok_or(Error::Unauthenticated)?;
    match decide(principal, action) {
        Decision::Allow => Ok(user),
        Decision::Deny => Err(Error::Forbidden(forbidden_message(action).to_string())),
        Decision::Hide(resource) => Err(Error::NotFound(resource)),
    }
}

fn forbidden_message(action: Action) -> &'static str {
    match action {
        Action::ViewOwnAccount => "You may not view this account.",
        Action::ManageUsers => "Only an instance administrator may manage users.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(is_admin: bool) -> Principal {
        Principal::User(UserIdentity { id: 1, username: "u1".into(), is_admin })
    }

    #[test]
    fn rule_table() {
        use Decision::*;
        let table = [
            (Principal::Anonymous, Action::ViewOwnAccount, Deny),
            (Principal::Anonymous, Action::ManageUsers, Deny),
            (user(false), Action::ViewOwnAccount, Allow),
            (user(false), Action::ManageUsers, Deny),
            (user(true), Action::ViewOwnAccount, Allow),
            (user(true), Action::ManageUsers, Allow),
        ];
        for (principal, action, expected) in table {
            assert_eq!(decide(&principal, action), expected, "{principal:?} {action:?}");
        }
    }

    #[test]
    fn anonymous_callers_are_asked_to_authenticate() {
        assert_eq!(require(&Principal::Anonymous, Action::ManageUsers), Err(Error::Unauthenticated));
        assert!(matches!(require(&user(false), Action::ManageUsers), Err(Error::Forbidden(_))));
    }
}
