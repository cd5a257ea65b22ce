//! The project visibility rule of a [`ProjectScope`] in SQL: every query that lists or finds
//! projects, items or requests for a user applies it.

use uuid::Uuid;

use crate::domain::access::ProjectScope;

/// The visibility rule of [`ProjectScope`] as a predicate on `projects p`; `$1` kind, `$2` id (see
/// [`scope_params`]). One text per kind of scope, so that each is planned once per connection and
/// its plan kept, rather than one text with every kind's branch planned again on each call.
pub(crate) fn in_scope(scope: ProjectScope) -> &'static str {
    match scope {
        ProjectScope::All => "($1::text = 'all' AND $2::uuid IS NULL)",
        ProjectScope::TaskForcesOf(_) => {
            "($1::text = 'lead' AND EXISTS (
                SELECT 1 FROM task_force_members m JOIN task_forces f ON f.id = m.task_force_id
                WHERE f.project_id = p.id AND m.user_id = $2))"
        }
        ProjectScope::Unit(_) => {
            "($1::text = 'unit' AND (
                EXISTS (SELECT 1 FROM task_forces f WHERE f.project_id = p.id AND (f.lead_unit_id = $2
                        OR EXISTS (SELECT 1 FROM task_force_units tu WHERE tu.task_force_id = f.id AND tu.unit_id = $2)))
                OR EXISTS (SELECT 1 FROM checklist_items i WHERE i.project_id = p.id AND i.responsible_unit_id = $2)))"
        }
        ProjectScope::InvestorOf(_) => {
            "($1::text = 'investor' AND EXISTS (
                SELECT 1 FROM investor_projects ip WHERE ip.project_id = p.id AND ip.user_id = $2))"
        }
        ProjectScope::Nothing => "($1::text = 'nothing' AND $2::uuid IS NULL AND false)",
    }
}

/// A first column for queries over `projects p` with the user as `$3`: whether they belong to the
/// project's task force (what lets a lead edit its checklist).
pub(crate) const ON_TASK_FORCE: &str = "SELECT EXISTS (SELECT 1 FROM task_force_members m
        JOIN task_forces f ON f.id = m.task_force_id WHERE f.project_id = p.id AND m.user_id = $3) AS on_task_force, ";

pub(crate) fn scope_params(scope: ProjectScope) -> (&'static str, Option<Uuid>) {
    match scope {
        ProjectScope::All => ("all", None),
        ProjectScope::TaskForcesOf(id) => ("lead", Some(id)),
        ProjectScope::Unit(id) => ("unit", Some(id)),
        ProjectScope::InvestorOf(id) => ("investor", Some(id)),
        ProjectScope::Nothing => ("nothing", None),
    }
}
