//! The to-do list: what waits for the caller, by section (domain::todo), with counts.

use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::policy;
use crate::db::settings::Settings;
use crate::db::todo::{self, Asking};
use crate::domain::access::CurrentUser;
use crate::domain::todo::Section;
use crate::error::AppResult;

/// How many entries a section shows; its count says how many there are.
pub const SHOWN: i64 = 5;

pub struct Entry {
    pub title: String,
    pub project: String,
    /// The item, the request or the project.
    pub target: Uuid,
    /// When it became the caller's turn, or its deadline.
    pub day: NaiveDate,
}

pub struct Part {
    pub section: Section,
    pub count: i64,
    pub entries: Vec<Entry>,
}

fn asking<'a>(settings: &'a Settings, user: &CurrentUser) -> Asking<'a> {
    Asking {
        scope: policy::project_scope(user),
        user: user.id,
        unit: user.unit_id,
        today: settings.today(),
        due_soon_days: settings.due_soon_days,
        time_zone: &settings.time_zone,
        report_due_day: settings.report_due_day,
    }
}

/// How many things wait for the caller, all sections together.
pub async fn waiting(db: &PgPool, settings: &Settings, user: &CurrentUser) -> AppResult<i64> {
    let sections = Section::for_role(user.role, user.unit_id.is_some());
    Ok(todo::total(db, &asking(settings, user), &sections).await?)
}

/// The caller's sections, in their order, each with its count (empty ones included).
pub async fn of(db: &PgPool, settings: &Settings, user: &CurrentUser) -> AppResult<Vec<Part>> {
    let sections = Section::for_role(user.role, user.unit_id.is_some());
    let asking = asking(settings, user);
    let rows = todo::rows(db, &asking, &sections, SHOWN).await?;
    Ok(sections
        .into_iter()
        .map(|section| {
            let mine: Vec<&todo::Row> = rows.iter().filter(|r| r.kind == section.as_str()).collect();
            Part {
                section,
                count: mine.first().map_or(0, |r| r.total),
                entries: mine
                    .into_iter()
                    .map(|r| Entry {
                        title: r.title.clone(),
                        project: r.project.clone(),
                        target: r.target,
                        day: r.day,
                    })
                    .collect(),
            }
        })
        .collect())
}
