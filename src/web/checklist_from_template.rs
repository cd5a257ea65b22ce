//! A checklist template applied to an existing project: chosen with a start date, previewed with
//! its real deadlines (the matters the checklist has already skipped), then added at once.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::AppState;
use super::context::RequestContext;
use super::error::AppResult;
use super::extract::{IdPath, PageQuery};
use super::flash;
use super::form::Fields;
use super::item_forms::checklist_project;
use super::layout::Layout;
use crate::app::items::{self as app_items, Applied, FromTemplate};
use crate::auth::CurrentUser;
use crate::db::templates::{self, Summary};
use crate::domain::done::{Done, Flash};
use crate::domain::input::{self, Problem};
use crate::links;

pub struct PlanRow {
    pub title: String,
    pub unit: String,
    pub deadline: NaiveDate,
    pub category: &'static str,
    pub add: bool,
    /// The deadline is before today.
    pub past: bool,
}

/// The preview of a template on the checklist, with what its confirmation sends back.
pub struct Plan {
    pub template: Uuid,
    pub version: i32,
    pub start: NaiveDate,
    pub rows: Vec<PlanRow>,
    pub adding: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/from_template.html")]
pub struct FromTemplatePage {
    layout: Layout,
    project_id: Uuid,
    project_name: String,
    templates: Vec<Summary>,
    chosen: Option<Uuid>,
    start: String,
    start_error: Option<String>,
    template_error: Option<String>,
    /// The template changed since the preview that was confirmed: this is the new one.
    stale: bool,
    plan: Option<Plan>,
}

#[derive(Default, Deserialize)]
pub struct Chosen {
    template: Option<String>,
    start: Option<String>,
}

/// What was chosen, checked: the template (if one was) and the start date, or their problems.
struct Choice {
    template: Option<Uuid>,
    start: Result<NaiveDate, Problem>,
    typed_start: String,
}

fn choice(template: &str, start: &str, today: NaiveDate) -> Choice {
    let typed_start = if start.trim().is_empty() {
        today.to_string()
    } else {
        start.trim().to_string()
    };
    Choice {
        template: Uuid::parse_str(template.trim()).ok(),
        start: input::date(&typed_start),
        typed_start,
    }
}

async fn page(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    id: Uuid,
    choice: Choice,
) -> AppResult<(StatusCode, FromTemplatePage)> {
    let settings = ctx.settings(&state.db).await?;
    let project = checklist_project(state, ctx, user, id).await?;
    let t = ctx.t();
    let mut page = FromTemplatePage {
        layout: Layout::new(ctx),
        project_id: id,
        project_name: project.name,
        templates: templates::list(&state.db).await?,
        chosen: choice.template,
        start: choice.typed_start,
        start_error: None,
        template_error: None,
        stale: false,
        plan: None,
    };
    let (Some(template), start) = (choice.template, choice.start) else {
        return Ok((StatusCode::OK, page));
    };
    let start = match start {
        Ok(start) => start,
        Err(p) => {
            page.start_error = Some(t.problem(p));
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page));
        }
    };
    match app_items::from_template(&state.db, &settings, user, id, template, start).await? {
        Some(plan) => {
            page.plan = Some(plan_view(ctx, plan, settings.today()));
            Ok((StatusCode::OK, page))
        }
        None => {
            page.template_error = Some(t.problem(Problem::UnknownChoice));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page))
        }
    }
}

fn plan_view(ctx: &RequestContext, plan: FromTemplate, today: NaiveDate) -> Plan {
    let t = ctx.t();
    let rows: Vec<PlanRow> = plan
        .lines
        .into_iter()
        .map(|(l, deadline, add)| PlanRow {
            title: l.title,
            unit: l.unit_name,
            deadline,
            category: t.category(&l.category),
            add,
            past: deadline < today,
        })
        .collect();
    Plan {
        template: plan.template.id,
        version: plan.template.version,
        start: plan.start,
        adding: rows.iter().filter(|r| r.add).count(),
        rows,
    }
}

/// The chooser, and with a template chosen its preview.
pub async fn show(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    PageQuery(q): PageQuery<Chosen>,
) -> AppResult<Response> {
    let today = ctx.settings(&state.db).await?.today();
    let typed = choice(
        q.template.as_deref().unwrap_or_default(),
        q.start.as_deref().unwrap_or_default(),
        today,
    );
    Ok(page(&state, &ctx, &user, id, typed).await?.into_response())
}

/// Adds the previewed template's lines the checklist lacks.
pub async fn apply(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let settings = ctx.settings(&state.db).await?;
    let typed = choice(&fields.get("template"), &fields.get("start"), settings.today());
    let version = fields.version();
    if let (Some(template), Ok(start)) = (typed.template, typed.start) {
        let applied = app_items::apply_template(&state.db, &settings, &user, id, (template, version), start).await?;
        match applied {
            Some(Applied::Done(n)) => {
                let flash = Flash::many(Done::TemplateApplied, n as i64);
                return flash::redirect(&session, &(links::project(id) + "#checklist"), flash).await;
            }
            Some(Applied::Stale) => {
                let (_, mut page) = page(&state, &ctx, &user, id, typed).await?;
                page.stale = true;
                return Ok((StatusCode::CONFLICT, page).into_response());
            }
            None => {}
        }
    }
    let (status, page) = page(&state, &ctx, &user, id, typed).await?;
    let status = if status == StatusCode::OK {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        status
    };
    Ok((status, page).into_response())
}
