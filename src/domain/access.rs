//! Who is asking and which projects they may see: plain data that every layer may use (the
//! database queries apply a [`ProjectScope`]; `auth::policy` decides everything else).

use serde::Serialize;
use uuid::Uuid;

use crate::domain::role::Role;

/// The signed-in user of a request (the web layer loads it once per request).
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct CurrentUser {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub unit_id: Option<Uuid>,
    pub unit_code: Option<String>,
    pub unit_name: Option<String>,
}

/// Which projects a user may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProjectScope {
    /// Officials (and admins, who support them) see every project.
    All,
    /// A lead sees the projects of the task forces they belong to.
    TaskForcesOf(Uuid),
    /// Unit staff see the projects where their unit leads, is a member unit, or is responsible for an item.
    Unit(Uuid),
    /// An investor sees only the projects linked to their account.
    InvestorOf(Uuid),
    /// Nothing (a member without a unit cannot exist, but the policy does not rely on it).
    Nothing,
}

pub fn project_scope(user: &CurrentUser) -> ProjectScope {
    match user.role {
        Role::Admin | Role::Official => ProjectScope::All,
        Role::Lead => ProjectScope::TaskForcesOf(user.id),
        Role::Member => user.unit_id.map_or(ProjectScope::Nothing, ProjectScope::Unit),
        Role::Investor => ProjectScope::InvestorOf(user.id),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A user of `role` (and `unit`), for the policy's tests too.
    pub(crate) fn user(role: Role, unit: Option<Uuid>) -> CurrentUser {
        CurrentUser {
            id: Uuid::from_u128(1),
            username: "u".into(),
            display_name: "U".into(),
            role,
            unit_id: unit,
            unit_code: None,
            unit_name: None,
        }
    }

    #[test]
    fn officials_and_admins_see_all_projects() {
        assert_eq!(project_scope(&user(Role::Official, None)), ProjectScope::All);
        assert_eq!(project_scope(&user(Role::Admin, None)), ProjectScope::All);
    }

    #[test]
    fn others_see_only_their_own() {
        let unit = Uuid::from_u128(7);
        assert_eq!(
            project_scope(&user(Role::Lead, None)),
            ProjectScope::TaskForcesOf(Uuid::from_u128(1))
        );
        assert_eq!(project_scope(&user(Role::Member, Some(unit))), ProjectScope::Unit(unit));
        assert_eq!(project_scope(&user(Role::Member, None)), ProjectScope::Nothing);
        assert_eq!(
            project_scope(&user(Role::Investor, None)),
            ProjectScope::InvestorOf(Uuid::from_u128(1))
        );
    }
}
