//! The to-do list: what waits for the caller, by section (domain::todo), with counts; read once
//! per state of the data (see [`Kept`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::policy;
use crate::db::seen::Seen;
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

/// The to-do lists last read, one per user, each with the snapshot it was read in
/// (`pg_current_snapshot()`, see `db::seen`) and the county's day. A request reads the snapshot
/// with its user as it starts; a list read in a snapshot that covers it holds every change the
/// request could see (and perhaps later ones), so it answers the request, and a change committed
/// since makes the next request read the list again: no kept list outlives a change it depends on.
/// The lists hold nothing that moves by itself within a day (sections compare with the county's
/// day, not the clock). The requests of one user that miss wait for one read rather than each
/// making their own. Each instance keeps its own lists; they need not tell each other anything.
#[derive(Default)]
pub struct Kept {
    users: Mutex<HashMap<Uuid, Kept1>>,
}

/// One user's list as last read, and the turn to read it anew.
#[derive(Default)]
struct Kept1 {
    read: Option<Read>,
    turn: Arc<tokio::sync::Mutex<()>>,
}

struct Read {
    seen: Seen,
    today: NaiveDate,
    rows: Arc<Vec<todo::Row>>,
}

/// Users kept at most: far more than sign in to one instance in a day.
const KEPT_USERS: usize = 10_000;

impl Kept {
    fn get(&self, user: Uuid, seen: &Seen, today: NaiveDate) -> Option<Arc<Vec<todo::Row>>> {
        let users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        let read = users.get(&user)?.read.as_ref()?;
        (read.today == today && read.seen.covers(seen)).then(|| Arc::clone(&read.rows))
    }

    /// The user's turn to read their list (held while reading it).
    fn turn(&self, user: Uuid) -> Arc<tokio::sync::Mutex<()>> {
        let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        if users.len() >= KEPT_USERS && !users.contains_key(&user) {
            users.clear();
        }
        Arc::clone(&users.entry(user).or_default().turn)
    }

    /// Keeps a list read in `seen`, unless the one kept was read later (on the same day).
    fn keep(&self, user: Uuid, seen: Seen, today: NaiveDate, rows: Arc<Vec<todo::Row>>) {
        let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        let kept = users.entry(user).or_default();
        let newer = kept
            .read
            .as_ref()
            .is_some_and(|r| r.today == today && r.seen.covers(&seen) && r.seen != seen);
        if !newer {
            kept.read = Some(Read { seen, today, rows });
        }
    }
}

/// The caller's entries of every section (the first [`SHOWN`] of each) with the sections' counts:
/// kept from a read that covers the request's snapshot `seen` on the same day, or read now.
/// `seen` is `None` when the request has no snapshot to compare (nothing is kept then).
async fn rows(
    db: &PgPool,
    kept: &Kept,
    settings: &Settings,
    seen: Option<&str>,
    user: &CurrentUser,
) -> AppResult<Arc<Vec<todo::Row>>> {
    let today = settings.today();
    let sections = Section::for_role(user.role, user.unit_id.is_some());
    if sections.is_empty() {
        return Ok(Arc::default());
    }
    let Some(seen) = seen.and_then(Seen::parse) else {
        let (_, rows) = todo::rows(db, &asking(settings, user), &sections, SHOWN).await?;
        return Ok(Arc::new(rows));
    };
    if let Some(rows) = kept.get(user.id, &seen, today) {
        return Ok(rows);
    }
    let turn = kept.turn(user.id);
    let _turn = turn.lock().await;
    // Read meanwhile by the request whose turn it was?
    if let Some(rows) = kept.get(user.id, &seen, today) {
        return Ok(rows);
    }
    let (read_in, rows) = todo::rows(db, &asking(settings, user), &sections, SHOWN).await?;
    let rows = Arc::new(rows);
    if let Some(read_in) = Seen::parse(&read_in) {
        kept.keep(user.id, read_in, today, Arc::clone(&rows));
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

    fn seen(text: &str) -> Seen {
        Seen::parse(text).unwrap()
    }

    #[test]
    fn a_list_answers_the_requests_its_snapshot_covers_on_its_day() {
        let kept = Kept::default();
        let (user, other) = (Uuid::new_v4(), Uuid::new_v4());
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        kept.keep(
            user,
            seen("100:104:101"),
            day,
            Arc::new(vec![row(Section::ToVerify, 3)]),
        );
        assert_eq!(kept.get(user, &seen("100:104:101"), day).map(|r| r[0].total), Some(3));
        assert!(
            kept.get(user, &seen("100:103:101"), day).is_some(),
            "a request begun earlier"
        );
        assert!(
            kept.get(user, &seen("100:105:101"), day).is_none(),
            "104 finished since: read again"
        );
        assert!(kept.get(user, &seen("102:104:"), day).is_none(), "101 finished since");
        assert!(
            kept.get(user, &seen("100:104:101"), day.succ_opt().unwrap()).is_none(),
            "the next day"
        );
        assert!(
            kept.get(other, &seen("100:104:101"), day).is_none(),
            "another user's list"
        );
    }

    #[test]
    fn a_later_read_is_not_replaced_by_an_earlier_one() {
        let kept = Kept::default();
        let user = Uuid::new_v4();
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        kept.keep(user, seen("100:105:"), day, Arc::new(Vec::new()));
        kept.keep(
            user,
            seen("100:104:101"),
            day,
            Arc::new(vec![row(Section::ToVerify, 1)]),
        );
        assert_eq!(kept.get(user, &seen("100:105:"), day).map(|r| r.len()), Some(0));
        kept.keep(user, seen("100:106:"), day, Arc::new(vec![row(Section::ToVerify, 2)]));
        assert_eq!(kept.get(user, &seen("100:105:"), day).map(|r| r[0].total), Some(2));
    }

    #[test]
    fn the_kept_lists_stay_bounded() {
        let kept = Kept::default();
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let first = Uuid::new_v4();
        kept.turn(first);
        kept.keep(first, seen("1:2:"), day, Arc::new(Vec::new()));
        for _ in 1..KEPT_USERS {
            kept.turn(Uuid::new_v4());
        }
        assert!(kept.get(first, &seen("1:2:"), day).is_some());
        kept.turn(Uuid::new_v4());
        assert!(kept.get(first, &seen("1:2:"), day).is_none(), "full: started afresh");
        assert_eq!(kept.users.lock().unwrap().len(), 1);
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
