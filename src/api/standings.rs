//! Rankings and the dashboard's counts in JSON, as the last recomputation left them (or, for a
//! past day without a frozen week, computed on the spot without storing anything).

use axum::Json;
use axum::extract::{Query, State};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::{CurrentUser, policy};
use crate::db::recompute;
use crate::db::standings::{self, Entry};
use crate::domain::input;
use crate::domain::ranking::{self, Method, RankChange, RedRule, Standing};
use crate::domain::score::{Breakdown, Weights};
use crate::web::AppState;
use crate::web::context::RequestContext;
use crate::web::error::{AppError, AppResult};

#[derive(Serialize, ToSchema)]
pub struct RedListEntry {
    task_force_id: Uuid,
    project_id: Uuid,
    name: String,
    due: i64,
    on_time: i64,
    /// on_time / due.
    rate: Option<f64>,
    /// Items due in the rolling period, and of them closed on time: what the list honours.
    period_due: i64,
    period_on_time: i64,
    /// Against the weekly list before: "new", "+2", "-1", "0" (null when computed for a past day).
    rank_change: Option<String>,
    /// Under the scored method: the score and its points per fact (null under the rule).
    score: Option<i64>,
    score_breakdown: Option<Breakdown>,
}

#[derive(Serialize, ToSchema)]
pub struct BlackListEntry {
    task_force_id: Uuid,
    project_id: Uuid,
    name: String,
    red: i64,
    yellow: i64,
    overdue_total: i64,
    /// Against the weekly list before: "new", "+2", "-1", "0" (null when computed for a past day).
    rank_change: Option<String>,
    /// Under the scored method: the score and its points per fact (null under the rule).
    score: Option<i64>,
    score_breakdown: Option<Breakdown>,
}

/// How the lists were made: the red list's rule, and under the scored method its weights.
#[derive(Serialize, ToSchema)]
pub struct MethodJson {
    /// "rule": the red list by the rule with memory, the black list by red items; "score": the top
    /// and the bottom of the scores (`weights`).
    kind: &'static str,
    /// The scored method's points per fact; null under the rule.
    weights: Option<Weights>,
    /// At most this many on the red list.
    size: usize,
    /// Items due in the period, at least.
    min_due: i64,
    /// On-time rate over the period, at least (percent).
    min_rate_percent: i64,
    /// The rolling period in weeks.
    weeks: i64,
    /// Days a task force that closed a red item waits before it can be honoured.
    clean_days: i64,
}

impl MethodJson {
    fn new(r: RedRule, method: Method) -> MethodJson {
        let weights = match method {
            Method::Rule => None,
            Method::Score { weights } => Some(weights),
        };
        MethodJson {
            kind: if weights.is_some() { "score" } else { "rule" },
            weights,
            size: r.size,
            min_due: r.min_due,
            min_rate_percent: r.min_rate_percent,
            weeks: r.weeks,
            clean_days: ranking::CLEAN_DAYS,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Rankings {
    as_of: NaiveDate,
    /// "live", "weekly" (frozen) or "computed" (a past day computed on request).
    source: &'static str,
    /// Null for a week frozen before the rule had memory.
    method: Option<MethodJson>,
    red_list: Vec<RedListEntry>,
    black_list: Vec<BlackListEntry>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    /// A day from 1990-01-01 to 2200-12-31; default: the last recomputation.
    #[param(format = Date, pattern = r"^(199[0-9]|2[01][0-9]{2}|2200)-")]
    as_of: Option<String>,
}

fn from_entries(
    entries: Vec<Entry>,
    as_of: NaiveDate,
    source: &'static str,
    made: (Option<RedRule>, Method),
) -> Rankings {
    let mut red_list = Vec::new();
    let mut black_list = Vec::new();
    for e in entries {
        let rank_change = e.change().map(RankChange::code);
        let (score, score_breakdown) = (e.score.map(i64::from), e.score_breakdown.as_ref().map(|b| b.0));
        match e.list.as_deref() {
            Some("red") => red_list.push(RedListEntry {
                rank_change,
                period_due: e.period_due.into(),
                period_on_time: e.period_on_time.into(),
                rate: (e.due > 0).then(|| f64::from(e.on_time) / f64::from(e.due)),
                task_force_id: e.task_force_id,
                project_id: e.project_id,
                name: e.name,
                due: e.due.into(),
                on_time: e.on_time.into(),
                score,
                score_breakdown,
            }),
            Some("black") => black_list.push(BlackListEntry {
                rank_change,
                task_force_id: e.task_force_id,
                project_id: e.project_id,
                name: e.name,
                red: e.red.into(),
                yellow: e.yellow.into(),
                overdue_total: e.overdue_total.into(),
                score,
                score_breakdown,
            }),
            _ => {}
        }
    }
    Rankings {
        as_of,
        source,
        method: made.0.map(|r| MethodJson::new(r, made.1)),
        red_list,
        black_list,
    }
}

fn from_standings(
    all: &[Standing<recompute::TaskForceKey>],
    rule: RedRule,
    method: Method,
    as_of: NaiveDate,
) -> Rankings {
    let (red, black) = ranking::lists(all, rule, method);
    Rankings {
        as_of,
        source: "computed",
        method: Some(MethodJson::new(rule, method)),
        red_list: red
            .into_iter()
            .map(|s| RedListEntry {
                rank_change: None,
                period_due: s.figures.period_due,
                period_on_time: s.figures.period_on_time,
                task_force_id: s.key.0,
                project_id: s.key.1,
                rate: s.figures.rate(),
                name: s.name,
                due: s.figures.due,
                on_time: s.figures.on_time,
                score: s.score.map(|b| b.total()),
                score_breakdown: s.score,
            })
            .collect(),
        black_list: black
            .into_iter()
            .map(|s| BlackListEntry {
                rank_change: None,
                task_force_id: s.key.0,
                project_id: s.key.1,
                name: s.name,
                red: s.figures.red,
                yellow: s.figures.yellow,
                overdue_total: s.figures.overdue_total,
                score: s.score.map(|b| b.total()),
                score_breakdown: s.score,
            })
            .collect(),
    }
}

/// The red and black lists as of a day (internal users).
#[utoipa::path(get, tag = "standings", operation_id = "standings_rankings", path = "/api/v1/rankings", params(AsOf), responses((status = 200, body = Rankings), (status = 403)))]
pub async fn rankings(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    Query(q): Query<AsOf>,
) -> AppResult<Json<Rankings>> {
    if !policy::sees_internal(&user) {
        return Err(AppError::Forbidden);
    }
    // A malformed query parameter is a bad request, as the query extractor answers; years
    // outside the ones dates are checked for never reach the database.
    let as_of = match q.as_of.as_deref() {
        None => None,
        Some(day) => Some(input::date(day).map_err(|_| AppError::BadRequest)?),
    };
    let current = standings::current(&state.db).await?;
    if let Some(c) = current.as_ref().filter(|c| as_of.is_none_or(|d| d == c.as_of)) {
        return Ok(Json(from_entries(
            standings::lists(&state.db, c.id).await?,
            c.as_of,
            "live",
            (c.red_rule(), c.method()),
        )));
    }
    let settings = ctx.settings(&state.db).await?;
    let day = as_of.unwrap_or_else(|| settings.today());
    if let Some(w) = standings::weekly_as_of(&state.db, day).await? {
        return Ok(Json(from_entries(
            standings::lists(&state.db, w.id).await?,
            day,
            "weekly",
            (w.red_rule(), w.method()),
        )));
    }
    let mut conn = state.db.acquire().await?;
    let all = recompute::ranked(&mut conn, day, &settings).await?;
    Ok(Json(from_standings(
        &all,
        settings.red_rule(),
        settings.ranking_method(),
        day,
    )))
}

#[derive(Serialize, ToSchema)]
pub struct Dashboard {
    as_of: Option<NaiveDate>,
    projects_by_colour: ColourCounts,
    /// Stage → projects and total investment (万元).
    projects_by_stage: Vec<StageFigures>,
    red_items: i64,
    yellow_items: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ColourCounts {
    green: i64,
    yellow: i64,
    red: i64,
}

#[derive(Serialize, ToSchema)]
pub struct StageFigures {
    stage: String,
    projects: i64,
    investment_wan: i64,
}

/// The county dashboard's counts (officials and admins).
#[utoipa::path(get, tag = "standings", operation_id = "standings_dashboard", path = "/api/v1/dashboard", responses((status = 200, body = Dashboard), (status = 403)))]
pub async fn dashboard(State(state): State<AppState>, user: CurrentUser) -> AppResult<Json<Dashboard>> {
    if !policy::may_oversee_county(&user) {
        return Err(AppError::Forbidden);
    }
    let current = standings::current(&state.db).await?;
    let counts = match &current {
        Some(c) => standings::projects_by_colour(&state.db, c.id).await?,
        None => Vec::new(),
    };
    let count = |c: &str| counts.iter().find(|x| x.colour == c).map_or(0, |x| x.projects);
    let stages = standings::projects_by_stage(&state.db).await?;
    Ok(Json(Dashboard {
        as_of: current.as_ref().map(|c| c.as_of),
        projects_by_colour: ColourCounts {
            green: count("green"),
            yellow: count("yellow"),
            red: count("red"),
        },
        projects_by_stage: stages
            .into_iter()
            .map(|s| StageFigures {
                stage: s.stage,
                projects: s.projects,
                investment_wan: s.investment_wan,
            })
            .collect(),
        red_items: current.as_ref().map_or(0, |c| i64::from(c.red_items)),
        yellow_items: current.as_ref().map_or(0, |c| i64::from(c.yellow_items)),
    }))
}
