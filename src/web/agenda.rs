//! A meeting with its agenda, as the meeting page and the API show it: per project its flagged
//! items, open earlier decisions, investors' requests, stage changes and minutes.

use std::collections::HashMap;

use uuid::Uuid;

use super::AppState;
use super::error::{AppError, AppResult};
use super::rows::ItemRow;
use crate::app;
use crate::auth::{CurrentUser, policy};
use crate::db::meetings::{self, Meeting};
use crate::db::{items, projects, settings, units};
use crate::domain::lifecycle::Stage;
use crate::domain::meeting;
use crate::i18n::Catalog;

/// Meetings are internal: investors see none.
pub fn visible_scope(user: &CurrentUser) -> AppResult<policy::ProjectScope> {
    if !policy::sees_internal(user) {
        return Err(AppError::NotFound);
    }
    Ok(policy::project_scope(user))
}

pub struct AgendaProject {
    pub id: Uuid,
    pub name: String,
    pub flagged: Vec<ItemRow>,
    pub open_decisions: Vec<ItemRow>,
    pub requests: Vec<String>,
    pub stage_changes: Vec<String>,
    pub minutes: String,
}

/// A meeting with its agenda, as the page and the API show it.
pub struct Agenda {
    pub meeting: Meeting,
    /// Points the chair added, in order.
    pub points: Vec<meetings::Point>,
    pub projects: Vec<AgendaProject>,
    pub decisions: Vec<ItemRow>,
    pub last: Vec<(ItemRow, &'static str)>,
    pub unit_names: Vec<String>,
}

/// The meeting if the user may see it (404 otherwise), with its agenda.
pub async fn agenda(state: &AppState, t: &'static Catalog, user: &CurrentUser, id: Uuid) -> AppResult<Agenda> {
    let meeting = app::meetings::visible(&state.db, user, id).await?;
    let names = projects::visible_names(&state.db, policy::project_scope(user), &meeting.project_ids).await?;
    let settings = settings::load(&state.db).await?;
    let (today, th) = (settings.today(), settings.thresholds());
    let ids: Vec<Uuid> = names.iter().map(|(id, _)| *id).collect();
    let overdue = items::overdue_of_projects(&state.db, &ids, today).await?;
    let open = meetings::open_earlier_decisions(&state.db, &meeting).await?;
    let requests = meetings::pending_requests(&state.db, &ids).await?;
    let previous = meetings::previous(&state.db, &meeting).await?;
    let since = match previous {
        Some(p) => meetings::get(&state.db, p)
            .await?
            .map_or(meeting.starts_at, |m| m.starts_at),
        None => meeting.starts_at - chrono::Duration::days(7),
    };
    let changes = meetings::stage_changes(&state.db, &ids, since).await?;
    let minutes: HashMap<Uuid, Option<String>> = meetings::project_minutes(&state.db, id).await?.into_iter().collect();
    let all_units = units::all(&state.db).await?;
    let row = |i: &items::Item| ItemRow::new(&items::Line::from(i), t, today, th, &settings.service_level().calendar);
    let projects = names
        .iter()
        .map(|(pid, name)| AgendaProject {
            id: *pid,
            name: name.clone(),
            flagged: overdue.iter().filter(|i| i.project_id == *pid).map(row).collect(),
            open_decisions: open.iter().filter(|i| i.project_id == *pid).map(row).collect(),
            requests: requests
                .iter()
                .filter(|r| r.project_id == *pid)
                .map(|r| r.title.clone())
                .collect(),
            stage_changes: changes
                .iter()
                .filter(|c| c.project_id == *pid)
                .map(|c| {
                    let stage = Stage::parse(&c.stage).map_or(c.stage.clone(), |s| t.stage(s).to_string());
                    c.on.map_or(stage.clone(), |d| format!("{stage} · {d}"))
                })
                .collect(),
            minutes: minutes.get(pid).cloned().flatten().unwrap_or_default(),
        })
        .collect();
    let last = match previous {
        Some(p) => meetings::decisions(&state.db, p)
            .await?
            .iter()
            .filter(|i| ids.contains(&i.project_id))
            .map(|i| (row(i), t.outcome(meeting::outcome(i.state, i.deadline, i.closed_on))))
            .collect(),
        None => Vec::new(),
    };
    let decisions = meetings::decisions(&state.db, id).await?.iter().map(row).collect();
    let unit_names = all_units
        .iter()
        .filter(|u| meeting.unit_ids.contains(&u.id))
        .map(|u| u.name.clone())
        .collect();
    let points = meetings::points(&state.db, id).await?;
    Ok(Agenda {
        meeting,
        points,
        projects,
        decisions,
        last,
        unit_names,
    })
}
