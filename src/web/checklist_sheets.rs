//! A project's checklist as a spreadsheet: exported as CSV or XLSX, and imported from the office's
//! own sheet — checked as a whole, previewed, then created all at once.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use uuid::Uuid;

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::extract::IdPath;
use super::form::Fields;
use super::item_forms::checklist_project;
use super::layout::Layout;
use super::sheet_read;
use super::spreadsheet::{self, FileFormat, Out, Table};
use super::upload;
use crate::auth::{CurrentUser, policy};
use crate::db::audit::Actor;
use crate::db::items::{self, Item};
use crate::db::settings::Settings;
use crate::db::{projects, units};
use crate::domain::checklist::Category;
use crate::domain::evidence::MAX_ATTACHMENT_BYTES;
use crate::domain::sheet::{self, Cell, RowError, SheetItem, SheetProblem};
use crate::domain::status;
use crate::i18n::{Catalog, Lang};

/// A checklist as a table: the columns an import reads back (事项, 责任单位, 完成期限, 类别, 备注)
/// and, for people, its state and colour. `project` adds the project's name (a unit's queue).
pub fn checklist_table(
    sheet_name: &str,
    list: &[Item],
    t: &Catalog,
    settings: &Settings,
    internal: bool,
    project: bool,
) -> Table {
    let mut columns = vec![(t.sheet_title, 36.0), (t.sheet_unit, 20.0), (t.sheet_deadline, 12.0)];
    columns.extend([
        (t.sheet_category, 12.0),
        (t.sheet_state, 10.0),
        (t.sheet_colour, 8.0),
        (t.sheet_closed_on, 12.0),
        (t.sheet_note, 40.0),
    ]);
    if project {
        columns.insert(0, (t.sheet_project, 30.0));
    }
    let rows = list
        .iter()
        .map(|i| {
            let s = status::item_status(i.state, i.deadline, settings.today(), settings.thresholds());
            let note = if internal || i.note_for_investor {
                i.note.clone().unwrap_or_default()
            } else {
                String::new()
            };
            let mut row = vec![
                Out::Text(i.title.clone()),
                Out::Text(i.unit_name.clone()),
                Out::Date(Some(i.deadline)),
                Out::Text(t.category(&i.category).to_string()),
                Out::Text(t.phase(i.phase()).to_string()),
                Out::Colour(s.map(|s| s.colour), s.map_or("", |s| t.colour(s.colour)).to_string()),
                Out::Date(i.closed_on),
                Out::Text(note),
            ];
            if project {
                row.insert(0, Out::Text(i.project_name.clone()));
            }
            row
        })
        .collect();
    Table {
        sheet: sheet_name
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect(),
        columns,
        rows,
    }
}

async fn export(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    id: Uuid,
    format: FileFormat,
) -> AppResult<Response> {
    let settings = ctx.settings(&state.db).await?;
    let project = projects::find_visible(
        &state.db,
        policy::project_scope(user),
        id,
        settings.today(),
        settings.thresholds(),
    )
    .await?
    .ok_or(AppError::NotFound)?;
    let list = items::of_project(&state.db, id).await?;
    let t = ctx.t();
    let table = checklist_table(
        t.sheet_checklist,
        &list,
        t,
        &settings,
        policy::sees_internal(user),
        false,
    );
    spreadsheet::download(&table, format, &format!("{}-{}", project.name, t.sheet_checklist))
}

/// A project's checklist as CSV (UTF-8 with BOM): 事项, 责任单位, 完成期限, 类别, 状态, 颜色, 销号日期, 备注.
#[utoipa::path(get, operation_id = "checklist_export_csv", tag = "items", path = "/api/v1/projects/{id}/items.csv", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the checklist", content_type = "text/csv"), (status = 404)))]
pub async fn export_csv(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    export(&state, &ctx, &user, id, FileFormat::Csv).await
}

/// A project's checklist as XLSX: a header row, dates as dates, colours as cell fills and words.
#[utoipa::path(get, operation_id = "checklist_export_xlsx", tag = "items", path = "/api/v1/projects/{id}/items.xlsx", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the checklist",
               content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 404)))]
pub async fn export_xlsx(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    export(&state, &ctx, &user, id, FileFormat::Xlsx).await
}

/// Unit names and codes, both leading to the code; categories in both languages and as codes.
pub async fn lookups(state: &AppState) -> AppResult<HashMap<String, String>> {
    let all = units::all(&state.db).await?;
    Ok(all
        .into_iter()
        .flat_map(|u| [(u.name.clone(), u.code.clone()), (u.code.clone(), u.code)])
        .collect())
}

pub fn category_of(text: &str) -> Option<Category> {
    Category::parse(text).or_else(|| {
        Category::ALL.into_iter().find(|c| {
            [Lang::Zh, Lang::En]
                .iter()
                .any(|l| l.catalog().category(c).eq_ignore_ascii_case(text))
        })
    })
}

/// Reads and checks an uploaded checklist file as a whole.
pub async fn check_file(state: &AppState, bytes: Option<Vec<u8>>) -> AppResult<Result<Vec<SheetItem>, Vec<RowError>>> {
    let rows = match sheet_read::read_upload(bytes).await {
        Ok(rows) => rows,
        Err(problem) => return Ok(Err(vec![file_problem(problem)])),
    };
    let units = lookups(state).await?;
    Ok(sheet::checklist(&rows, &units, category_of))
}

/// A problem of the file as a whole, reported on its first row.
pub fn file_problem(problem: SheetProblem) -> RowError {
    RowError {
        row: 1,
        field: "file",
        problem,
    }
}

/// A row problem in words, for the report.
pub struct Reported {
    pub row: usize,
    pub field: String,
    pub message: String,
}

pub fn report(errors: &[RowError], t: &Catalog) -> Vec<Reported> {
    errors
        .iter()
        .map(|e| Reported {
            row: e.row,
            field: t.field_label(e.field),
            message: match &e.problem {
                SheetProblem::Field(p) => t.problem(*p),
                SheetProblem::UnknownUnit(name) => t.sheet_unknown_unit_named(name),
                SheetProblem::MissingColumn => t.sheet_missing_column.to_string(),
                SheetProblem::NoRows => t.sheet_no_rows.to_string(),
                SheetProblem::Unreadable => t.sheet_unreadable.to_string(),
                SheetProblem::TooLarge(bound) => t.sheet_too_large(*bound),
            },
        })
        .collect()
}

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
    let project = checklist_project(&state, &user, id).await?;
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
    let project = checklist_project(&state, &user, id).await?;
    let form = upload::read(multipart, MAX_ATTACHMENT_BYTES).await?;
    let t = ctx.t();
    let checked = check_file(&state, form.file.map(|(_, b)| b)).await?;
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
            page.errors = report(&errors, t);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// Creates the previewed items, checked once more as a whole: all of them or none.
pub async fn confirm(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let project = checklist_project(&state, &user, id).await?;
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
    let units = lookups(&state).await?;
    match sheet::checklist(&rows, &units, category_of) {
        Ok(found) => {
            items::create_many(&state.db, id, &found, Actor::User(user.id), Some(user.id)).await?;
            Ok(Redirect::to(&format!("/projects/{id}#checklist")).into_response())
        }
        Err(errors) => {
            let page = ImportPage {
                layout: Layout::new(&ctx),
                project_id: id,
                project_name: project.name,
                errors: report(&errors, ctx.t()),
                preview: Vec::new(),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
