//! Small vocabulary types shared by the policy, the services and the wire.

use super::Error;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A database id. Ids are random 62-bit integers, beyond JavaScript's exact range,
/// so on the wire they are 16 lowercase hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Id(pub i64);

impl Id {
    pub fn parse(raw: &str) -> Option<Id> {
        (raw.len() == 16).then(|| i64::from_str_radix(raw, 16).ok().map(Id)).flatten()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Id::parse(&raw).ok_or_else(|| serde::de::Error::custom("not an id"))
    }
}

/// A member's role in a workspace, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Manager,
    Owner,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Manager, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Manager => "manager",
            Role::Owner => "owner",
        }
    }

    pub fn parse(raw: &str) -> Result<Role, Error> {
        match raw {
            "viewer" => Ok(Role::Viewer),
            "manager" => Ok(Role::Manager),
            "owner" => Ok(Role::Owner),
            _ => Err(Error::invalid("role", "must be owner, manager or viewer")),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Viewer => "Viewer",
            Role::Manager => "Manager",
            Role::Owner => "Owner",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    Private,
    Public,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Private => "private",
            Visibility::Public => "public",
        }
    }

    pub fn parse(raw: &str) -> Result<Visibility, Error> {
        match raw {
            "private" => Ok(Visibility::Private),
            "public" => Ok(Visibility::Public),
            _ => Err(Error::invalid("visibility", "must be private or public")),
        }
    }
}

/// What a robot credential may do on its registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RobotPermission {
    /// Pull only.
    Pull,
    /// Pull and push.
    Push,
}

impl RobotPermission {
    pub fn as_str(self) -> &'static str {
        match self {
            RobotPermission::Pull => "pull",
            RobotPermission::Push => "push",
        }
    }

    pub fn parse(raw: &str) -> Result<RobotPermission, Error> {
        match raw {
            "pull" => Ok(RobotPermission::Pull),
            "push" => Ok(RobotPermission::Push),
            _ => Err(Error::invalid("permission", "must be pull or push")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_as_hex() {
        let id = Id(0x3fff_ffff_ffff_fff1);
        assert_eq!(id.to_string(), "3ffffffffffffff1");
        assert_eq!(Id::parse(&id.to_string()), Some(id));
        assert_eq!(Id::parse("xyz"), None);
        assert_eq!(Id::parse("3ffffffffffffff"), None);
    }

    #[test]
    fn roles_are_ordered_by_power() {
        assert!(Role::Owner > Role::Manager && Role::Manager > Role::Viewer);
        assert_eq!(Role::parse("manager").unwrap(), Role::Manager);
        assert!(Role::parse("admin").is_err());
    }
}
