//! Who may see and do what. Every handler asks here; the database queries apply the scopes
//! decided here rather than deciding themselves.

use uuid::Uuid;

use crate::domain::access::CurrentUser;
pub use crate::domain::access::{ProjectScope, project_scope};
use crate::domain::checklist::Transition;
use crate::domain::role::Role;

/// Officials set up projects and their task forces, edit them and advance their stages.
pub fn may_manage_projects(user: &CurrentUser) -> bool {
    user.role == Role::Official
}

/// Admins keep the list of units; officials may add one when a new task force needs it.
pub fn may_manage_units(user: &CurrentUser) -> bool {
    matches!(user.role, Role::Admin | Role::Official)
}

/// Adding, editing, re-dating and cancelling the items of a project's checklist: an official,
/// or a lead who belongs to that project's task force.
pub fn may_edit_checklist(user: &CurrentUser, on_task_force: bool) -> bool {
    match user.role {
        Role::Official => true,
        Role::Lead => on_task_force,
        _ => false,
    }
}

/// Posting progress on an item, closing (销号) and reopening it: whoever may edit the checklist,
/// and the staff of the item's responsible unit.
pub fn may_work_item(user: &CurrentUser, on_task_force: bool, responsible_unit: Uuid) -> bool {
    may_edit_checklist(user, on_task_force) || (user.role == Role::Member && user.unit_id == Some(responsible_unit))
}

/// Who may move an item through `change`. Closing needs evidence: the responsible unit submits,
/// and may reopen; the task force's leads or an official verify, send back, cancel, or close
/// directly with a note.
pub fn may_change_item(user: &CurrentUser, on_task_force: bool, responsible_unit: Uuid, change: Transition) -> bool {
    match change {
        Transition::Cancel | Transition::Close | Transition::Verify | Transition::SendBack => {
            may_edit_checklist(user, on_task_force)
        }
        Transition::Submit | Transition::Reopen => may_work_item(user, on_task_force, responsible_unit),
    }
}

/// Setting a project's investment plan and reporting (or confirming) its months: an official, or
/// a lead of the project's task force (its liaison).
pub fn may_report_investment(user: &CurrentUser, on_task_force: bool) -> bool {
    may_edit_checklist(user, on_task_force)
}

/// The project company drafts its month's figures for the task force to confirm (the project
/// scope keeps them to their own projects).
pub fn may_draft_investment(user: &CurrentUser) -> bool {
    user.role == Role::Investor
}

/// The queue of submitted items waiting for verification: those who verify, officials for every
/// project and leads for their task forces' (the query applies the project scope).
pub fn may_verify_somewhere(user: &CurrentUser) -> bool {
    matches!(user.role, Role::Official | Role::Lead)
}

/// A unit's work queue: its own staff, and officials and admins for any unit.
pub fn may_view_unit_queue(user: &CurrentUser, unit: Uuid) -> bool {
    match user.role {
        Role::Admin | Role::Official => true,
        Role::Lead | Role::Member => user.unit_id == Some(unit),
        Role::Investor => false,
    }
}

/// The county dashboard and the units overview: officials, and admins who support them.
pub fn may_oversee_county(user: &CurrentUser) -> bool {
    matches!(user.role, Role::Admin | Role::Official)
}

/// Freezing the week's red and black lists is the dispatch office's act at the weekly meeting.
pub fn may_freeze_rankings(user: &CurrentUser) -> bool {
    user.role == Role::Official
}

/// Exempting an item or setting a project's colour by hand overrules the published rules: the
/// dispatch office's judgement, recorded with a reason.
pub fn may_adjust_standings(user: &CurrentUser) -> bool {
    user.role == Role::Official
}

/// Checklist templates are kept by the admin, like the other shared lists.
pub fn may_keep_templates(user: &CurrentUser) -> bool {
    user.role == Role::Admin
}

/// Thresholds, time zone and session limits are the admin's.
pub fn may_change_settings(user: &CurrentUser) -> bool {
    user.role == Role::Admin
}

/// Raising a request (诉求) is the investor's: on their own projects, which the scope decides.
pub fn may_raise_request(user: &CurrentUser) -> bool {
    user.role == Role::Investor
}

/// Rating the help is the investor's, once their request is resolved.
pub fn may_rate_request(user: &CurrentUser) -> bool {
    user.role == Role::Investor
}

/// Group-robot webhooks and their deliveries are seen by admins, and officials who run the
/// dispatch office (the robots' keys masked).
pub fn may_see_webhooks(user: &CurrentUser) -> bool {
    matches!(user.role, Role::Admin | Role::Official)
}

/// Adding a robot, replacing its address, switching it off: admins only (a robot's key lets
/// anyone post to the group).
pub fn may_change_webhooks(user: &CurrentUser) -> bool {
    user.role == Role::Admin
}

/// Supervision orders (督办单) are the dispatch office's: officials issue them.
pub fn may_issue_supervision(user: &CurrentUser) -> bool {
    user.role == Role::Official
}

/// The reply to a supervision order is the responsible unit's (its staff).
pub fn may_reply_supervision(user: &CurrentUser, unit: Uuid) -> bool {
    user.role == Role::Member && user.unit_id == Some(unit)
}

/// Investors never see internal information: notes, progress updates, notices, other units' work.
pub fn sees_internal(user: &CurrentUser) -> bool {
    user.role != Role::Investor
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::access::tests::user;

    #[test]
    fn the_responsible_unit_submits_and_reopens_the_task_force_decides() {
        let unit = Uuid::from_u128(7);
        let staff = user(Role::Member, Some(unit));
        let other_staff = user(Role::Member, Some(Uuid::from_u128(8)));
        let lead = user(Role::Lead, None);
        let official = user(Role::Official, None);
        for change in [Transition::Submit, Transition::Reopen] {
            assert!(may_change_item(&staff, false, unit, change), "{change:?}");
            assert!(!may_change_item(&other_staff, false, unit, change), "{change:?}");
            assert!(may_change_item(&lead, true, unit, change), "{change:?}");
        }
        for change in [
            Transition::Close,
            Transition::Cancel,
            Transition::Verify,
            Transition::SendBack,
        ] {
            assert!(!may_change_item(&staff, false, unit, change), "{change:?}");
            assert!(may_change_item(&lead, true, unit, change), "{change:?}");
            assert!(
                !may_change_item(&lead, false, unit, change),
                "another task force's lead: {change:?}"
            );
            assert!(may_change_item(&official, false, unit, change), "{change:?}");
        }
        assert!(!may_change_item(
            &user(Role::Investor, None),
            false,
            unit,
            Transition::Submit
        ));
    }

    #[test]
    fn only_officials_manage_projects() {
        assert!(may_manage_projects(&user(Role::Official, None)));
        for role in [Role::Admin, Role::Lead, Role::Member, Role::Investor] {
            assert!(!may_manage_projects(&user(role, None)), "{role:?}");
        }
        assert!(may_manage_units(&user(Role::Admin, None)));
        assert!(!may_manage_units(&user(Role::Lead, None)));
    }

    #[test]
    fn leads_edit_only_their_own_task_forces_checklists() {
        assert!(may_edit_checklist(&user(Role::Lead, None), true));
        assert!(!may_edit_checklist(&user(Role::Lead, None), false));
        assert!(may_edit_checklist(&user(Role::Official, None), false));
        assert!(!may_edit_checklist(&user(Role::Member, Some(Uuid::from_u128(7))), true));
        assert!(!may_edit_checklist(&user(Role::Admin, None), true));
    }

    #[test]
    fn members_work_only_their_units_items() {
        let unit = Uuid::from_u128(7);
        let other = Uuid::from_u128(8);
        assert!(may_work_item(&user(Role::Member, Some(unit)), false, unit));
        assert!(!may_work_item(&user(Role::Member, Some(unit)), false, other));
        assert!(may_work_item(&user(Role::Lead, None), true, other));
        assert!(!may_work_item(&user(Role::Lead, None), false, other));
        assert!(!may_work_item(&user(Role::Investor, None), true, unit));
    }

    #[test]
    fn only_officials_and_leads_have_a_verification_queue() {
        for role in Role::ALL {
            assert_eq!(
                may_verify_somewhere(&user(role, Some(Uuid::from_u128(7)))),
                matches!(role, Role::Official | Role::Lead),
                "{role:?}"
            );
        }
    }

    #[test]
    fn unit_queues_are_for_their_staff_and_officials() {
        let unit = Uuid::from_u128(7);
        assert!(may_view_unit_queue(&user(Role::Member, Some(unit)), unit));
        assert!(!may_view_unit_queue(
            &user(Role::Member, Some(unit)),
            Uuid::from_u128(8)
        ));
        assert!(may_view_unit_queue(&user(Role::Official, None), unit));
        assert!(!may_view_unit_queue(&user(Role::Investor, None), unit));
    }

    #[test]
    fn county_oversight_freezing_and_settings_belong_to_their_roles() {
        for role in Role::ALL {
            let u = user(role, Some(Uuid::from_u128(7)));
            assert_eq!(
                may_oversee_county(&u),
                matches!(role, Role::Admin | Role::Official),
                "{role:?}"
            );
            assert_eq!(may_freeze_rankings(&u), role == Role::Official, "{role:?}");
            assert_eq!(may_change_settings(&u), role == Role::Admin, "{role:?}");
            assert_eq!(may_keep_templates(&u), role == Role::Admin, "{role:?}");
        }
    }

    #[test]
    fn only_investors_raise_and_rate_requests() {
        for role in Role::ALL {
            let u = user(role, None);
            assert_eq!(may_raise_request(&u), role == Role::Investor, "{role:?}");
            assert_eq!(may_rate_request(&u), role == Role::Investor, "{role:?}");
        }
    }

    #[test]
    fn officials_order_supervision_and_the_units_staff_reply() {
        let unit = Uuid::from_u128(7);
        for role in Role::ALL {
            let u = user(role, Some(unit));
            assert_eq!(may_issue_supervision(&u), role == Role::Official, "{role:?}");
            assert_eq!(may_reply_supervision(&u, unit), role == Role::Member, "{role:?}");
            assert_eq!(
                may_see_webhooks(&u),
                matches!(role, Role::Admin | Role::Official),
                "{role:?}"
            );
            assert_eq!(may_change_webhooks(&u), role == Role::Admin, "{role:?}");
        }
        assert!(!may_reply_supervision(
            &user(Role::Member, Some(unit)),
            Uuid::from_u128(8)
        ));
    }

    #[test]
    fn investors_never_see_internal_information() {
        assert!(!sees_internal(&user(Role::Investor, None)));
        assert!(sees_internal(&user(Role::Member, Some(Uuid::from_u128(7)))));
    }
}
