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
use crate::app::imports::check_rows;
use crate::app::sheet_read;
use crate::auth::{CurrentUser, policy};
use crate::db::audit::Actor;
use crate::db::project_edits;
use crate::domain::done::{Done, Flash};
use crate::domain::evidence::MAX_ATTACHMENT_BYTES;
use crate::domain::project::ProjectDraft;
use crate::domain::sheet::{Cell, ProjectColumn, RowError, SheetProblem};
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
}

impl ImportProjectsPage {
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
    Ok(ImportProjectsPage {
        layout: Layout::new(&ctx),
        errors: Vec::new(),
        preview: Vec::new(),
    })
}

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
    let mut page = ImportProjectsPage {
        layout: Layout::new(&ctx),
        errors: Vec::new(),
        preview: Vec::new(),
    };
    match check_rows(&state.db, rows).await? {
        Ok(drafts) => {
            page.preview = preview_of(drafts, t);
            Ok(page.into_response())
        }
        Err(errors) => {
            page.errors = t.report(&errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

pub async fn confirm(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    fields: Fields,
) -> AppResult<Response> {
    require_manager(&user)?;
    let columns: Vec<Vec<String>> = ProjectColumn::ALL.iter().map(|c| fields.all(c.field())).collect();
    let count = columns[0].len();
    if columns.iter().any(|c| c.len() != count) {
        return Err(AppError::BadRequest);
    }
    let header: Vec<Cell> = ProjectColumn::ALL
        .iter()
        .map(|c| Cell::Text(c.field().into()))
        .collect();
    let rows: Vec<Vec<Cell>> = std::iter::once(header)
        .chain((0..count).map(|r| columns.iter().map(|c| Cell::Text(c[r].clone())).collect()))
        .collect();
    let t = ctx.t();
    let errors = match check_rows(&state.db, Ok(rows)).await? {
        Ok(drafts) => {
            match project_edits::create_many(&state.db, &drafts, Actor::User(user.id), Some(user.id)).await? {
                Ok(n) => {
                    return flash::redirect(&session, "/projects", Flash::many(Done::ProjectsImported, n as i64)).await;
                }
                Err((row, e)) => {
                    e.0.into_iter()
                        .map(|(field, p)| RowError {
                            row,
                            field,
                            problem: SheetProblem::Field(p),
                        })
                        .collect()
                }
            }
        }
        Err(errors) => errors,
    };
    let page = ImportProjectsPage {
        layout: Layout::new(&ctx),
        errors: t.report(&errors),
        preview: Vec::new(),
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
