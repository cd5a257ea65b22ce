//! The to-do list: what waits for the caller, by section (domain::todo), with counts; read once
//! per state of the data (see [`Kept`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

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

/// The to-do lists last read, one per user, each with the state of the data it was read in and
/// the county's day. The state is PostgreSQL's snapshot (`pg_current_snapshot()`, read with the
/// user at the start of each request): two equal snapshots see the same committed data, and any
/// commit anywhere makes the next one differ, so a list kept for the state a request starts in is
/// the list that request would read, and no kept list outlives a change it depends on. The lists
/// hold nothing that moves by itself within a day (sections compare with the county's day, not
/// the clock). Each instance keeps its own; they need not tell each other anything.
#[derive(Default)]
pub struct Kept {
    lists: Mutex<HashMap<Uuid, Read>>,
}

struct Read {
    seen: String,
    today: NaiveDate,
    rows: Arc<Vec<todo::Row>>,
}

/// Lists kept at most: far more users than sign in to one instance in a day.
const KEPT_USERS: usize = 10_000;

impl Kept {
    fn get(&self, user: Uuid, seen: &str, today: NaiveDate) -> Option<Arc<Vec<todo::Row>>> {
        let lists = self.lists.lock().unwrap_or_else(|e| e.into_inner());
        let read = lists.get(&user)?;
        (read.seen == seen && read.today == today).then(|| Arc::clone(&read.rows))
    }

    fn keep(&self, user: Uuid, seen: &str, today: NaiveDate, rows: Arc<Vec<todo::Row>>) {
        let mut lists = self.lists.lock().unwrap_or_else(|e| e.into_inner());
        if lists.len() >= KEPT_USERS && !lists.contains_key(&user) {
            lists.clear();
        }
        let seen = seen.to_string();
        lists.insert(user, Read { seen, today, rows });
    }
}

/// The caller's entries of every section (the first [`SHOWN`] of each) with the sections' counts:
/// kept from an earlier request in the same state `seen` of the data on the same day, or read now.
/// `seen` is `None` when the request has no state to compare (nothing is kept then).
async fn rows(
    db: &PgPool,
    kept: &Kept,
    settings: &Settings,
    seen: Option<&str>,
    user: &CurrentUser,
) -> AppResult<Arc<Vec<todo::Row>>> {
    let today = settings.today();
    if let Some(rows) = seen.and_then(|s| kept.get(user.id, s, today)) {
        return Ok(rows);
    }
    let sections = Section::for_role(user.role, user.unit_id.is_some());
    let rows = Arc::new(todo::rows(db, &asking(settings, user), &sections, SHOWN).await?);
    if let Some(seen) = seen {
        kept.keep(user.id, seen, today, Arc::clone(&rows));
    }
    Ok(rows)
}

/// Each section's count, from its first row (every row of a section carries the count).
fn count_of(rows: &[todo::Row], section: Section) -> i64 {
    rows.iter().find(|r| r.kind == section.as_str()).map_or(0, |r| r.total)
}

/// How many things wait for the caller, all sections together.
pub async fn waiting(
    db: &PgPool,
    kept: &Kept,
    settings: &Settings,
    seen: Option<&str>,
    user: &CurrentUser,
) -> AppResult<i64> {
    let rows = rows(db, kept, settings, seen, user).await?;
    Ok(Section::for_role(user.role, user.unit_id.is_some())
        .into_iter()
        .map(|s| count_of(&rows, s))
        .sum())
}

/// The caller's sections, in their order, each with its count (empty ones included).
pub async fn of(
    db: &PgPool,
    kept: &Kept,
    settings: &Settings,
    seen: Option<&str>,
    user: &CurrentUser,
) -> AppResult<Vec<Part>> {
    let rows = rows(db, kept, settings, seen, user).await?;
    Ok(Section::for_role(user.role, user.unit_id.is_some())
        .into_iter()
        .map(|section| Part {
            section,
            count: count_of(&rows, section),
            entries: rows
                .iter()
                .filter(|r| r.kind == section.as_str())
                .map(|r| Entry {
                    title: r.title.clone(),
                    project: r.project.clone(),
                    target: r.target,
                    day: r.day,
                })
                .collect(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: Section, total: i64) -> todo::Row {
        todo::Row {
            kind: kind.as_str().into(),
            title: "t".into(),
            project: "p".into(),
            target: Uuid::new_v4(),
            day: NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            total,
        }
    }

    #[test]
    fn a_list_is_kept_for_its_user_state_and_day_only() {
        let kept = Kept::default();
        let (user, other) = (Uuid::new_v4(), Uuid::new_v4());
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        kept.keep(user, "100:104:101", day, Arc::new(vec![row(Section::ToVerify, 3)]));
        assert_eq!(kept.get(user, "100:104:101", day).map(|r| r[0].total), Some(3));
        assert!(
            kept.get(user, "100:105:101", day).is_none(),
            "a commit since: read again"
        );
        assert!(
            kept.get(user, "100:104:101", day.succ_opt().unwrap()).is_none(),
            "the next day"
        );
        assert!(kept.get(other, "100:104:101", day).is_none(), "another user's list");
        kept.keep(user, "100:105:101", day, Arc::new(Vec::new()));
        assert!(
            kept.get(user, "100:104:101", day).is_none(),
            "one list a user: the latest"
        );
        assert_eq!(kept.get(user, "100:105:101", day).map(|r| r.len()), Some(0));
    }

    #[test]
    fn the_kept_lists_stay_bounded() {
        let kept = Kept::default();
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let first = Uuid::new_v4();
        kept.keep(first, "1:2:", day, Arc::new(Vec::new()));
        for _ in 1..KEPT_USERS {
            kept.keep(Uuid::new_v4(), "1:2:", day, Arc::new(Vec::new()));
        }
        assert!(kept.get(first, "1:2:", day).is_some());
        kept.keep(Uuid::new_v4(), "1:2:", day, Arc::new(Vec::new()));
        assert!(kept.get(first, "1:2:", day).is_none(), "full: started afresh");
        assert_eq!(kept.lists.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_section_counts_once_whatever_rows_it_shows() {
        let rows = vec![
            row(Section::ToVerify, 7),
            row(Section::ToVerify, 7),
            row(Section::ReportsDue, 2),
        ];
        assert_eq!(count_of(&rows, Section::ToVerify), 7);
        assert_eq!(count_of(&rows, Section::ReportsDue), 2);
        assert_eq!(count_of(&rows, Section::ToTriage), 0);
    }
}
