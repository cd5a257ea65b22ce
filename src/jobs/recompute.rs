//! The recomputation job: colours, figures and red/black lists, promptly after every change
//! (LISTEN/NOTIFY) and when it may have missed one, just after midnight in the county's time zone,
//! and every minute as a safety net — which computes only when something changed (colours move only
//! with changes and with the date).
//! Safe with several server instances: one computes at a time, each run is one transaction, and
//! a run killed halfway leaves the previous results intact.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::watch;
use uuid::Uuid;

use crate::db::run_view::{RunView, RunViews};
use crate::db::{investment, recompute, requests, settings};
use crate::domain::ranking;

/// What one run did, in one line.
#[derive(Debug)]
pub struct RunSummary {
    pub as_of: NaiveDate,
    pub items: i64,
    pub red_items: i64,
    pub yellow_items: i64,
    pub task_forces: usize,
    pub red_list: Vec<String>,
    pub black_list: Vec<String>,
    pub weekly_frozen: Option<NaiveDate>,
    pub duration: Duration,
}

/// The first few names of a list, and how many more there are.
fn names(list: &[String]) -> String {
    const SHOWN: usize = 5;
    match list.len() {
        0 => "-".into(),
        n if n <= SHOWN => list.join(", "),
        n => format!("{} (+{} more)", list[..SHOWN].join(", "), n - SHOWN),
    }
}

impl fmt::Display for RunSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "recomputed as of {}: {} items ({} red, {} yellow), {} task forces; red list: {}; black list: {}{}; {} ms",
            self.as_of,
            self.items,
            self.red_items,
            self.yellow_items,
            self.task_forces,
            names(&self.red_list),
            names(&self.black_list),
            self.weekly_frozen
                .map(|d| format!("; froze the week ending {d}"))
                .unwrap_or_default(),
            self.duration.as_millis()
        )
    }
}

/// One recomputation as of `as_of` (default: today in the county). `None` when another instance
/// is computing right now.
pub async fn run_once(pool: &PgPool, as_of: Option<NaiveDate>) -> anyhow::Result<Option<RunSummary>> {
    Ok(match attempt(pool, as_of, Need::Always, None).await? {
        Attempt::Ran(summary) => Some(summary),
        Attempt::Busy | Attempt::Unchanged => None,
    })
}

/// The safety net's run: a recomputation as of today unless nothing changed since the last run
/// and the date is the same (then it only notes that it looked).
pub async fn poll_once(pool: &PgPool) -> anyhow::Result<Attempt> {
    attempt(pool, None, Need::IfChanged, None).await
}

/// Whether a run may be skipped when it would cover nothing new.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    Always,
    IfChanged,
}

/// What one attempt did.
#[derive(Debug)]
pub enum Attempt {
    Ran(RunSummary),
    /// Nothing changed since the last run, on the same date.
    Unchanged,
    /// Another instance is computing right now.
    Busy,
}

/// With `views`, the run's view is read before it commits and kept there (see
/// [`RunViews::install`]).
async fn attempt(
    pool: &PgPool,
    as_of: Option<NaiveDate>,
    need: Need,
    views: Option<&RunViews>,
) -> anyhow::Result<Attempt> {
    let settings = settings::load(pool).await?;
    let as_of = as_of.unwrap_or_else(|| settings.today());
    let mut tx = pool.begin().await?;
    if !recompute::try_lock(&mut tx).await? {
        // Roll back now: a dropped transaction would hold its locks until the pool got round to it.
        tx.rollback().await?;
        return Ok(Attempt::Busy);
    }
    // Counted before computing: a change counted later is not covered, and runs again.
    let coverage = recompute::Coverage {
        changes: recompute::changes(&mut tx).await?,
        as_of,
    };
    if need == Need::IfChanged
        && let Some((id, last)) = recompute::last_coverage(&mut tx).await?
        && last == coverage
    {
        recompute::record_check(&mut tx, id).await?;
        tx.commit().await?;
        return Ok(Attempt::Unchanged);
    }
    let run = compute(&mut tx, coverage, as_of == settings.today(), &settings).await;
    let view = match (&run, views) {
        (Ok(_), Some(_)) => read_ahead(&mut tx).await,
        _ => None,
    };
    match run {
        Ok(summary) => {
            // Kept just before the commit makes the run live, so that no request sees the new
            // run before its view is at hand (after the commit, the few that came in between read
            // it themselves while the rest waited). Should the commit fail, the view is of a run no
            // request will ask for, and the first that asks reads the live run's view again.
            if let (Some(views), Some(view)) = (views, view) {
                views.install(view);
            }
            tx.commit().await?;
            Ok(Attempt::Ran(summary))
        }
        Err(e) => {
            // Roll back at once: a dropped transaction keeps the lock until its connection is reused,
            // and would lock every instance out of recomputing meanwhile.
            tx.rollback().await.ok();
            Err(e)
        }
    }
}

/// The view of the run about to commit, read in its transaction behind a savepoint: a failed read
/// costs its instance's pages one read after the run, never the run.
async fn read_ahead(tx: &mut sqlx::PgConnection) -> Option<RunView> {
    let read = async {
        let mut savepoint = sqlx::Connection::begin(&mut *tx).await?;
        let view = RunView::read(&mut savepoint).await;
        match view {
            Ok(view) => savepoint.commit().await.map(|()| view),
            Err(e) => {
                savepoint.rollback().await?;
                Err(e)
            }
        }
    };
    read.await.unwrap_or_else(|e| {
        tracing::warn!("the run's view was not read ahead: {e}");
        None
    })
}

/// The body of a run, inside its transaction and under the lock.
async fn compute(
    tx: &mut sqlx::PgConnection,
    coverage: recompute::Coverage,
    is_today: bool,
    settings: &settings::Settings,
) -> anyhow::Result<RunSummary> {
    let as_of = coverage.as_of;
    let (th, rule, method) = (settings.thresholds(), settings.red_rule(), settings.ranking_method());
    // Timed from the lock, so a run's recorded span is its own work and spans never overlap
    // (waiting for a pooled connection is not part of the run).
    let started_at = Utc::now();
    let clock = Instant::now();
    let counts = recompute::item_colours(tx, as_of, th).await?;
    recompute::unit_standings(tx).await?;
    recompute::project_status(tx, as_of, th).await?;
    let all = recompute::ranked(tx, as_of, settings).await?;
    recompute::replace_current(tx, as_of, &all, rule, method).await?;
    // Only a run for today freezes last week: a run as of another day must not write history.
    let (monday, sunday) = ranking::last_week(as_of);
    let weekly_frozen = if !is_today || recompute::weekly_exists(tx, monday, sunday).await? {
        None
    } else {
        recompute::freeze_weekly(tx, sunday, None, settings).await?;
        Some(sunday)
    };
    // Reminders are of today: a run as of another day must not announce anything.
    if is_today {
        requests::remind_triage(tx, as_of, settings.service_level(), settings.tz()).await?;
        investment::remind_reports(tx, as_of, settings.report_due_day()).await?;
    }
    let duration = clock.elapsed();
    let ms = i32::try_from(duration.as_millis()).unwrap_or(i32::MAX);
    let (red, black) = ranking::lists(&all, rule, method);
    recompute::record_run(tx, coverage, started_at, ms, counts, all.len() as i32).await?;
    Ok(RunSummary {
        as_of,
        items: counts.0,
        red_items: counts.1,
        yellow_items: counts.2,
        task_forces: all.len(),
        red_list: red.into_iter().map(|s| s.name).collect(),
        black_list: black.into_iter().map(|s| s.name).collect(),
        weekly_frozen,
        duration,
    })
}

/// Freezes this week's snapshot now (at the weekly dispatch meeting), unless the week has one.
/// Returns the snapshot's id, or `None` when the week was frozen already.
pub async fn freeze_this_week(pool: &PgPool, meeting_id: Option<Uuid>) -> anyhow::Result<Option<Uuid>> {
    let settings = settings::load(pool).await?;
    let today = settings.today();
    let (last_monday, _) = ranking::last_week(today);
    let (monday, sunday) = (
        last_monday + chrono::Duration::days(7),
        last_monday + chrono::Duration::days(13),
    );
    let mut tx = pool.begin().await?;
    // Wait for a running recomputation rather than race it.
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(recompute::LOCK_KEY)
        .execute(&mut *tx)
        .await?;
    if recompute::weekly_exists(&mut tx, monday, sunday).await? {
        tx.rollback().await?;
        return Ok(None);
    }
    let id = recompute::freeze_weekly(&mut tx, today, meeting_id, &settings).await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// The longest the job sleeps between runs.
const POLL: Duration = Duration::from_secs(60);
/// Changes often come in bursts (a form saves several rows): wait this long for the burst to end.
const SETTLE: Duration = Duration::from_millis(300);
pub const CHANNEL: &str = "zhuanban_recompute";

/// Runs until `stop` turns true, keeping each run's view in `views` for this instance's pages.
pub async fn run_forever(pool: PgPool, views: Arc<RunViews>, mut stop: watch::Receiver<bool>) {
    let mut listener = listen(&pool).await;
    let mut need = Need::Always;
    loop {
        match attempt(&pool, None, need, Some(&views)).await {
            Ok(Attempt::Ran(summary)) => tracing::debug!("{summary}"),
            Ok(Attempt::Unchanged) => tracing::debug!("nothing changed since the last run"),
            Ok(Attempt::Busy) => tracing::debug!("another instance is recomputing"),
            Err(e) => tracing::warn!("recomputation failed: {e:#}"),
        }
        let wait = until_next_midnight(&pool).await.unwrap_or(POLL).min(POLL);
        // A change heard (or possibly missed) is computed whatever the count says: a change counted
        // just before a run began may have committed only after the run read the data, and its
        // notification is what brings it in. The minute's poll computes only what the count shows
        // new, unless the job could not listen.
        need = tokio::select! {
            _ = stop.changed() => return,
            () = tokio::time::sleep(wait) => if listener.is_some() { Need::IfChanged } else { Need::Always },
            woke = wake_up(&mut listener) => if woke {
                Need::Always
            } else {
                // No listener (yet): poll, and try to listen again next time.
                tokio::time::sleep(wait).await;
                listener = listen(&pool).await;
                Need::Always
            },
        };
        if *stop.borrow() {
            return;
        }
    }
}

async fn listen(pool: &PgPool) -> Option<PgListener> {
    let mut listener = PgListener::connect_with(pool).await.ok()?;
    listener.listen(CHANNEL).await.ok()?;
    Some(listener)
}

/// Waits for a notification and lets its burst settle; false when there is no listener. A lost
/// connection wakes the job too (the listener reconnects on its next wait): changes made
/// meanwhile sent notifications nobody heard.
async fn wake_up(listener: &mut Option<PgListener>) -> bool {
    let Some(l) = listener.as_mut() else {
        return false;
    };
    if l.try_recv().await.is_err() {
        *listener = None;
        return false;
    }
    tokio::time::sleep(SETTLE).await;
    while l.next_buffered().is_some() {}
    true
}

/// Time until just after the next midnight in the county, when deadlines pass.
async fn until_next_midnight(pool: &PgPool) -> Option<Duration> {
    let settings = settings::load(pool).await.ok()?;
    let tz = settings.tz();
    let tomorrow = settings.today().succ_opt()?.and_hms_opt(0, 0, 1)?;
    let at = tomorrow.and_local_timezone(tz).earliest()?;
    (at.with_timezone(&Utc) - Utc::now()).to_std().ok()
}
