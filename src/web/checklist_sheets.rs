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
use crate::app::imports::{self, Confirmed};
use crate::auth::CurrentUser;
use crate::db::units;
use crate::domain::done::{Done, Flash};
use crate::domain::evidence::MAX_ATTACHMENT_BYTES;
use crate::domain::status::ItemState;
use crate::i18n::Reported;
use crate::links;

/// An item of the preview, ready to show.
pub struct PreviewRow {
    pub row: usize,
    pub title: String,
    pub unit_name: String,
    pub deadline: NaiveDate,
    pub category: &'static str,
    pub note: String,
    /// The state the sheet gives it, in words, and whether that is closed.
    pub state: &'static str,
    pub closed: bool,
    /// Its matter is on the checklist already: it is not created again.
    pub skipped: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/import.html")]
pub struct ImportPage {
    layout: Layout,
    project_id: Uuid,
    project_name: String,
    errors: Vec<Reported>,
    preview: Vec<PreviewRow>,
    /// The one-time id the confirmation sends back.
    import: Option<Uuid>,
    /// The confirmation found the import confirmed already.
    gone: bool,
}

impl ImportPage {
    fn new(ctx: &RequestContext, project_id: Uuid, project_name: String) -> ImportPage {
        ImportPage {
            layout: Layout::new(ctx),
            project_id,
            project_name,
            errors: Vec::new(),
            preview: Vec::new(),
            import: None,
            gone: false,
        }
    }

    /// The closed items the confirmation would create.
    fn closed(&self) -> usize {
        self.preview.iter().filter(|r| r.closed && !r.skipped).count()
    }

    /// The items the confirmation would create.
    fn adding(&self) -> usize {
        self.preview.iter().filter(|r| !r.skipped).count()
    }
}

pub async fn form(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<ImportPage> {
    let project = checklist_project(&state, &ctx, &user, id).await?;
    Ok(ImportPage::new(&ctx, id, project.name))
}

/// The uploaded sheet: its report (422) or its preview, kept on the server for its confirmation.
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
    let settings = ctx.settings(&state.db).await?;
    let checked = imports::preview_checklist(&state.db, &settings, &user, id, form.file.map(|(_, b)| b)).await?;
    let mut page = ImportPage::new(&ctx, id, project.name);
    match checked {
        Ok(preview) => {
            let names: HashMap<String, String> = units::all(&state.db)
                .await?
                .into_iter()
                .map(|u| (u.code, u.name))
                .collect();
            page.import = Some(preview.import);
            page.preview = preview
                .found
                .into_iter()
                .map(|(i, add)| PreviewRow {
                    skipped: !add,
                    row: i.row,
                    unit_name: names.get(&i.unit_code).cloned().unwrap_or_default(),
                    title: i.title,
                    deadline: i.deadline,
                    category: t.category(&i.category),
                    note: i.note.unwrap_or_default(),
                    state: t.item_state(&i.state),
                    closed: i.state != ItemState::Open,
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

/// Creates the previewed import once, checked again as a whole: all of its items (or its open
/// ones) or none.
pub async fn confirm(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let project = checklist_project(&state, &ctx, &user, id).await?;
    let import = fields.get("import").parse::<Uuid>().map_err(|_| AppError::BadRequest)?;
    let open_only = !fields.get("open_only").is_empty();
    let settings = ctx.settings(&state.db).await?;
    let t = ctx.t();
    let mut page = ImportPage::new(&ctx, id, project.name);
    match imports::confirm_checklist(
        &state.db,
        &settings,
        &user,
        (id, import),
        open_only,
        t.sheets.import_closed_as,
    )
    .await?
    {
        Confirmed::Created(n) => {
            let flash = Flash::many(Done::ItemsImported, n as i64);
            flash::redirect(&session, &(links::project(id) + "#checklist"), flash).await
        }
        Confirmed::Gone => {
            page.gone = true;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Confirmed::Refused(errors) => {
            page.errors = t.report(&errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
