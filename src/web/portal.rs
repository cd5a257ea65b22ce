//! The investor's home (我的项目): for each of their projects, where it stands, the matters still
//! open with their units and deadlines, the next milestones, and their requests. Nothing internal:
//! no notes, progress updates, notices or rankings.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::NaiveDate;

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::layout::Layout;
use super::projects::{StageView, stage_views};
use super::requests::RequestRow;
use super::rows::ItemRow;
use super::rows::ProjectRow;
use super::todo::TodoView;
use crate::auth::{CurrentUser, policy};
use crate::db::{items, projects, requests};
use crate::domain::status::{Colour, ItemState};

/// Enough for any one company; the requests page has them all.
const REQUESTS_SHOWN: i64 = 200;
const MILESTONES_SHOWN: usize = 3;

pub struct ProjectCard {
    pub project: ProjectRow,
    pub stages: Vec<StageView>,
    /// Planned stages not reached yet, soonest first.
    pub milestones: Vec<(&'static str, NaiveDate)>,
    pub progress: String,
    /// Done items as a share of done and open ones, 0–100.
    pub percent: usize,
    pub open: Vec<ItemRow>,
    pub requests: Vec<RequestRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal.html")]
pub struct PortalPage {
    layout: Layout,
    todo: Option<TodoView>,
    cards: Vec<ProjectCard>,
}

pub async fn show(State(state): State<AppState>, ctx: RequestContext, user: CurrentUser) -> AppResult<PortalPage> {
    if !policy::may_raise_request(&user) {
        return Err(AppError::Forbidden);
    }
    let settings = ctx.settings(&state.db).await?;
    let (today, th) = (settings.today(), settings.thresholds());
    let t = ctx.t();
    let scope = policy::project_scope(&user);
    let summaries = ctx.listed_projects(&state, scope).await?.all();
    let ids: Vec<_> = summaries.iter().map(|p| p.id).collect();
    let dates = projects::stage_dates_of(&state.db, &ids).await?;
    let all_items = items::of_projects(&state.db, &ids).await?;
    let all_requests = requests::list(&state.db, scope, None, REQUESTS_SHOWN).await?;
    let cards = summaries
        .iter()
        .map(|p| {
            let own_dates: Vec<_> = dates.iter().filter(|d| d.project_id == p.id).cloned().collect();
            let stages = stage_views(&own_dates, p.stage, t);
            let mut milestones: Vec<_> = stages
                .iter()
                .filter(|s| !s.reached && s.actual.is_none())
                .filter_map(|s| s.planned.map(|d| (s.label, d)))
                .collect();
            milestones.sort_by_key(|(_, d)| *d);
            milestones.truncate(MILESTONES_SHOWN);
            let own_items = all_items.iter().filter(|i| i.project_id == p.id);
            let done = own_items.clone().filter(|i| i.state == ItemState::Done).count();
            let open: Vec<_> = own_items
                .filter(|i| i.state == ItemState::Open)
                .map(|i| ItemRow::new(&items::Line::from(i), t, today, th, &settings.service_level().calendar))
                .collect();
            let counted = done + open.len();
            ProjectCard {
                project: ProjectRow::from_summary(p, t, today, th),
                stages,
                milestones,
                progress: t.progress_line(counted, done, open.len()),
                percent: (done * 100).checked_div(counted).unwrap_or(0),
                open,
                requests: all_requests
                    .iter()
                    .filter(|r| r.project_id == p.id)
                    .map(|r| RequestRow::new(r, t, &settings))
                    .collect(),
            }
        })
        .collect();
    Ok(PortalPage {
        todo: Some(TodoView::load(&state, &settings, &ctx, &user).await?),
        layout: Layout::new(&ctx),
        cards,
    })
}
