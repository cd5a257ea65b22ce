//! The to-do panel at the top of each role's landing page (the dashboard, the unit's queue, the
//! portal, the projects list), in words and links.

use super::AppState;
use super::context::RequestContext;
use crate::app;
use crate::auth::CurrentUser;
use crate::db::settings::Settings;
use crate::domain::todo::{Section, Target};
use crate::error::AppResult;
use crate::links;

pub struct EntryView {
    pub href: String,
    pub title: String,
    pub project: String,
    pub day: String,
}

pub struct PartView {
    pub label: &'static str,
    pub count: i64,
    pub entries: Vec<EntryView>,
    /// The page listing all of them, when there are more than shown.
    pub more: Option<(String, String)>,
}

/// What waits for the user: the sections of their role that hold something (none: nothing waits).
pub struct TodoView {
    pub parts: Vec<PartView>,
}

impl TodoView {
    pub async fn load(
        state: &AppState,
        settings: &Settings,
        ctx: &RequestContext,
        user: &CurrentUser,
    ) -> AppResult<TodoView> {
        let t = ctx.t();
        let parts = app::todo::of(&state.db, &state.todo, settings, ctx.seen(), user).await?;
        let all_of = |s: Section| match s {
            Section::ToVerify => Some("/verifications".to_string()),
            Section::ToTriage => Some("/requests".to_string()),
            Section::UnitDue | Section::SentBack | Section::OrdersToAnswer => user.unit_code.as_ref().map(links::unit),
            Section::Answered | Section::ToRate => Some("/portal".to_string()),
            Section::DecisionsDue | Section::RepliesLate => Some("/dashboard".to_string()),
            Section::ReportsDue => Some("/investment".to_string()),
        };
        Ok(TodoView {
            parts: parts
                .into_iter()
                .filter(|p| p.count > 0)
                .map(|p| PartView {
                    label: t.todo_section(p.section),
                    count: p.count,
                    more: (p.count > p.entries.len() as i64)
                        .then(|| all_of(p.section).map(|href| (href, t.todo_more(p.count))))
                        .flatten(),
                    entries: p
                        .entries
                        .into_iter()
                        .map(|e| EntryView {
                            href: match p.section.target() {
                                Target::Item => links::item(e.target),
                                Target::Request => links::request(e.target),
                                Target::Project => links::investment(e.target),
                            },
                            title: e.title,
                            project: e.project,
                            day: e.day.to_string(),
                        })
                        .collect(),
                })
                .collect(),
        })
    }
}
