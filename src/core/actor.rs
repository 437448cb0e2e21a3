use serde::{Deserialize, Serialize};

/// Staff roles, highest first: each may do everything the ones below may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Coach,
    Reception,
    Manager,
    Owner,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Manager, Role::Reception, Role::Coach];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::Reception => "reception",
            Role::Coach => "coach",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim().to_ascii_lowercase())
    }
}

/// Who issued a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Actor {
    /// A logged-in staff member (web UI) or the holder of their API token.
    Staff { id: String, name: String, role: Role },
    /// Someone at the server's console (`courtside user add`): trusted like the owner.
    Console,
    /// The one-time setup page that creates the first owner.
    Setup,
    /// The server itself (scheduled jobs, settings applied from the config file).
    System,
    /// A player signed in to the portal: may act only for themselves.
    Member { id: String, name: String },
    /// Someone on the portal not signed in (asking for a sign-in code).
    Visitor,
}

impl Actor {
    pub fn at_least(&self, role: Role) -> bool {
        match self {
            Actor::Staff { role: mine, .. } => *mine >= role,
            Actor::Console | Actor::System => true,
            Actor::Setup | Actor::Member { .. } | Actor::Visitor => false,
        }
    }

    /// The role used to decide what this actor may grant to others.
    pub fn role(&self) -> Option<Role> {
        match self {
            Actor::Staff { role, .. } => Some(*role),
            Actor::Console | Actor::System => Some(Role::Owner),
            Actor::Setup | Actor::Member { .. } | Actor::Visitor => None,
        }
    }

    pub fn user_id(&self) -> Option<&str> {
        match self {
            Actor::Staff { id, .. } => Some(id),
            _ => None,
        }
    }

    pub fn display_name(&self) -> String {
        match self {
            Actor::Staff { name, .. } => name.clone(),
            // Told apart from a staff member of the same name in the audit log.
            Actor::Member { name, .. } => format!("portal: {name}"),
            Actor::Console => "console".into(),
            Actor::Setup => "setup".into(),
            Actor::System => "system".into(),
            Actor::Visitor => "portal".into(),
        }
    }
}

/// Where a command was issued: the hub itself, or a desk (by its id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Hub,
    Desk(String),
}

/// The hub's own till.
pub const MAIN_TILL: &str = "main";

impl Origin {
    /// The till cash taken here goes into: the hub's, or the desk's own (named by its id), so
    /// a desk's shift is never closed under it by another desk while it is offline.
    pub fn till(&self) -> &str {
        match self {
            Origin::Hub => MAIN_TILL,
            Origin::Desk(id) => id,
        }
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Hub => f.write_str("hub"),
            Origin::Desk(id) => write!(f, "desk:{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_form_a_ladder() {
        assert!(Role::Owner > Role::Manager && Role::Manager > Role::Reception && Role::Reception > Role::Coach);
        let reception = Actor::Staff { id: "1".into(), name: "r".into(), role: Role::Reception };
        assert!(reception.at_least(Role::Coach) && reception.at_least(Role::Reception));
        assert!(!reception.at_least(Role::Manager));
        assert!(!Actor::Setup.at_least(Role::Coach));
        assert_eq!(Role::parse(" Manager "), Some(Role::Manager));
        assert_eq!(Role::parse("admin"), None);
    }
}
