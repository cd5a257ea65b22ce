//! Investors' requests (企业诉求): the investor raises one, the task force accepts it as a checklist
//! item or declines it with a reason, and the investor follows it to the end and rates the help.

use std::collections::HashMap;
use std::hash::Hash;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use uuid::Uuid;

use tower_sessions::Session;

use super::AppState;
use super::context::RequestContext;
use super::error::AppResult;
use super::extract::IdPath;
use super::flash;
use super::form::{Fields, Messages};
use super::item_forms;
use super::items::category_options;
use super::layout::Layout;
use crate::app;
use crate::auth::{CurrentUser, policy};
use crate::db::items::{self, Update};
use crate::db::projects;
use crate::db::requests::{self, Fact, Request, Triaged};
use crate::db::settings::Settings;
use crate::db::units::{self, Unit};
use crate::domain::checklist::ItemFields;
use crate::domain::done::Done;
use crate::domain::input::FieldErrors;
use crate::domain::request::{self, RequestFields, Standing};
use crate::i18n::Catalog;
use crate::links;

/// How many requests a list shows; the oldest triaged ones drop off first.
const LIST_LIMIT: i64 = 500;

/// A request as a row of a list or the head of its page.
pub struct RequestRow {
    pub id: Uuid,
    pub project_id: Uuid,
    pub project_name: String,
    pub title: String,
    pub category: &'static str,
    pub submitted: NaiveDate,
    pub waited: String,
    pub standing: Standing,
    pub standing_label: &'static str,
    /// The promise still to keep ("triage due …"), if any.
    pub due: String,
    /// Why it is flagged, if it broke its service level.
    pub late: Option<&'static str>,
    pub item_title: Option<String>,
}

impl RequestRow {
    pub fn new(r: &Request, t: &'static Catalog, settings: &Settings) -> RequestRow {
        let dates = r.dates(settings.tz());
        let timing = request::timing(r.state, dates, settings.today(), settings.service_level());
        let standing = r.standing();
        let due = match (standing, timing.resolve_by) {
            (Standing::Pending, _) => t.due_by(false, timing.triage_by),
            (Standing::InProgress, Some(by)) => t.due_by(true, by),
            _ => String::new(),
        };
        let late = if timing.triage_late && standing == Standing::Pending {
            Some(t.requests.triage_late)
        } else if timing.resolve_late {
            Some(t.requests.resolve_late)
        } else if timing.triage_late {
            Some(t.requests.triage_was_late)
        } else {
            None
        };
        RequestRow {
            id: r.id,
            project_id: r.project_id,
            project_name: r.project_name.clone(),
            title: r.title.clone(),
            category: t.category(&r.category),
            submitted: dates.submitted,
            waited: t.working_days_n(timing.waited),
            standing,
            standing_label: t.request_standing(standing),
            due,
            late,
            item_title: r.item_title.clone(),
        }
    }
}

/// Request figures per `key` (a task force's project, a responsible unit), judged today.
pub fn figures_by<K: Eq + Hash>(
    facts: &[Fact],
    settings: &Settings,
    key: impl Fn(&Fact) -> Option<K>,
) -> HashMap<K, request::Figures> {
    let mut by: HashMap<K, request::Figures> = HashMap::new();
    for f in facts {
        if let Some(k) = key(f) {
            let timing = request::timing(
                f.state,
                f.dates(settings.tz()),
                settings.today(),
                settings.service_level(),
            );
            by.entry(k).or_default().add(f.state, timing, f.rating);
        }
    }
    by
}

#[derive(Template, WebTemplate)]
#[template(path = "requests/list.html")]
pub struct ListPage {
    layout: Layout,
    promise: String,
    pending: Vec<RequestRow>,
    triaged: Vec<RequestRow>,
}

/// The requests the user may see: pending ones first, longest waiting first.
pub async fn list(State(state): State<AppState>, ctx: RequestContext, user: CurrentUser) -> AppResult<ListPage> {
    let settings = ctx.settings(&state.db).await?;
    let t = ctx.t();
    let all = requests::list(&state.db, policy::project_scope(&user), None, LIST_LIMIT).await?;
    let (pending, triaged) = all
        .iter()
        .map(|r| RequestRow::new(r, t, &settings))
        .partition(|r| r.standing == Standing::Pending);
    Ok(ListPage {
        layout: Layout::new(&ctx),
        promise: t.promise(settings.service_level()),
        pending,
        triaged,
    })
}

/// A form of the request page that came back, keeping what was typed.
#[derive(Default)]
struct Kept {
    form: &'static str,
    accept: Option<ItemFields>,
    text: String,
    rating: String,
    errors: Messages,
    /// A refusal that concerns the whole request (someone triaged it first).
    notice: Option<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "requests/show.html")]
pub struct RequestPage {
    /// Under the accept form's deadline: the resolution the service level promises.
    promise_hint: String,
    layout: Layout,
    r: RequestRow,
    request: Request,
    can_triage: bool,
    can_rate: bool,
    accept: ItemFields,
    kept: Kept,
    units: Vec<Unit>,
    categories: Vec<(&'static str, &'static str, bool)>,
    updates: Vec<Update>,
    internal: bool,
    tz: chrono_tz::Tz,
}

impl RequestPage {
    fn error(&self, form: &str, field: &str) -> Option<&str> {
        (self.kept.form == form).then(|| self.kept.errors.get(field)).flatten()
    }

    fn kept_text(&self, form: &str) -> &str {
        if self.kept.form == form { &self.kept.text } else { "" }
    }
}

async fn page(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    app::requests::Loaded { request, on_task_force }: app::requests::Loaded,
    kept: Kept,
) -> AppResult<RequestPage> {
    let settings = ctx.settings(&state.db).await?;
    let t = ctx.t();
    let internal = policy::sees_internal(user);
    let can_triage = request.standing() == Standing::Pending && policy::may_edit_checklist(user, on_task_force);
    let promised = request::promised_resolution(settings.today(), settings.service_level());
    let accept = kept.accept.clone().unwrap_or_else(|| ItemFields {
        title: request.title.clone(),
        category: request.category.as_str().into(),
        responsible_unit: String::new(),
        // The promise of resolution, unless the investor wished for later.
        deadline: promised.max(request.wished_on.unwrap_or_default()).to_string(),
        note: request.body.clone().unwrap_or_default(),
        ..ItemFields::default()
    });
    let updates = match request.item_id {
        Some(item) => items::updates_of_item(&state.db, item, internal).await?,
        None => Vec::new(),
    };
    Ok(RequestPage {
        promise_hint: t.request_promise_hint(promised),
        layout: Layout::new(ctx),
        r: RequestRow::new(&request, t, &settings),
        can_triage,
        can_rate: policy::may_rate_request(user) && request::may_rate(request.standing(), request.rating.is_some()),
        categories: category_options(t, &accept.category),
        accept,
        kept,
        units: if can_triage {
            units::all(&state.db).await?
        } else {
            Vec::new()
        },
        updates,
        internal,
        tz: settings.tz(),
        request,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<RequestPage> {
    let loaded = app::requests::load(&state.db, &user, id).await?;
    page(&state, &ctx, &user, loaded, Kept::default()).await
}

/// Re-shows the page with the form's problems (422) or with the news that someone was first (409).
async fn refused(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    id: Uuid,
    status: StatusCode,
    kept: Kept,
) -> AppResult<Response> {
    let loaded = app::requests::load(&state.db, user, id).await?;
    Ok((status, page(state, ctx, user, loaded, kept).await?).into_response())
}

fn already_triaged(ctx: &RequestContext, form: &'static str) -> Kept {
    Kept {
        form,
        notice: Some(ctx.t().requests.request_already_triaged),
        ..Kept::default()
    }
}

pub async fn accept(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let values = item_forms::fields_of(&fields);
    let version = Some(fields.version());
    let outcome = match app::requests::accept(&state.db, &user, id, version, |_| values.clone()).await? {
        Ok(outcome) => outcome,
        Err(errors) => {
            let kept = Kept {
                form: "accept",
                errors: Messages::new(&errors, ctx.t()),
                accept: Some(values),
                ..Kept::default()
            };
            return refused(&state, &ctx, &user, id, StatusCode::UNPROCESSABLE_ENTITY, kept).await;
        }
    };
    let settings = ctx.settings(&state.db).await?;
    let late = crate::domain::input::date(&values.deadline)
        .is_ok_and(|d| request::deadline_breaks_promise(d, settings.today(), settings.service_level()));
    let done = if late {
        Done::RequestAcceptedLate
    } else {
        Done::RequestAccepted
    };
    after_triage(&state, &ctx, &user, &session, id, outcome, ("accept", done)).await
}

pub async fn decline(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let text = fields.get("reason");
    let version = Some(fields.version());
    let outcome = match app::requests::decline(&state.db, &user, id, version, &text).await? {
        Ok(outcome) => outcome,
        Err(errors) => {
            let kept = Kept {
                form: "decline",
                errors: Messages::new(&errors, ctx.t()),
                text,
                ..Kept::default()
            };
            return refused(&state, &ctx, &user, id, StatusCode::UNPROCESSABLE_ENTITY, kept).await;
        }
    };
    after_triage(
        &state,
        &ctx,
        &user,
        &session,
        id,
        outcome,
        ("decline", Done::RequestDeclined),
    )
    .await
}

/// Back to the request after a triage; if someone triaged it first, its page again saying so (409).
async fn after_triage(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    session: &Session,
    id: Uuid,
    outcome: Triaged,
    (form, done): (&'static str, Done),
) -> AppResult<Response> {
    match outcome {
        Triaged::Done(_) => flash::done(session, &links::request(id), done).await,
        Triaged::Conflict(_) | Triaged::NotPending(_) => {
            refused(state, ctx, user, id, StatusCode::CONFLICT, already_triaged(ctx, form)).await
        }
    }
}

pub async fn rate(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let (score, comment) = (fields.get("rating"), fields.get("comment"));
    let kept = |errors: &FieldErrors, notice| Kept {
        form: "rate",
        errors: Messages::new(errors, ctx.t()),
        text: comment.clone(),
        rating: score.clone(),
        notice,
        ..Kept::default()
    };
    match app::requests::rate(&state.db, &user, id, &score, &comment).await? {
        Err(errors) => {
            let kept = kept(&errors, None);
            refused(&state, &ctx, &user, id, StatusCode::UNPROCESSABLE_ENTITY, kept).await
        }
        Ok(Some(_)) => flash::done(&session, &links::request(id), Done::RequestRated).await,
        Ok(None) => {
            let kept = kept(&FieldErrors::default(), Some(ctx.t().requests.request_cannot_rate));
            refused(&state, &ctx, &user, id, StatusCode::CONFLICT, kept).await
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "requests/new.html")]
pub struct NewRequestPage {
    layout: Layout,
    project_id: Uuid,
    project_name: String,
    intro: String,
    today: NaiveDate,
    values: RequestFields,
    errors: Messages,
    categories: Vec<(&'static str, &'static str, bool)>,
}

fn new_page(
    ctx: &RequestContext,
    settings: &Settings,
    project: projects::ProjectSummary,
    values: RequestFields,
    errors: &FieldErrors,
) -> NewRequestPage {
    let t = ctx.t();
    NewRequestPage {
        layout: Layout::new(ctx),
        project_id: project.id,
        project_name: project.name,
        intro: t.request_intro(settings.service_level()),
        today: settings.today(),
        categories: category_options(t, &values.category),
        values,
        errors: Messages::new(errors, t),
    }
}

pub async fn new(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<NewRequestPage> {
    let settings = ctx.settings(&state.db).await?;
    let project = app::requests::requesting_project(&state.db, &settings, &user, id).await?;
    let values = RequestFields {
        category: "other".into(),
        ..RequestFields::default()
    };
    Ok(new_page(&ctx, &settings, project, values, &FieldErrors::default()))
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
    let values = RequestFields {
        title: fields.get("title"),
        body: fields.get("body"),
        wished_date: fields.get("wished_date"),
        category: fields.get("category"),
    };
    match app::requests::raise(&state.db, &settings, &user, id, &values).await? {
        Ok(created) => flash::done(&session, &links::request(created.id), Done::RequestRaised).await,
        Err(errors) => {
            let project = app::requests::requesting_project(&state.db, &settings, &user, id).await?;
            let page = new_page(&ctx, &settings, project, values, &errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
