//! What a project's page and a unit's queue read, kept between requests. Each read is kept with
//! the count of changes to what it shows, taken before it (`db::changes`); a request takes the
//! count as it starts, and a read kept with the same count holds every change the request could
//! see (perhaps later ones too). Any change to what the page shows — through the application or
//! written straight to the database — makes the count grow, and the next request reads again: no
//! kept read outlives a change it depends on. Each instance keeps its own; they need not tell each
//! other anything.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

use crate::app::investment::{self, Panel};
use crate::auth::policy;
use crate::db::items::{self, Line};
use crate::db::projects::{self, Sheet};
use crate::db::settings::Settings;
use crate::db::units::{self, Unit};
use crate::domain::access::CurrentUser;
use crate::error::{AppError, AppResult};

/// Reads kept by key, at most `limit` of them (the least recently used goes first).
pub struct Kept<K, V> {
    limit: usize,
    entries: Mutex<Entries<K, V>>,
}

struct Entries<K, V> {
    map: HashMap<K, Entry<V>>,
    /// Counts the uses, to know the least recent.
    clock: u64,
}

struct Entry<V> {
    changes: i64,
    value: Arc<V>,
    used: u64,
}

impl<K: Eq + Hash + Clone, V> Kept<K, V> {
    pub fn new(limit: usize) -> Self {
        Kept {
            limit,
            entries: Mutex::new(Entries {
                map: HashMap::new(),
                clock: 0,
            }),
        }
    }

    /// The read kept for `key` with this count of changes.
    pub fn get(&self, key: &K, changes: i64) -> Option<Arc<V>> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.clock += 1;
        let now = entries.clock;
        let entry = entries.map.get_mut(key).filter(|e| e.changes == changes)?;
        entry.used = now;
        Some(Arc::clone(&entry.value))
    }

    /// Keeps a read taken after `changes` changes, unless one taken after more is kept.
    pub fn keep(&self, key: K, changes: i64, value: Arc<V>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.clock += 1;
        let used = entries.clock;
        if entries.map.get(&key).is_some_and(|e| e.changes > changes) {
            return;
        }
        if entries.map.len() >= self.limit && !entries.map.contains_key(&key) {
            let oldest = entries.map.iter().min_by_key(|(_, e)| e.used).map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                entries.map.remove(&oldest);
            }
        }
        entries.map.insert(key, Entry { changes, value, used });
    }
}

/// What a project's page reads: the sheet, the checklist and the investment panel.
pub struct ProjectRead {
    pub sheet: Sheet,
    pub lines: Vec<Line>,
    pub panel: Panel,
}

/// One page of a unit's open items, and how many there are.
pub struct QueueRead {
    pub lines: Vec<Line>,
    pub total: i64,
}

/// The reads the pages keep: a project's by project, county day (its investment panel judges the
/// day) and how many updates and entries were read; a unit's queue by unit, page and page size.
pub struct Pages {
    projects: Kept<(Uuid, NaiveDate, i64), ProjectRead>,
    queues: Kept<(Uuid, i64, i64), QueueRead>,
}

/// Projects and queue pages kept at most, each instance: a few hundred kilobytes each at most.
const KEPT_PROJECTS: usize = 500;
const KEPT_QUEUES: usize = 500;

impl Default for Pages {
    fn default() -> Self {
        Pages {
            projects: Kept::new(KEPT_PROJECTS),
            queues: Kept::new(KEPT_QUEUES),
        }
    }
}

/// A project as its page shows it, and whether `user` is on its task force; `NotFound` when it
/// does not exist or the user's scope does not show it. The latest `latest` progress updates and
/// history entries are read whoever asks (the caller shows them to internal readers only).
pub async fn project(
    db: &PgPool,
    pages: &Pages,
    settings: &Settings,
    user: &CurrentUser,
    id: Uuid,
    latest: i64,
) -> AppResult<(Arc<ProjectRead>, bool)> {
    let scope = policy::project_scope(user);
    // Every read on one connection: the pool checks a connection each time it is handed back.
    let mut conn = db.acquire().await?;
    let check = projects::page_check(&mut conn, scope, id, user.id).await?;
    if !check.visible {
        return Err(AppError::NotFound);
    }
    let key = (id, settings.today(), latest);
    if let Some(read) = pages.projects.get(&key, check.changes) {
        return Ok((read, check.on_task_force));
    }
    let sheet = projects::sheet(&mut conn, scope, id, latest)
        .await?
        .ok_or(AppError::NotFound)?;
    let lines = items::lines_of_project(&mut conn, id).await?;
    let panel = investment::panel(&mut conn, settings, id).await?;
    let read = Arc::new(ProjectRead { sheet, lines, panel });
    pages.projects.keep(key, check.changes, Arc::clone(&read));
    Ok((read, check.on_task_force))
}

/// The unit with this code and page `page` of its open items (`size` each); `NotFound` when no
/// unit has the code, `Forbidden` when the user may not see its queue.
pub async fn queue(
    db: &PgPool,
    pages: &Pages,
    user: &CurrentUser,
    code: &str,
    page: i64,
    size: i64,
) -> AppResult<(Unit, Arc<QueueRead>)> {
    let mut conn = db.acquire().await?;
    let (unit, changes) = units::by_code_with_changes(&mut conn, code)
        .await?
        .ok_or(AppError::NotFound)?;
    if !policy::may_view_unit_queue(user, unit.id) {
        return Err(AppError::Forbidden);
    }
    let key = (unit.id, page, size);
    if let Some(read) = pages.queues.get(&key, changes) {
        return Ok((unit, read));
    }
    let (lines, total) = items::unit_queue(&mut conn, unit.id, size, (page - 1) * size).await?;
    let read = Arc::new(QueueRead { lines, total });
    pages.queues.keep(key, changes, Arc::clone(&read));
    Ok((unit, read))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(kept: &Kept<u32, &'static str>, key: u32, changes: i64) -> Option<&'static str> {
        kept.get(&key, changes).map(|v| *v)
    }

    #[test]
    fn a_read_answers_only_the_count_it_was_kept_with() {
        let kept = Kept::new(10);
        kept.keep(1, 5, Arc::new("five"));
        assert_eq!(value(&kept, 1, 5), Some("five"));
        assert_eq!(value(&kept, 1, 6), None, "a change since");
        assert_eq!(
            value(&kept, 1, 4),
            None,
            "a request that saw fewer changes reads itself"
        );
        assert_eq!(value(&kept, 2, 5), None, "another key");
    }

    #[test]
    fn a_read_after_more_changes_is_not_replaced_by_an_older_one() {
        let kept = Kept::new(10);
        kept.keep(1, 6, Arc::new("six"));
        kept.keep(1, 5, Arc::new("five"));
        assert_eq!(value(&kept, 1, 6), Some("six"));
        assert_eq!(value(&kept, 1, 5), None);
        kept.keep(1, 7, Arc::new("seven"));
        assert_eq!(value(&kept, 1, 7), Some("seven"));
    }

    #[test]
    fn the_least_recently_used_goes_first_when_full() {
        let kept = Kept::new(2);
        kept.keep(1, 1, Arc::new("one"));
        kept.keep(2, 1, Arc::new("two"));
        assert_eq!(value(&kept, 1, 1), Some("one"), "1 used after 2");
        kept.keep(3, 1, Arc::new("three"));
        assert_eq!(value(&kept, 2, 1), None, "2 was the least recently used");
        assert_eq!(value(&kept, 1, 1), Some("one"));
        assert_eq!(value(&kept, 3, 1), Some("three"));
        kept.keep(3, 2, Arc::new("three again"));
        assert_eq!(value(&kept, 1, 1), Some("one"), "a key kept anew takes no one's place");
    }
}
