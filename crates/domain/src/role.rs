//! The roles a user can hold.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Requester,
    Agent,
    Manager,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Requester, Role::Agent, Role::Manager, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Requester => "requester",
            Role::Agent => "agent",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    /// Agents, managers and admins work tickets; requesters only ask.
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Requester)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: must be one of requester, agent, manager, admin")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, UnknownRole> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

impl From<UnknownRole> for crate::code::Message {
    fn from(e: UnknownRole) -> Self {
        crate::code::Code::UnknownRole.msg(e.to_string()).with("role", format!("{:?}", e.0))
    }
}
