//! The county dashboard: the officials' home page, read from the last recomputation.

use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::Utc;

use super::AppState;
use super::charts::{self, Chart, Group};
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::investment::{CountyRow, Tiles, county_rows};
use super::layout::Layout;
use super::requests::RequestRow;
use super::todo::TodoView;
use crate::app::investment;
use crate::auth::{CurrentUser, policy};
use crate::db::standings::{self, Entry, FlaggedItem};
use crate::domain::investment::reporting_month;
use crate::domain::lifecycle::{Stage, duration_days};
use crate::domain::status::Colour;

/// How long without the engine making sure of its results (a run, or a look that found nothing
/// changed) before the pages warn that colours may be stale.
pub const STALE_MINUTES: i64 = 3;
const FLAGGED_SHOWN: usize = 30;
const TREND_WEEKS: i64 = 12;
const DURATIONS_SHOWN: i64 = 50;
/// Projects behind the time line the dashboard lists (the investment page has all of them).
const INVEST_SHOWN: usize = 10;
/// The dashboard shows the top of the black list; the rankings page has all of it.
const BLACK_SHOWN: usize = 10;

pub struct StageRow {
    pub label: &'static str,
    pub projects: i64,
    pub investment: String,
}

pub struct DurationRow {
    pub project_id: uuid::Uuid,
    pub name: String,
    /// Filing to construction, construction to production, filing to production; "—" when unknown.
    pub spans: [String; 3],
}

pub struct FlaggedRow {
    pub item: FlaggedItem,
    pub overdue: String,
}

/// Whether the last run is recent enough, and the line that says when it was.
pub struct RunStatus {
    pub line: String,
    pub stale: Option<String>,
}

pub async fn run_status(state: &AppState, ctx: &RequestContext, tz: chrono_tz::Tz) -> AppResult<RunStatus> {
    let t = ctx.t();
    Ok(match standings::last_run(&state.db).await? {
        None => RunStatus {
            line: t.standings.not_computed.into(),
            stale: None,
        },
        Some(run) => {
            let at = run
                .started_at
                .with_timezone(&tz)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string();
            let old = (Utc::now() - run.checked_at).num_minutes() >= STALE_MINUTES;
            RunStatus {
                line: t.run_info(&at, run.as_of, run.duration_ms),
                stale: old.then(|| t.stale(STALE_MINUTES)),
            }
        }
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    layout: Layout,
    todo: Option<TodoView>,
    computed: bool,
    by_colour: Vec<(Colour, &'static str, i64)>,
    by_stage: Vec<StageRow>,
    flagged: Vec<FlaggedRow>,
    flagged_note: String,
    red_list: Vec<Entry>,
    black_list: Vec<Entry>,
    /// How much of the black list is left out, and where all of it is.
    black_more: Option<(String, String)>,
    trend: Chart,
    funnel: Chart,
    durations: Vec<DurationRow>,
    run: RunStatus,
    /// Requests that broke their service level and still wait.
    late_requests: Vec<RequestRow>,
    /// The county's investment through the month being reported, and the projects most behind.
    invest_month: String,
    invest_month_value: String,
    completed_label: String,
    tiles: Tiles,
    rows: Vec<CountyRow>,
    invest_planned: bool,
}

pub async fn show(State(state): State<AppState>, ctx: RequestContext, user: CurrentUser) -> AppResult<DashboardPage> {
    if !policy::may_oversee_county(&user) {
        return Err(AppError::Forbidden);
    }
    let t = ctx.t();
    let settings = ctx.settings(&state.db).await?;
    let view = ctx.run_view(&state).await?;
    let current = view.as_ref().map(|v| &v.snapshot);
    let (counts, stages, flagged, red_list, black_list) = match &view {
        Some(v) => (
            v.by_colour.as_slice(),
            v.by_stage.as_slice(),
            &v.flagged[..v.flagged.len().min(FLAGGED_SHOWN)],
            v.list("red").cloned().collect(),
            v.list("black").take(BLACK_SHOWN).cloned().collect::<Vec<_>>(),
        ),
        None => (&[][..], &[][..], &[][..], Vec::new(), Vec::new()),
    };
    let black_more = t
        .black_list_cut(view.as_ref().map_or(0, |v| v.list("black").count()), black_list.len())
        .map(|text| (text, "/rankings?black=all#black-list-rank".to_string()));
    let flagged_total = current.map_or(0, |c| i64::from(c.red_items + c.yellow_items));
    let weekly = standings::weekly(&state.db, TREND_WEEKS).await?;
    let measured = standings::measured_dates(&state.db, DURATIONS_SHOWN).await?;
    let late_requests = view
        .iter()
        .flat_map(|v| &v.open_requests)
        .map(|r| RequestRow::new(r, t, &settings))
        .filter(|r| r.late.is_some())
        .collect();

    let count_of = |c: Colour| counts.iter().find(|x| x.colour == c.as_str()).map_or(0, |x| x.projects);
    let stage_count = |s: Stage| stages.iter().find(|x| x.stage == s.as_str());
    let mut groups: Vec<Group> = weekly
        .iter()
        .rev()
        .map(|w| Group {
            label: w.as_of.format("%m-%d").to_string(),
            values: vec![("red", i64::from(w.red_items)), ("yellow", i64::from(w.yellow_items))],
        })
        .collect();
    if let Some(c) = current {
        groups.push(Group {
            label: t.standings.now_label.into(),
            values: vec![("red", i64::from(c.red_items)), ("yellow", i64::from(c.yellow_items))],
        });
    }
    // The funnel counts every project that has reached a stage, wherever it is now.
    let reached: Vec<(String, i64)> = Stage::ALL
        .iter()
        .map(|s| {
            let n = Stage::ALL
                .iter()
                .filter(|x| *x >= s)
                .filter_map(|x| stage_count(*x))
                .map(|c| c.projects)
                .sum();
            (t.stage(*s).to_string(), n)
        })
        .collect();
    let month = reporting_month(settings.today());
    let invest = match &view {
        Some(v) => state.run_figures.of(v, &settings, month),
        None => Arc::new(investment::county_of(Vec::new(), &settings, month)),
    };
    Ok(DashboardPage {
        invest_month: t.month(month),
        invest_month_value: month.to_string(),
        completed_label: t.completed_through(month),
        tiles: Tiles::new(&invest, t),
        rows: county_rows(&invest, t, INVEST_SHOWN)
            .into_iter()
            .filter(|r| r.figures.colour.is_some_and(|c| c != "green") || r.late)
            .collect(),
        invest_planned: invest.rows.iter().any(|r| r.plan.is_some()),
        todo: Some(TodoView::load(&state, &settings, &ctx, &user).await?),
        layout: Layout::new(&ctx),
        computed: current.is_some(),
        by_colour: [Colour::Red, Colour::Yellow, Colour::Green]
            .iter()
            .map(|c| (*c, t.colour(*c), count_of(*c)))
            .collect(),
        by_stage: Stage::ALL
            .iter()
            .map(|s| StageRow {
                label: t.stage(*s),
                projects: stage_count(*s).map_or(0, |c| c.projects),
                investment: t.money(stage_count(*s).map_or(0, |c| c.investment_wan)),
            })
            .collect(),
        flagged_note: t.flagged_more(flagged_total, flagged.len()),
        flagged: flagged
            .iter()
            .map(|item| FlaggedRow {
                overdue: t.overdue(i64::from(item.overdue_days)),
                item: item.clone(),
            })
            .collect(),
        red_list,
        black_list,
        black_more,
        trend: charts::grouped_bars(&groups),
        funnel: charts::horizontal_bars(&reached, "stage"),
        durations: measured
            .into_iter()
            .map(|m| {
                let span = |a, b| duration_days(a, b).map_or_else(|| "—".to_string(), |n| t.days(n));
                DurationRow {
                    spans: [
                        span(m.filed, m.construction_started),
                        span(m.construction_started, m.in_production),
                        span(m.filed, m.in_production),
                    ],
                    project_id: m.project_id,
                    name: m.name,
                }
            })
            .collect(),
        run: run_status(&state, &ctx, settings.tz()).await?,
        late_requests,
    })
}
