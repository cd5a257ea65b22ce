//! Admins keep the checklist templates (清单模板): a list, and one form to create or change a
//! template with its lines (spare blank lines to add more; a cleared line is removed).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::extract::IdPath;
use super::flash;
use super::form::{Fields, Messages};
use super::items::category_options;
use super::layout::Layout;
use crate::auth::{CurrentUser, policy};
use crate::db::audit::Actor;
use crate::db::templates::{self, Saved, Summary};
use crate::db::units::{self, Unit};
use crate::domain::done::Done;
use crate::domain::input::{FieldErrors, Problem};
use crate::domain::template::{self as rules, LineFields, TemplateErrors};
use crate::i18n::Catalog;
use crate::links;
use tower_sessions::Session;

/// Blank lines a form offers beyond the template's own.
const SPARE_LINES: usize = 5;

#[derive(Template, WebTemplate)]
#[template(path = "templates/index.html")]
pub struct IndexPage {
    layout: Layout,
    templates: Vec<Summary>,
}

pub struct LineView {
    pub title: String,
    pub unit: String,
    pub categories: Vec<(&'static str, &'static str, bool)>,
    pub offset_days: String,
    pub error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "templates/form.html")]
pub struct FormPage {
    layout: Layout,
    heading: &'static str,
    action: String,
    id: Option<uuid::Uuid>,
    version: Option<i32>,
    name: String,
    description: String,
    lines: Vec<LineView>,
    units: Vec<Unit>,
    errors: Messages,
    has_errors: bool,
    stale: bool,
}

fn require_admin(user: &CurrentUser) -> AppResult<()> {
    if policy::may_keep_templates(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn index(State(state): State<AppState>, ctx: RequestContext, user: CurrentUser) -> AppResult<IndexPage> {
    require_admin(&user)?;
    Ok(IndexPage {
        layout: Layout::new(&ctx),
        templates: templates::list(&state.db).await?,
    })
}

fn line_views(lines: &[LineFields], errors: &TemplateErrors, t: &'static Catalog) -> Vec<LineView> {
    lines
        .iter()
        .cloned()
        .chain(std::iter::repeat_n(LineFields::default(), SPARE_LINES))
        .enumerate()
        .map(|(n, l)| {
            let problems: Vec<String> = errors
                .lines
                .iter()
                .filter(|(p, _, _)| *p == n + 1)
                .map(|(_, field, p)| format!("{}：{}", t.field_label(field), t.problem(*p)))
                .collect();
            LineView {
                categories: category_options(t, &l.category),
                title: l.title,
                unit: l.unit,
                offset_days: l.offset_days,
                error: (!problems.is_empty()).then(|| problems.join("；")),
            }
        })
        .collect()
}

struct Typed {
    name: String,
    description: String,
    lines: Vec<LineFields>,
}

fn typed(f: &Fields) -> Typed {
    let titles = f.all("line_title");
    let units = f.all("line_unit");
    let categories = f.all("line_category");
    let offsets = f.all("line_offset");
    let lines = (0..titles.len())
        .map(|i| LineFields {
            title: titles[i].clone(),
            unit: units.get(i).cloned().unwrap_or_default(),
            category: categories.get(i).cloned().unwrap_or_default(),
            offset_days: offsets.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    Typed {
        name: f.get("name"),
        description: f.get("description"),
        lines,
    }
}

async fn form_page(
    state: &AppState,
    ctx: &RequestContext,
    id: Option<(uuid::Uuid, i32)>,
    typed: Typed,
    errors: &TemplateErrors,
    stale: bool,
) -> AppResult<FormPage> {
    let t = ctx.t();
    Ok(FormPage {
        layout: Layout::new(ctx),
        heading: if id.is_some() {
            t.sheets.template_edit
        } else {
            t.sheets.template_new
        },
        action: id.map_or_else(|| "/templates".to_string(), |(id, _)| links::template(id)),
        id: id.map(|(id, _)| id),
        version: id.map(|(_, v)| v),
        lines: line_views(&typed.lines, errors, t),
        name: typed.name,
        description: typed.description,
        units: units::all(&state.db).await?,
        errors: Messages::new(&errors.fields, t),
        has_errors: !errors.is_empty(),
        stale,
    })
}

pub async fn new(State(state): State<AppState>, ctx: RequestContext, user: CurrentUser) -> AppResult<FormPage> {
    require_admin(&user)?;
    let empty = Typed {
        name: String::new(),
        description: String::new(),
        lines: Vec::new(),
    };
    form_page(&state, &ctx, None, empty, &TemplateErrors::default(), false).await
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<FormPage> {
    require_admin(&user)?;
    let template = templates::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let typed = Typed {
        name: template.name,
        description: template.description.unwrap_or_default(),
        lines: template
            .lines
            .iter()
            .map(|l| LineFields {
                title: l.title.clone(),
                unit: l.unit_code.clone(),
                category: l.category.as_str().into(),
                offset_days: l.offset_days.to_string(),
            })
            .collect(),
    };
    form_page(
        &state,
        &ctx,
        Some((id, template.version)),
        typed,
        &TemplateErrors::default(),
        false,
    )
    .await
}

async fn save(
    state: AppState,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    id: Option<uuid::Uuid>,
    fields: Fields,
) -> AppResult<Response> {
    require_admin(&user)?;
    let typed = typed(&fields);
    let key = id.map(|id| (id, fields.version()));
    let errors = match rules::parse(&typed.name, &typed.description, &typed.lines) {
        Err(errors) => errors,
        Ok(draft) => match templates::save(&state.db, key, &draft, Actor::User(user.id)).await? {
            Saved::Done(_) => return flash::done(&session, "/templates", Done::TemplateSaved).await,
            Saved::TakenName => TemplateErrors {
                fields: FieldErrors(vec![("name", Problem::TakenName)]),
                lines: Vec::new(),
            },
            Saved::UnknownUnits(positions) => {
                // Positions count the kept lines; blank lines in between were dropped.
                let kept: Vec<usize> = typed
                    .lines
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| ![&l.title, &l.unit, &l.offset_days].iter().all(|v| v.trim().is_empty()))
                    .map(|(i, _)| i + 1)
                    .collect();
                TemplateErrors {
                    fields: FieldErrors::default(),
                    lines: positions
                        .into_iter()
                        .filter_map(|p| kept.get(p - 1))
                        .map(|p| (*p, "responsible_unit", Problem::UnknownUnit))
                        .collect(),
                }
            }
            Saved::Conflict => {
                let page = form_page(&state, &ctx, key, typed, &TemplateErrors::default(), true).await?;
                return Ok((StatusCode::CONFLICT, page).into_response());
            }
        },
    };
    let page = form_page(&state, &ctx, key, typed, &errors, false).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    fields: Fields,
) -> AppResult<Response> {
    save(state, ctx, user, session, None, fields).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    templates::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    save(state, ctx, user, session, Some(id), fields).await
}

pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    require_admin(&user)?;
    if !templates::delete(&state.db, id, Actor::User(user.id)).await? {
        return Err(AppError::NotFound);
    }
    flash::done(&session, "/templates", Done::TemplateDeleted).await
}
