//! Adding an item to a project's checklist and editing one (a deadline change keeps the original
//! deadline and needs a reason).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use tower_sessions::Session;

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::extract::{IdPath, PageQuery};
use super::flash;
use super::form::{Fields, Messages};
use super::history::Change;
use super::items::category_options;
use super::layout::Layout;
use crate::app::{self, items::Outcome};
use crate::auth::CurrentUser;
use crate::db::items::Item;
use crate::db::projects;
use crate::db::units::{self, Unit};
use crate::domain::checklist::{ItemFields, TEXT_MAX, TITLE_MAX};
use crate::domain::done::Done;
use crate::domain::input::{FieldErrors, Problem};
use crate::links;

#[derive(Template, WebTemplate)]
#[template(path = "items/form.html")]
pub struct ItemForm {
    layout: Layout,
    heading: &'static str,
    action: String,
    back: String,
    project_name: String,
    values: ItemFields,
    deadline_reason: String,
    /// Set when editing: the version the form was opened at.
    version: Option<i32>,
    units: Vec<Unit>,
    categories: Vec<(&'static str, &'static str, bool)>,
    errors: Messages,
    conflict: Vec<Change>,
}

/// An item form's fields as typed (the item pages, meeting decisions, accepting a request).
pub fn fields_of(f: &Fields) -> ItemFields {
    f.read()
}

fn fields_from(item: &Item) -> ItemFields {
    item.fields()
}

struct FormSpec {
    heading: &'static str,
    action: String,
    back: String,
    project_name: String,
    version: Option<i32>,
}

async fn form(
    state: &AppState,
    ctx: &RequestContext,
    spec: FormSpec,
    values: ItemFields,
    deadline_reason: String,
    errors: &FieldErrors,
    conflict: Vec<Change>,
) -> AppResult<ItemForm> {
    let t = ctx.t();
    Ok(ItemForm {
        layout: Layout::new(ctx),
        heading: spec.heading,
        action: spec.action,
        back: spec.back,
        project_name: spec.project_name,
        categories: category_options(t, &values.category),
        values,
        deadline_reason,
        version: spec.version,
        units: units::all(&state.db).await?,
        errors: Messages::new(errors, t),
        conflict,
    })
}

/// The project, if the user may see it and edit its checklist.
pub async fn checklist_project(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    id: Uuid,
) -> AppResult<projects::ProjectSummary> {
    let settings = ctx.settings(&state.db).await?;
    app::items::checklist_project(&state.db, &settings, user, id).await
}

fn new_spec(ctx: &RequestContext, project: &projects::ProjectSummary) -> FormSpec {
    FormSpec {
        heading: ctx.t().items.item_new_title,
        action: links::project(project.id) + "/items",
        back: links::project(project.id),
        project_name: project.name.clone(),
        version: None,
    }
}

/// What a link to the new item form may fill in, e.g. a problem of a monthly report.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Prefill {
    title: String,
    note: String,
}

pub async fn new(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    PageQuery(prefill): PageQuery<Prefill>,
) -> AppResult<ItemForm> {
    let project = checklist_project(&state, &ctx, &user, id).await?;
    let values = ItemFields {
        category: "other".into(),
        title: prefill.title.chars().take(TITLE_MAX).collect(),
        note: prefill.note.chars().take(TEXT_MAX).collect(),
        ..Default::default()
    };
    form(
        &state,
        &ctx,
        new_spec(&ctx, &project),
        values,
        String::new(),
        &FieldErrors::default(),
        Vec::new(),
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let settings = ctx.settings(&state.db).await?;
    let values = fields_of(&fields);
    match app::items::create(&state.db, &settings, &user, id, &values).await? {
        Ok(_) => flash::done(&session, &(links::project(id) + "#checklist"), Done::ItemAdded).await,
        Err(errors) => {
            let project = checklist_project(&state, &ctx, &user, id).await?;
            let page = form(
                &state,
                &ctx,
                new_spec(&ctx, &project),
                values,
                String::new(),
                &errors,
                Vec::new(),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

fn edit_spec(ctx: &RequestContext, item: &Item, version: i32) -> FormSpec {
    FormSpec {
        heading: ctx.t().items.item_edit_title,
        action: links::item(item.id) + "/edit",
        back: links::item(item.id),
        project_name: item.project_name.clone(),
        version: Some(version),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<ItemForm> {
    let item = app::items::editable(&state.db, &user, id).await?.item;
    let spec = edit_spec(&ctx, &item, item.version);
    form(
        &state,
        &ctx,
        spec,
        fields_from(&item),
        String::new(),
        &FieldErrors::default(),
        Vec::new(),
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let t = ctx.t();
    let values = fields_of(&fields);
    let reason = fields.get("deadline_reason");
    let acted = app::items::edit(&state.db, &user, id, fields.version(), &values, &reason).await?;
    let item = acted.loaded.item;
    let again = async |status: StatusCode, version: i32, errors: FieldErrors, conflict: Vec<Change>| {
        let spec = edit_spec(&ctx, &item, version);
        let page = form(&state, &ctx, spec, values.clone(), reason.clone(), &errors, conflict).await?;
        Ok::<_, AppError>((status, page).into_response())
    };
    match acted.outcome {
        Outcome::Done(_) => flash::done(&session, &links::item(id), Done::ItemSaved).await,
        Outcome::Refused(errors) => again(StatusCode::UNPROCESSABLE_ENTITY, fields.version(), errors, Vec::new()).await,
        Outcome::Conflict(current) => {
            let conflict = differences(t, &fields_from(&current), &values);
            again(StatusCode::CONFLICT, current.version, FieldErrors::default(), conflict).await
        }
        Outcome::NotAllowed(_) => {
            let errors = FieldErrors(vec![("deadline", Problem::ClosedItem)]);
            again(StatusCode::CONFLICT, fields.version(), errors, Vec::new()).await
        }
    }
}

/// The fields where the current item and the submitted one differ, in the form's order: yes/no
/// for a checkbox, the text as typed otherwise.
pub fn differences(t: &crate::i18n::Catalog, current: &ItemFields, yours: &ItemFields) -> Vec<Change> {
    let shown = |v: &serde_json::Value| match v {
        serde_json::Value::Bool(b) => t.yes_no(*b).to_string(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let (now, typed) = (serde_json::to_value(current), serde_json::to_value(yours));
    let (Ok(now), Ok(typed)) = (now, typed) else {
        return Vec::new();
    };
    // The declared order of the fields (a JSON object's keys are sorted).
    let order: Vec<(String, String)> = serde_urlencoded::to_string(current)
        .ok()
        .and_then(|q| serde_urlencoded::from_str(&q).ok())
        .unwrap_or_default();
    order
        .iter()
        .map(|(field, _)| (field, shown(&now[field]), shown(&typed[field])))
        .filter(|(_, a, b)| a.trim() != b.trim())
        .map(|(field, before, after)| Change {
            field: t.field_label(field),
            before,
            after,
        })
        .collect()
}
