//! Projects with their task forces imported from one sheet, the same way as checklists: checked as
//! a whole (a row-by-row report), previewed, then created all at once.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use tower_sessions::Session;

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::flash;
use super::form::Fields;
use super::layout::Layout;
use super::upload;
use uuid::Uuid;

use crate::app::imports::{self, Confirmed};
use crate::app::sheet_read;
use crate::auth::{CurrentUser, policy};
use crate::domain::done::{Done, Flash};
use crate::domain::evidence::MAX_ATTACHMENT_BYTES;
use crate::domain::project::ProjectDraft;
use crate::i18n::Catalog;
use crate::i18n::Reported;

/// A project of the preview, as shown and as sent back to be confirmed (units by code).
pub struct PreviewProject {
    pub row: usize,
    pub values: Vec<(&'static str, String)>,
    pub stage: &'static str,
}

fn preview_of(drafts: Vec<(usize, ProjectDraft)>, t: &Catalog) -> Vec<PreviewProject> {
    drafts
        .into_iter()
        .map(|(row, d)| PreviewProject {
            row,
            stage: t.stage(d.stage),
            values: vec![
                ("name", d.name),
                ("company", d.company),
                ("investment_code", d.investment_code.unwrap_or_default()),
                ("park", d.park.unwrap_or_default()),
                ("industry", d.industry.unwrap_or_default()),
                (
                    "total_investment",
                    d.total_investment_wan.map(|n| n.to_string()).unwrap_or_default(),
                ),
                ("stage", d.stage.as_str().to_string()),
                ("leader_name", d.leader_name.unwrap_or_default()),
                ("lead_unit", d.lead_unit),
                ("member_units", d.member_units.join("、")),
                ("description", d.description.unwrap_or_default()),
                (
                    "annual_investment",
                    d.plan
                        .as_ref()
                        .map(|(_, plan)| plan.annual.to_string())
                        .unwrap_or_default(),
                ),
                (
                    "planned_start_month",
                    d.plan
                        .as_ref()
                        .and_then(|(_, plan)| plan.planned_start_month)
                        .map(|m| t.investment.months[m as usize - 1].to_string())
                        .unwrap_or_default(),
                ),
            ],
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/import_projects.html")]
pub struct ImportProjectsPage {
    layout: Layout,
    errors: Vec<Reported>,
    preview: Vec<PreviewProject>,
    /// The one-time id the confirmation sends back.
    import: Option<Uuid>,
    /// The confirmation found the import confirmed already.
    gone: bool,
}

impl ImportProjectsPage {
    fn new(ctx: &RequestContext) -> ImportProjectsPage {
        ImportProjectsPage {
            layout: Layout::new(ctx),
            errors: Vec::new(),
            preview: Vec::new(),
            import: None,
            gone: false,
        }
    }

    fn value<'a>(&self, p: &'a PreviewProject, field: &str) -> &'a str {
        p.values
            .iter()
            .find(|(f, _)| *f == field)
            .map_or("", |(_, v)| v.as_str())
    }
}

fn require_manager(user: &CurrentUser) -> AppResult<()> {
    if policy::may_manage_projects(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn form(ctx: RequestContext, user: CurrentUser) -> AppResult<ImportProjectsPage> {
    require_manager(&user)?;
    Ok(ImportProjectsPage::new(&ctx))
}

/// The uploaded sheet: its report (422) or its preview, kept on the server for its confirmation.
pub async fn preview(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    multipart: Multipart,
) -> AppResult<Response> {
    require_manager(&user)?;
    let form = upload::read(multipart, MAX_ATTACHMENT_BYTES).await?;
    let rows = sheet_read::read_upload(form.file.map(|(_, b)| b)).await;
    let t = ctx.t();
    let settings = ctx.settings(&state.db).await?;
    let mut page = ImportProjectsPage::new(&ctx);
    match imports::preview_projects(&state.db, &settings, &user, rows).await? {
        Ok(preview) => {
            page.import = Some(preview.import);
            page.preview = preview_of(preview.found, t);
            Ok(page.into_response())
        }
        Err(errors) => {
            page.errors = t.report(&errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// Creates the previewed projects once, checked again as a whole: all or none.
pub async fn confirm(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    fields: Fields,
) -> AppResult<Response> {
    require_manager(&user)?;
    let import = fields.get("import").parse::<Uuid>().map_err(|_| AppError::BadRequest)?;
    let settings = ctx.settings(&state.db).await?;
    let mut page = ImportProjectsPage::new(&ctx);
    match imports::confirm_projects(&state.db, &settings, &user, import).await? {
        Confirmed::Created(n) => {
            flash::redirect(&session, "/projects", Flash::many(Done::ProjectsImported, n as i64)).await
        }
        Confirmed::Gone => {
            page.gone = true;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Confirmed::Refused(errors) => {
            page.errors = ctx.t().report(&errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
