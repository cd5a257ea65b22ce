//! What the last recomputation left for the county pages (dashboard and live rankings), read once
//! per run and kept in memory by each server instance.
//!
//! A run's results never change: every run replaces the live snapshot with a new one, in the same
//! transaction as the item colours and the unit figures. So the snapshot's id is the key: a
//! request reads the id (with its user, in the same statement), and only the first request after a
//! run reads the rest. Instances do not need to tell each other anything.

use std::collections::HashSet;
use std::sync::{Arc, RwLock};

use sqlx::{PgConnection, PgPool};
use tokio::sync::Mutex;
use uuid::Uuid;

use super::investment::CountyYears;
use super::projects::{self, ListQuery, ProjectSummary};
use super::requests::{self, Fact, Request};
use super::standings::{self, ColourCount, Entry, FlaggedItem, Snapshot, StageCount, UnitStanding};
use crate::domain::access::ProjectScope;

/// The flagged items a run keeps at hand: more than any page shows.
const FLAGGED_KEPT: i64 = 50;
/// Open requests kept: far more than a county has waiting at once.
const OPEN_REQUESTS_KEPT: i64 = 2000;

/// One run's results as the county pages show them.
#[derive(Debug)]
pub struct RunView {
    pub snapshot: Snapshot,
    /// Every task force, worst first (red items, yellow items, days overdue, name).
    pub entries: Vec<Entry>,
    /// The red list, then the black list, each in list order.
    pub lists: Vec<Entry>,
    pub by_colour: Vec<ColourCount>,
    /// Projects per stage: stage changes wake the engine like checklist changes.
    pub by_stage: Vec<StageCount>,
    pub units: Vec<UnitStanding>,
    /// The most overdue red and yellow items, at most [`FLAGGED_KEPT`].
    pub flagged: Vec<FlaggedItem>,
    /// The county's requests still waiting, oldest first (changes to requests wake the engine;
    /// how late they are is worked out when shown).
    pub open_requests: Vec<Request>,
    /// Every request's dates and rating, for the task forces' service figures.
    pub request_facts: Vec<Fact>,
    /// Every project with its figures, worst first: what the projects lists select from.
    pub projects: Arc<Vec<ProjectSummary>>,
    /// Every project's investment year, for the dashboard's figures (plans and reports wake the
    /// engine like checklist changes).
    pub investment: Arc<CountyYears>,
}

impl RunView {
    /// Reads the live snapshot and all that goes with it as of one moment (a run committing
    /// meanwhile is not half seen).
    async fn load(pool: &PgPool) -> Result<Option<RunView>, sqlx::Error> {
        let mut tx = pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        let view = RunView::read(&mut tx).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Reads the live snapshot and all that goes with it through `tx`: the recomputation's own
    /// transaction reads the run it is about to commit (see [`RunViews::install`]).
    pub async fn read(tx: &mut PgConnection) -> Result<Option<RunView>, sqlx::Error> {
        let Some(snapshot) = standings::current(&mut *tx).await? else {
            return Ok(None);
        };
        let id = snapshot.id;
        let settings = super::settings::load(&mut *tx).await?;
        let mut listed = projects::listed(&mut *tx).await?;
        let years = CountyYears::load(tx, settings.today()).await?;
        let judged = years.judged(settings.report_due_day(), settings.investment_rule());
        for p in &mut listed {
            p.investment = judged.get(&p.id).copied();
        }
        let view = RunView {
            entries: standings::entries(&mut *tx, id, i64::MAX).await?,
            lists: standings::lists(&mut *tx, id).await?,
            by_colour: standings::projects_by_colour(&mut *tx, id).await?,
            by_stage: standings::projects_by_stage(&mut *tx).await?,
            units: standings::units(&mut *tx).await?,
            flagged: standings::flagged_items(&mut *tx, FLAGGED_KEPT).await?,
            open_requests: requests::open(&mut *tx, ProjectScope::All, OPEN_REQUESTS_KEPT).await?,
            request_facts: requests::facts(&mut *tx, ProjectScope::All).await?,
            projects: Arc::new(listed),
            investment: Arc::new(years),
            snapshot,
        };
        Ok(Some(view))
    }

    /// The places of one list, in order.
    pub fn list(&self, name: &str) -> impl Iterator<Item = &Entry> {
        self.lists.iter().filter(move |e| e.list.as_deref() == Some(name))
    }
}

/// The last runs' views, shared by the requests of one instance.
#[derive(Default)]
pub struct RunViews {
    /// Newest first, at most [`KEPT_RUNS`].
    kept: RwLock<Vec<Arc<RunView>>>,
    /// Held while a view is read, so that the requests arriving just after a run read it once.
    loading: Mutex<()>,
}

/// Views kept: the live run's, and the one before it for the requests that began before the live
/// run committed (they would otherwise all wait while one of them read a view again).
const KEPT_RUNS: usize = 2;

impl RunViews {
    /// The view of the run whose snapshot is `live` (the live one as the request began), or of a
    /// later run when that one is no longer at hand; `None` before the first run.
    pub async fn current(&self, pool: &PgPool, live: Option<Uuid>) -> Result<Option<Arc<RunView>>, sqlx::Error> {
        let Some(live) = live else {
            return Ok(None);
        };
        if let Some(view) = self.kept(live) {
            return Ok(Some(view));
        }
        let _loading = self.loading.lock().await;
        if let Some(view) = self.kept(live) {
            return Ok(Some(view));
        }
        let Some(view) = RunView::load(pool).await? else {
            return Ok(None);
        };
        Ok(Some(self.keep(view)))
    }

    /// Keeps a view the recomputation read in its own transaction, as it commits: the requests
    /// that see the new run find its view at hand instead of all waiting while the first of them
    /// reads it (about 70 ms at province scale, on every run). A view is only ever used for the
    /// run whose snapshot a request saw live (or a later one), so one kept for a run that never
    /// committed is never shown. Other instances read it on their first request after the run,
    /// as before.
    pub fn install(&self, view: RunView) {
        self.keep(view);
    }

    /// Keeps `view` with the latest runs' views; gives it back, or the latest view when `view` is
    /// older than every kept one (a request that began reading before a run committed may finish
    /// after the run's own view was installed).
    fn keep(&self, view: RunView) -> Arc<RunView> {
        let view = Arc::new(view);
        let mut kept = self.kept.write().unwrap_or_else(|e| e.into_inner());
        if let Some(same) = kept.iter().find(|v| v.snapshot.id == view.snapshot.id) {
            return same.clone();
        }
        kept.push(view.clone());
        kept.sort_by_key(|v| std::cmp::Reverse(v.snapshot.created_at));
        kept.truncate(KEPT_RUNS);
        if kept.iter().any(|v| Arc::ptr_eq(v, &view)) {
            view
        } else {
            kept[0].clone()
        }
    }

    /// The view of the run whose snapshot is `snapshot`, when it is at hand (nothing is read).
    pub fn kept(&self, snapshot: Uuid) -> Option<Arc<RunView>> {
        let kept = self.kept.read().unwrap_or_else(|e| e.into_inner());
        kept.iter().find(|v| v.snapshot.id == snapshot).cloned()
    }
}

/// The projects a scope allows, as of the last run, for the lists to select from.
pub struct VisibleProjects {
    all: Arc<Vec<ProjectSummary>>,
    visible: Option<HashSet<Uuid>>,
}

impl RunViews {
    /// The projects `scope` allows with their figures as of the last run; before the first run,
    /// read now (every project, no figures yet).
    pub async fn projects(
        &self,
        pool: &PgPool,
        live: Option<Uuid>,
        scope: ProjectScope,
    ) -> Result<VisibleProjects, sqlx::Error> {
        let all = match self.current(pool, live).await? {
            Some(view) => view.projects.clone(),
            None => Arc::new(projects::listed(pool).await?),
        };
        Ok(VisibleProjects {
            all,
            visible: projects::visible_ids(pool, scope).await?,
        })
    }
}

impl VisibleProjects {
    /// One page, filtered and sorted, and how many match across all pages.
    pub fn select(&self, q: &ListQuery) -> (Vec<ProjectSummary>, i64) {
        q.select(&self.all, self.visible.as_ref())
    }

    /// Every one of them, worst first.
    pub fn all(&self) -> Vec<ProjectSummary> {
        self.all
            .iter()
            .filter(|p| self.visible.as_ref().is_none_or(|v| v.contains(&p.id)))
            .cloned()
            .collect()
    }

    /// The industrial parks they name, for the list's filter.
    pub fn parks(&self) -> Vec<String> {
        projects::parks_of(&self.all, self.visible.as_ref())
    }
}
