//! The projects a user may see: the home list and the project page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::NaiveDate;
use uuid::Uuid;

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::extract::IdPath;
use super::i18n::Catalog;
use super::layout::Layout;
use crate::auth::{CurrentUser, policy};
use crate::db::projects::{self, ProjectSummary};
use crate::db::settings;
use crate::domain::lifecycle::{Stage, duration_days};
use crate::domain::status::{self, Colour, Thresholds};

/// A project as a row of a list, ready to show.
pub struct ProjectRow {
    pub id: Uuid,
    pub name: String,
    pub company: String,
    pub park: String,
    pub stage: &'static str,
    pub leader: String,
    pub lead_unit: String,
    pub investment: String,
    pub colour: Colour,
    pub colour_label: &'static str,
    pub reason: String,
    pub open_items: i64,
}

impl ProjectRow {
    pub fn from_summary(
        p: &ProjectSummary,
        t: &'static Catalog,
        today: NaiveDate,
        th: Thresholds,
    ) -> ProjectRow {
        let colour = p.colour(today, th);
        let worst = match (
            &p.worst_title,
            p.worst_deadline,
            &p.worst_unit,
            p.worst_overdue_days(today),
        ) {
            (Some(title), Some(deadline), Some(unit), Some(days)) if colour != Colour::Green => {
                Some((title.as_str(), days, deadline, unit.as_str()))
            }
            _ => None,
        };
        ProjectRow {
            id: p.id,
            name: p.name.clone(),
            company: p.company.clone(),
            park: p.park.clone().unwrap_or_default(),
            stage: t.stage(p.stage),
            leader: p.leader_name.clone().unwrap_or_default(),
            lead_unit: p.lead_unit.clone().unwrap_or_default(),
            investment: p
                .total_investment_wan
                .map(|w| t.money(w))
                .unwrap_or_default(),
            colour,
            colour_label: t.colour(colour),
            reason: t.colour_reason(colour, worst),
            open_items: p.open_items,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/home.html")]
pub struct HomePage {
    layout: Layout,
    intro: &'static str,
    rows: Vec<ProjectRow>,
}

pub async fn home(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
) -> AppResult<HomePage> {
    let settings = settings::load(&state.db).await?;
    let (today, th) = (settings.today(), settings.thresholds());
    let scope = policy::project_scope(&user);
    let list = projects::list_visible(&state.db, scope, today, th).await?;
    let t = ctx.t();
    Ok(HomePage {
        layout: Layout::new(&ctx),
        intro: if scope == policy::ProjectScope::All {
            t.home_intro_all
        } else {
            t.home_intro_own
        },
        rows: list
            .iter()
            .map(|p| ProjectRow::from_summary(p, t, today, th))
            .collect(),
    })
}

pub struct StageView {
    pub label: &'static str,
    pub planned: Option<NaiveDate>,
    pub actual: Option<NaiveDate>,
    pub reached: bool,
    pub current: bool,
}

pub struct ItemView {
    pub id: Uuid,
    pub title: String,
    pub unit: String,
    pub deadline: NaiveDate,
    pub colour: Colour,
    pub colour_label: &'static str,
    pub timing: String,
    pub due_soon: bool,
    pub note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/show.html")]
pub struct ProjectPage {
    layout: Layout,
    project: ProjectRow,
    industry: String,
    investment_code: String,
    member_units: Vec<String>,
    stages: Vec<StageView>,
    durations: Vec<String>,
    items: Vec<ItemView>,
    show_notes: bool,
}

/// Spans the county measures ("filing to production: 37 days").
const MEASURED: [(Stage, Stage); 4] = [
    (Stage::Negotiating, Stage::Signed),
    (Stage::Filed, Stage::ConstructionStarted),
    (Stage::ConstructionStarted, Stage::InProduction),
    (Stage::Filed, Stage::InProduction),
];

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<ProjectPage> {
    let settings = settings::load(&state.db).await?;
    let (today, th) = (settings.today(), settings.thresholds());
    let summary = projects::find_visible(&state.db, policy::project_scope(&user), id, today, th)
        .await?
        .ok_or(AppError::NotFound)?;
    let dates = projects::stage_dates(&state.db, id).await?;
    let member_units = projects::member_units(&state.db, id).await?;
    let open = projects::open_items(&state.db, id).await?;
    let t = ctx.t();
    let date_of = |s: Stage| dates.iter().find(|d| d.stage == s);
    let stages = Stage::ALL
        .into_iter()
        .map(|s| StageView {
            label: t.stage(s),
            planned: date_of(s).and_then(|d| d.planned_on),
            actual: date_of(s).and_then(|d| d.actual_on),
            reached: s <= summary.stage,
            current: s == summary.stage,
        })
        .collect();
    let actual = |s: Stage| date_of(s).and_then(|d| d.actual_on);
    let durations = MEASURED
        .into_iter()
        .filter_map(|(a, b)| duration_days(actual(a), actual(b)).map(|days| t.duration(a, b, days)))
        .collect();
    let internal = policy::sees_internal(&user);
    let items: Vec<ItemView> = open
        .into_iter()
        .filter_map(|i| {
            let s = status::item_status(status::ItemState::Open, i.deadline, today, th)?;
            let timing = if s.overdue_days > 0 {
                t.overdue(s.overdue_days)
            } else {
                t.left(-s.overdue_days)
            };
            let note = if internal || i.note_for_investor {
                i.note.unwrap_or_default()
            } else {
                String::new()
            };
            Some(ItemView {
                id: i.id,
                title: i.title,
                unit: i.unit,
                deadline: i.deadline,
                colour: s.colour,
                colour_label: t.colour(s.colour),
                timing,
                due_soon: s.due_soon,
                note,
            })
        })
        .collect();
    Ok(ProjectPage {
        show_notes: items.iter().any(|i| !i.note.is_empty()),
        layout: Layout::new(&ctx),
        industry: summary.industry.clone().unwrap_or_default(),
        investment_code: summary.investment_code.clone().unwrap_or_default(),
        project: ProjectRow::from_summary(&summary, t, today, th),
        member_units,
        stages,
        durations,
        items,
    })
}
