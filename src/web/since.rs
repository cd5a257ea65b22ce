//! Since last week: for each project and each unit, what changed since the last weekly snapshot.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::AppState;
use super::context::RequestContext;
use super::error::AppResult;
use super::layout::Layout;
use crate::auth::{CurrentUser, policy};
use crate::db::since::{self, Change};
use crate::db::standings;
use crate::domain::lifecycle::Stage;
use crate::web::error::AppError;

pub struct Line {
    pub kind: &'static str,
    pub class: &'static str,
    pub what: String,
    pub item_id: Option<uuid::Uuid>,
    pub context: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "since.html")]
pub struct SincePage {
    layout: Layout,
    intro: Option<String>,
    /// By project, then by unit.
    sections: Vec<(&'static str, Groups)>,
}

/// Changes under each name (a project's or a unit's).
type Groups = Vec<(String, Vec<Line>)>;

pub async fn show(State(state): State<AppState>, ctx: RequestContext, user: CurrentUser) -> AppResult<SincePage> {
    if !policy::sees_internal(&user) {
        return Err(AppError::Forbidden);
    }
    let t = ctx.t();
    let Some(week) = standings::weekly(&state.db, 1).await?.into_iter().next() else {
        return Ok(SincePage {
            layout: Layout::new(&ctx),
            intro: None,
            sections: Vec::new(),
        });
    };
    let changes = since::changes(&state.db, week.id, week.created_at).await?;
    let line = |c: &Change, context: String| Line {
        kind: t.standings.changes[c.kind as usize],
        class: match c.kind {
            since::ChangeKind::TurnedRed => "red",
            since::ChangeKind::TurnedYellow => "yellow",
            _ => "plain",
        },
        what: if c.item_id.is_none() {
            Stage::parse(&c.what).map_or(c.what.clone(), |s| t.stage(s).into())
        } else {
            c.what.clone()
        },
        item_id: c.item_id,
        context,
    };
    let mut by_project: BTreeMap<String, Vec<Line>> = BTreeMap::new();
    let mut by_unit: BTreeMap<String, Vec<Line>> = BTreeMap::new();
    for c in &changes {
        by_project
            .entry(c.project_name.clone())
            .or_default()
            .push(line(c, c.unit.clone().unwrap_or_default()));
        if let Some(unit) = &c.unit {
            by_unit
                .entry(unit.clone())
                .or_default()
                .push(line(c, c.project_name.clone()));
        }
    }
    Ok(SincePage {
        layout: Layout::new(&ctx),
        intro: Some(t.since(week.as_of)),
        sections: vec![
            (t.standings.since_by_project, by_project.into_iter().collect()),
            (t.standings.since_by_unit, by_unit.into_iter().collect()),
        ],
    })
}
