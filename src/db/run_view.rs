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

/// The last run's view, shared by the requests of one instance.
#[derive(Default)]
pub struct RunViews {
    last: RwLock<Option<Arc<RunView>>>,
    /// Held while a view is read, so that the requests arriving just after a run read it once.
    loading: Mutex<()>,
}

impl RunViews {
    /// The view of the run whose snapshot is `live` (the live one as the request began); `None`
    /// before the first run.
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
    /// run whose snapshot a request saw live, so one kept for a run that never committed is never
    /// shown. Other instances read it on their first request after the run, as before.
    pub fn install(&self, view: RunView) {
        self.keep(view);
    }

    /// Keeps `view` unless a later run's is kept already (a request that began reading before a
    /// run committed may finish after the run's own view was installed).
    fn keep(&self, view: RunView) -> Arc<RunView> {
        let view = Arc::new(view);
        let mut last = self.last.write().unwrap_or_else(|e| e.into_inner());
        match last.as_ref() {
            Some(kept) if kept.snapshot.created_at > view.snapshot.created_at => kept.clone(),
            _ => {
                *last = Some(view.clone());
                view
            }
        }
    }

    /// The view of the run whose snapshot is `snapshot`, when it is at hand (nothing is read).
    pub fn kept(&self, snapshot: Uuid) -> Option<Arc<RunView>> {
        let last = self.last.read().unwrap_or_else(|e| e.into_inner());
        last.as_ref().filter(|v| v.snapshot.id == snapshot).cloned()
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
