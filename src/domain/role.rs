//! The five roles of DOMAIN.md.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Manages users, units and settings.
    Admin,
    /// County leadership and the dispatch office: sees everything.
    Official,
    /// Leader or liaison of task forces: edits their checklists and meetings.
    Lead,
    /// Staff of a responsible unit: works the unit's items.
    Member,
    /// The project company: sees its own projects only.
    Investor,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Admin, Role::Official, Role::Lead, Role::Member, Role::Investor];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Official => "official",
            Role::Lead => "lead",
            Role::Member => "member",
            Role::Investor => "investor",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("Admin"), None);
        assert_eq!(Role::parse("root"), None);
    }
}
