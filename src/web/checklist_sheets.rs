//! A project's checklist as a spreadsheet: exported as CSV or XLSX, and imported from the office's
//! own sheet — checked as a whole, previewed, then created all at once.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use uuid::Uuid;

use tower_sessions::Session;

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::extract::IdPath;
use super::flash;
use super::form::Fields;
use super::item_forms::checklist_project;
use super::layout::Layout;
use super::upload;
use crate::app::imports::{category_of, check_file, lookups};
use crate::auth::CurrentUser;
use crate::db::audit::Actor;
use crate::db::items::{self};
use crate::db::units;
use crate::domain::done::{Done, Flash};
use crate::domain::evidence::MAX_ATTACHMENT_BYTES;
use crate::domain::sheet::{self, Cell};
use crate::i18n::Reported;
use crate::links;

/// An item of the preview, ready to show and to send back in the confirmation form.
pub struct PreviewRow {
    pub row: usize,
    pub title: String,
    pub unit_code: String,
    pub unit_name: String,
    pub deadline: NaiveDate,
    pub category_code: &'static str,
    pub category: &'static str,
    pub note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/import.html")]
pub struct ImportPage {
    layout: Layout,
    project_id: Uuid,
    project_name: String,
    errors: Vec<Reported>,
    preview: Vec<PreviewRow>,
}

pub async fn form(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<ImportPage> {
    let project = checklist_project(&state, &ctx, &user, id).await?;
    Ok(ImportPage {
        layout: Layout::new(&ctx),
        project_id: id,
        project_name: project.name,
        errors: Vec::new(),
        preview: Vec::new(),
    })
}

/// The uploaded sheet: its report (422) or its preview, with nothing created yet.
pub async fn preview(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    multipart: Multipart,
) -> AppResult<Response> {
    let project = checklist_project(&state, &ctx, &user, id).await?;
    let form = upload::read(multipart, MAX_ATTACHMENT_BYTES).await?;
    let t = ctx.t();
    let checked = check_file(&state.db, form.file.map(|(_, b)| b)).await?;
    let mut page = ImportPage {
        layout: Layout::new(&ctx),
        project_id: id,
        project_name: project.name,
        errors: Vec::new(),
        preview: Vec::new(),
    };
    match checked {
        Ok(found) => {
            let names: HashMap<String, String> = units::all(&state.db)
                .await?
                .into_iter()
                .map(|u| (u.code, u.name))
                .collect();
            page.preview = found
                .into_iter()
                .map(|i| PreviewRow {
                    row: i.row,
                    unit_name: names.get(&i.unit_code).cloned().unwrap_or_default(),
                    title: i.title,
                    unit_code: i.unit_code,
                    deadline: i.deadline,
                    category_code: i.category.as_str(),
                    category: t.category(&i.category),
                    note: i.note.unwrap_or_default(),
                })
                .collect();
            Ok(page.into_response())
        }
        Err(errors) => {
            page.errors = t.report(&errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// Creates the previewed items, checked once more as a whole: all of them or none.
pub async fn confirm(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let project = checklist_project(&state, &ctx, &user, id).await?;
    let columns = ["title", "unit", "deadline", "note", "category"].map(|c| fields.all(c));
    let count = columns[0].len();
    if columns.iter().any(|c| c.len() != count) {
        return Err(AppError::BadRequest);
    }
    let header = ["事项", "责任单位", "完成期限", "备注", "类别"]
        .map(|h| Cell::Text(h.into()))
        .to_vec();
    let rows: Vec<Vec<Cell>> = std::iter::once(header)
        .chain((0..count).map(|r| columns.iter().map(|c| Cell::Text(c[r].clone())).collect()))
        .collect();
    let units = lookups(&state.db).await?;
    match sheet::checklist(&rows, &units, category_of) {
        Ok(found) => {
            let created = items::create_many(&state.db, id, &found, Actor::User(user.id), Some(user.id)).await?;
            let flash = Flash::many(Done::ItemsImported, created as i64);
            flash::redirect(&session, &(links::project(id) + "#checklist"), flash).await
        }
        Err(errors) => {
            let page = ImportPage {
                layout: Layout::new(&ctx),
                project_id: id,
                project_name: project.name,
                errors: ctx.t().report(&errors),
                preview: Vec::new(),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
