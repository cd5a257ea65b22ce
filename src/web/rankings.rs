//! The red and black lists (红黑榜): live, and as frozen each week; the figures behind them; and
//! which responsible units hold the red items.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::AppState;
use super::context::RequestContext;
use super::dashboard::{RunStatus, run_status};
use super::error::{AppError, AppResult};
use super::extract::PageQuery;
use super::flash;
use super::layout::Layout;
use super::requests::figures_by;
use crate::auth::{CurrentUser, policy};
use crate::db::items::{self, Item};
use crate::db::standings::{self, Entry, Snapshot, UnitStanding};
use crate::domain::access::ProjectScope;
use crate::domain::done::Done;
use crate::domain::ranking::Method;
use crate::domain::{input, request};
use crate::jobs;
use std::borrow::Cow;
use std::collections::HashMap;
use tower_sessions::Session;
use uuid::Uuid;

const WEEKS_LISTED: i64 = 52;
/// The figures and units tables show their worst rows unless all are asked for (`?tables=all`);
/// the projects list filters every project.
const ROWS_SHOWN: usize = 50;

/// The black list shows its first places unless all of it is asked for (`?black=all`).
const BLACK_SHOWN: usize = 50;

#[derive(Deserialize)]
pub struct RankingsQuery {
    week: Option<String>,
    black: Option<String>,
    tables: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "rankings.html")]
pub struct RankingsPage {
    layout: Layout,
    heading: String,
    live: bool,
    rule_red: String,
    /// The lists were drawn by score: the tables show each score with its breakdown.
    scored: bool,
    red_list: Vec<Entry>,
    black_list: Vec<Entry>,
    /// How much of the black list is left out, and where all of it is.
    black_more: Option<(String, String)>,
    all: Vec<(Entry, String)>,
    /// How much of each table is left out, and where all of it is.
    all_more: Option<(String, String)>,
    units: Vec<UnitStanding>,
    units_more: Option<(String, String)>,
    weeks: Vec<Snapshot>,
    can_freeze: bool,
    run: RunStatus,
    /// How each task force serves its investors (live view only), most late requests first.
    service: Vec<ServiceRow>,
    /// The items exempt today, with who exempted them and why.
    exemptions: Vec<Item>,
}

pub struct ServiceRow {
    pub project_id: Uuid,
    pub name: String,
    pub figures: request::Figures,
}

/// Rankings are internal: every role but investors reads them.
fn require_internal(user: &CurrentUser) -> AppResult<()> {
    if policy::sees_internal(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    PageQuery(q): PageQuery<RankingsQuery>,
) -> AppResult<RankingsPage> {
    require_internal(&user)?;
    let t = ctx.t();
    let settings = ctx.settings(&state.db).await?;
    let week = q.week.as_deref().and_then(|w| input::optional_date(w).ok().flatten());
    let live = week.is_none();
    let view = if live { ctx.run_view(&state).await? } else { None };
    // A past week is read from the database; the live one is borrowed from the run's view, and
    // only the rows shown are copied.
    let (snapshot, entries, units, lists) = match week {
        Some(day) => {
            let s = standings::weekly_as_of(&state.db, day)
                .await?
                .ok_or(AppError::NotFound)?;
            let entries = standings::entries(&state.db, s.id, i64::MAX).await?;
            let lists = standings::lists(&state.db, s.id).await?;
            (Some(s), Cow::Owned(entries), Cow::Owned(Vec::new()), Cow::Owned(lists))
        }
        None => match &view {
            Some(v) => (
                Some(v.snapshot.clone()),
                Cow::Borrowed(&v.entries[..]),
                Cow::Borrowed(&v.units[..]),
                Cow::Borrowed(&v.lists[..]),
            ),
            None => (
                None,
                Cow::Borrowed(&[][..]),
                Cow::Borrowed(&[][..]),
                Cow::Borrowed(&[][..]),
            ),
        },
    };
    let listed = |name: &'static str| lists.iter().filter(move |e| e.list.as_deref() == Some(name));
    // How each task force serves its investors: as of the last run, like the lists.
    let mut service: Vec<ServiceRow> = match &view {
        Some(v) => {
            let facts = &v.request_facts;
            let names: HashMap<Uuid, &str> = facts.iter().map(|f| (f.project_id, f.project_name.as_str())).collect();
            figures_by(facts, &settings, |f| Some(f.project_id))
                .into_iter()
                .map(|(project_id, figures)| ServiceRow {
                    project_id,
                    name: names.get(&project_id).copied().unwrap_or_default().to_string(),
                    figures,
                })
                .collect()
        }
        None => Vec::new(),
    };
    service.sort_by(|a, b| {
        (b.figures.late, b.figures.pending)
            .cmp(&(a.figures.late, a.figures.pending))
            .then_with(|| a.name.cmp(&b.name))
    });
    let black_total = listed("black").count();
    let shown = if q.black.as_deref() == Some("all") {
        black_total
    } else {
        BLACK_SHOWN.min(black_total)
    };
    // Each list or table cut short links to all of it, in the same week.
    let week_param = week.map(|d| format!("week={d}&")).unwrap_or_default();
    let black_more = t
        .black_list_cut(black_total, shown)
        .map(|text| (text, format!("/rankings?{week_param}black=all#black-list-rank")));
    let rows = if q.tables.as_deref() == Some("all") {
        usize::MAX
    } else {
        ROWS_SHOWN
    };
    let cut = |total: usize, anchor: &str| {
        t.rows_cut(total, rows.min(total))
            .map(|text| (text, format!("/rankings?{week_param}tables=all#{anchor}")))
    };
    let (all_more, units_more) = (cut(entries.len(), "all"), cut(units.len(), "units"));
    let heading = match &snapshot {
        Some(s) if live => format!(
            "{} · {} · {}",
            t.standings.rankings_title,
            t.standings.live,
            t.as_of(&s.as_of)
        ),
        Some(s) => format!("{} · {}", t.standings.rankings_title, t.as_of(&s.as_of)),
        None => t.standings.rankings_title.to_string(),
    };
    Ok(RankingsPage {
        layout: Layout::new(&ctx),
        heading,
        live,
        rule_red: t.ranking_method(
            snapshot.as_ref().map_or(Some(settings.red_rule()), |s| s.red_rule()),
            settings.red_list_size,
            snapshot.as_ref().map_or(settings.ranking_method(), |s| s.method()),
        ),
        scored: snapshot.as_ref().is_some_and(|s| s.method() != Method::Rule),
        red_list: listed("red").cloned().collect(),
        black_list: listed("black").take(shown).cloned().collect(),
        black_more,
        all: entries
            .iter()
            .take(rows)
            .map(|e| (e.clone(), t.place(e.list.as_deref(), e.list_position)))
            .collect(),
        all_more,
        units: units.iter().take(rows).cloned().collect(),
        units_more,
        weeks: standings::weekly(&state.db, WEEKS_LISTED).await?,
        can_freeze: policy::may_freeze_rankings(&user),
        run: run_status(&state, &ctx, settings.tz()).await?,
        service,
        exemptions: items::exempt(&state.db, ProjectScope::All, settings.today()).await?,
    })
}

/// Freezes this week's lists now (at the weekly dispatch meeting).
pub async fn freeze(State(state): State<AppState>, user: CurrentUser, session: Session) -> AppResult<Response> {
    if !policy::may_freeze_rankings(&user) {
        return Err(AppError::Forbidden);
    }
    jobs::recompute::freeze_this_week(&state.db, None).await?;
    flash::done(&session, "/rankings#weekly", Done::WeekFrozen).await
}
