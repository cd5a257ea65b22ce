//! Dispatch meetings: schedule one, read its agenda (built from the checklists), record it, turn
//! its decisions into checklist items, and publish a notice from it.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::extract::IdPath;
use super::form::{Fields, Messages};
use super::item_forms::{self, checked_item};
use super::items::{ItemRow, category_options};
use super::layout::Layout;
use super::notices;
use crate::auth::{CurrentUser, policy};
use crate::db::audit::Actor;
use crate::db::items::NewItem;
use crate::db::meetings::{self, Meeting, NewMeeting};
use crate::db::settings::{self, Settings};
use crate::db::units::{self, Unit};
use crate::db::{items, projects};
use crate::domain::checklist::ItemFields;
use crate::domain::input::{self, FieldErrors, Problem};
use crate::domain::lifecycle::Stage;
use crate::domain::meeting::{self, MeetingKind};
use crate::i18n::Catalog;

pub struct MeetingRow {
    pub id: Uuid,
    pub kind: &'static str,
    pub title: String,
    pub when: String,
    pub place: String,
    pub held: bool,
}

fn when(at: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

fn row(m: &Meeting, t: &'static Catalog, tz: chrono_tz::Tz) -> MeetingRow {
    MeetingRow {
        id: m.id,
        kind: t.meeting_kind(&m.kind),
        title: m.title.clone(),
        when: when(m.starts_at, tz),
        place: m.place.clone().unwrap_or_default(),
        held: m.state == "held",
    }
}

/// Meetings are internal; leads and unit staff see the meetings of projects they may see.
fn visible_scope(user: &CurrentUser) -> AppResult<policy::ProjectScope> {
    if !policy::sees_internal(user) {
        return Err(AppError::NotFound);
    }
    Ok(policy::project_scope(user))
}

#[derive(Template, WebTemplate)]
#[template(path = "meetings/list.html")]
pub struct ListPage {
    layout: Layout,
    rows: Vec<MeetingRow>,
    can_schedule: bool,
}

pub async fn list(State(state): State<AppState>, ctx: RequestContext, user: CurrentUser) -> AppResult<ListPage> {
    let scope = visible_scope(&user).map_err(|_| AppError::Forbidden)?;
    let settings = ctx.settings(&state.db).await?;
    let found = if scope == policy::ProjectScope::All {
        meetings::list(&state.db, None, 200).await?
    } else {
        let ids: Vec<Uuid> = projects::names(&state.db, scope)
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        meetings::list(&state.db, Some(&ids), 200).await?
    };
    Ok(ListPage {
        layout: Layout::new(&ctx),
        rows: found.iter().map(|m| row(m, ctx.t(), settings.tz())).collect(),
        can_schedule: policy::may_manage_projects(&user),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "meetings/form.html")]
pub struct MeetingForm {
    layout: Layout,
    fields: Fields,
    kinds: Vec<(&'static str, &'static str)>,
    projects: Vec<(Uuid, String)>,
    units: Vec<Unit>,
    errors: Messages,
}

impl MeetingForm {
    fn checked(&self, name: &str, value: &str) -> bool {
        self.fields.all(name).iter().any(|v| v == value)
    }
}

async fn form(state: &AppState, ctx: &RequestContext, fields: Fields, errors: &FieldErrors) -> AppResult<MeetingForm> {
    let t = ctx.t();
    Ok(MeetingForm {
        layout: Layout::new(ctx),
        kinds: MeetingKind::ALL
            .iter()
            .map(|k| (k.as_str(), t.meeting_kind(k)))
            .collect(),
        projects: projects::names(&state.db, policy::ProjectScope::All).await?,
        units: units::all(&state.db).await?,
        fields,
        errors: Messages::new(errors, t),
    })
}

pub async fn new(State(state): State<AppState>, ctx: RequestContext, user: CurrentUser) -> AppResult<MeetingForm> {
    if !policy::may_manage_projects(&user) {
        return Err(AppError::Forbidden);
    }
    let defaults = Fields(vec![("kind".into(), "weekly".into())]);
    form(&state, &ctx, defaults, &FieldErrors::default()).await
}

/// A meeting as typed: checked, with its time in UTC and its projects and units resolved.
pub struct MeetingDraft {
    pub kind: MeetingKind,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub place: Option<String>,
    pub chair: Option<String>,
    pub projects: Vec<Uuid>,
    pub units: Vec<Uuid>,
    pub invitees: Vec<String>,
}

/// A meeting as typed into the form or the API.
#[derive(Default)]
pub struct MeetingInput {
    pub kind: String,
    pub title: String,
    pub starts_at: String,
    pub place: String,
    pub chair: String,
    pub projects: Vec<String>,
    pub units: Vec<String>,
    /// People invited by name, one per line in the form.
    pub invitees: String,
}

pub async fn check(
    state: &AppState,
    settings: &Settings,
    input: &MeetingInput,
) -> AppResult<Result<MeetingDraft, FieldErrors>> {
    let MeetingInput {
        kind,
        title,
        starts_at,
        place,
        chair,
        projects: project_ids,
        units: unit_codes,
        invitees,
    } = input;
    let mut e = FieldErrors::default();
    let kind = e.check("kind", MeetingKind::parse(kind.trim()).ok_or(Problem::UnknownChoice));
    let title = e.check("title", input::required_text(title, 200));
    let local = e.check("starts_at", input::local_datetime(starts_at));
    let starts_at = local
        .and_then(|l| l.and_local_timezone(settings.tz()).earliest())
        .map(|t| t.to_utc());
    let place = e.check("place", input::optional_text(place, 200));
    let chair = e.check("chair", input::optional_text(chair, 100));
    let invitees = e.check("invitees", input::name_lines(invitees, meeting::NAME_MAX));
    let ids: Vec<Uuid> = project_ids
        .iter()
        .filter_map(|p| Uuid::parse_str(p.trim()).ok())
        .collect();
    let known = projects::visible_names(&state.db, policy::ProjectScope::All, &ids).await?;
    if known.is_empty() || known.len() != project_ids.len() {
        e.add(
            "projects",
            if project_ids.is_empty() {
                Problem::Required
            } else {
                Problem::UnknownChoice
            },
        );
    }
    let mut conn = state.db.acquire().await?;
    let (found, missing) = units::resolve(&mut conn, unit_codes).await?;
    if !missing.is_empty() {
        e.add("units", Problem::UnknownUnit);
    }
    Ok(match (kind, title, starts_at, place, chair, invitees) {
        (Some(kind), Some(title), Some(starts_at), Some(place), Some(chair), Some(invitees)) if e.is_empty() => {
            Ok(MeetingDraft {
                kind,
                title,
                starts_at,
                place,
                chair,
                projects: known.into_iter().map(|(id, _)| id).collect(),
                units: found.into_iter().map(|u| u.id).collect(),
                invitees,
            })
        }
        _ => Err(e),
    })
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    fields: Fields,
) -> AppResult<Response> {
    if !policy::may_manage_projects(&user) {
        return Err(AppError::Forbidden);
    }
    let settings = ctx.settings(&state.db).await?;
    let typed = MeetingInput {
        kind: fields.get("kind"),
        title: fields.get("title"),
        starts_at: fields.get("starts_at"),
        place: fields.get("place"),
        chair: fields.get("chair"),
        projects: fields.all("projects"),
        units: fields.all("units"),
        invitees: fields.get("invitees"),
    };
    let checked = check(&state, &settings, &typed).await?;
    match checked {
        Ok(d) => {
            let new = NewMeeting {
                kind: d.kind,
                title: &d.title,
                starts_at: d.starts_at,
                place: d.place.as_deref(),
                chair_name: d.chair.as_deref(),
                project_ids: &d.projects,
                unit_ids: &d.units,
                invitees: &d.invitees,
            };
            let id = meetings::create(&state.db, new, Actor::User(user.id), Some(user.id)).await?;
            Ok(Redirect::to(&format!("/meetings/{id}")).into_response())
        }
        Err(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            form(&state, &ctx, fields, &errors).await?,
        )
            .into_response()),
    }
}

/// The longest minutes.
const MINUTES_MAX: usize = 20_000;

pub struct AgendaProject {
    pub id: Uuid,
    pub name: String,
    pub flagged: Vec<ItemRow>,
    pub open_decisions: Vec<ItemRow>,
    pub requests: Vec<String>,
    pub stage_changes: Vec<String>,
    pub minutes: String,
}

/// A meeting with its agenda, as the page and the API show it.
pub struct Agenda {
    pub meeting: Meeting,
    /// Points the chair added, in order.
    pub points: Vec<meetings::Point>,
    pub projects: Vec<AgendaProject>,
    pub decisions: Vec<ItemRow>,
    pub last: Vec<(ItemRow, &'static str)>,
    pub unit_names: Vec<String>,
}

/// The meeting if the user may see it (404 otherwise), with its agenda.
pub async fn agenda(state: &AppState, t: &'static Catalog, user: &CurrentUser, id: Uuid) -> AppResult<Agenda> {
    let scope = visible_scope(user)?;
    let meeting = meetings::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let names = projects::visible_names(&state.db, scope, &meeting.project_ids).await?;
    if names.is_empty() {
        return Err(AppError::NotFound);
    }
    let settings = settings::load(&state.db).await?;
    let (today, th) = (settings.today(), settings.thresholds());
    let ids: Vec<Uuid> = names.iter().map(|(id, _)| *id).collect();
    let overdue = items::overdue_of_projects(&state.db, &ids, today).await?;
    let open = meetings::open_earlier_decisions(&state.db, &meeting).await?;
    let requests = meetings::pending_requests(&state.db, &ids).await?;
    let previous = meetings::previous(&state.db, &meeting).await?;
    let since = match previous {
        Some(p) => meetings::get(&state.db, p)
            .await?
            .map_or(meeting.starts_at, |m| m.starts_at),
        None => meeting.starts_at - chrono::Duration::days(7),
    };
    let changes = meetings::stage_changes(&state.db, &ids, since).await?;
    let minutes: HashMap<Uuid, Option<String>> = meetings::project_minutes(&state.db, id).await?.into_iter().collect();
    let all_units = units::all(&state.db).await?;
    let row = |i: &items::Item| ItemRow::new(&items::Line::from(i), t, today, th, &settings.service_level().calendar);
    let projects = names
        .iter()
        .map(|(pid, name)| AgendaProject {
            id: *pid,
            name: name.clone(),
            flagged: overdue.iter().filter(|i| i.project_id == *pid).map(row).collect(),
            open_decisions: open.iter().filter(|i| i.project_id == *pid).map(row).collect(),
            requests: requests
                .iter()
                .filter(|r| r.project_id == *pid)
                .map(|r| r.title.clone())
                .collect(),
            stage_changes: changes
                .iter()
                .filter(|c| c.project_id == *pid)
                .map(|c| {
                    let stage = Stage::parse(&c.stage).map_or(c.stage.clone(), |s| t.stage(s).to_string());
                    c.on.map_or(stage.clone(), |d| format!("{stage} · {d}"))
                })
                .collect(),
            minutes: minutes.get(pid).cloned().flatten().unwrap_or_default(),
        })
        .collect();
    let last = match previous {
        Some(p) => meetings::decisions(&state.db, p)
            .await?
            .iter()
            .filter(|i| ids.contains(&i.project_id))
            .map(|i| (row(i), t.outcome(meeting::outcome(i.state, i.deadline, i.closed_on))))
            .collect(),
        None => Vec::new(),
    };
    let decisions = meetings::decisions(&state.db, id).await?.iter().map(row).collect();
    let unit_names = all_units
        .iter()
        .filter(|u| meeting.unit_ids.contains(&u.id))
        .map(|u| u.name.clone())
        .collect();
    let points = meetings::points(&state.db, id).await?;
    Ok(Agenda {
        meeting,
        points,
        projects,
        decisions,
        last,
        unit_names,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "meetings/show.html")]
pub struct MeetingPage {
    layout: Layout,
    agenda: Agenda,
    summary: MeetingRow,
    chair: String,
    units: Vec<Unit>,
    categories: Vec<(&'static str, &'static str, bool)>,
    can_record: bool,
    can_decide: bool,
    /// Which form came back with problems ("" for none), so only it says so.
    returned: &'static str,
    point_text: String,
    point_project: String,
    decision: ItemFields,
    decision_project: String,
    attendees: String,
    minutes: String,
    /// The record form's minutes per project: the project, its name, the text.
    project_minutes: Vec<(Uuid, String, String)>,
    errors: Messages,
    notice_title: String,
    notice_body: String,
}

/// A form of the meeting page sent back with problems: it comes back as it was typed.
pub enum Returned {
    Nothing,
    Point { text: String, project: String },
    Decision { fields: ItemFields, project: String },
    Record(Fields),
    Publish { title: String, body: String },
}

async fn page(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    id: Uuid,
    returned: Returned,
    errors: &FieldErrors,
) -> AppResult<MeetingPage> {
    let t = ctx.t();
    let agenda = agenda(state, t, user, id).await?;
    let settings = ctx.settings(&state.db).await?;
    let m = &agenda.meeting;
    let can_decide = !decidable(state, user, m).await?.is_empty();
    let mut page = MeetingPage {
        summary: row(m, t, settings.tz()),
        chair: m.chair_name.clone().unwrap_or_default(),
        units: units::all(&state.db).await?,
        categories: category_options(t, "other"),
        can_record: policy::may_manage_projects(user),
        can_decide,
        returned: "",
        point_text: String::new(),
        point_project: String::new(),
        decision: blank_decision(),
        decision_project: String::new(),
        attendees: m.attendees.join("\n"),
        minutes: m.minutes.clone().unwrap_or_default(),
        project_minutes: agenda
            .projects
            .iter()
            .map(|p| (p.id, p.name.clone(), p.minutes.clone()))
            .collect(),
        errors: Messages::new(errors, t),
        notice_title: format!("{} · {}", t.notice_title(&settings.county_name), m.title),
        notice_body: String::new(),
        layout: Layout::new(ctx),
        agenda,
    };
    match returned {
        Returned::Nothing => {}
        Returned::Point { text, project } => {
            (page.returned, page.point_text, page.point_project) = ("point", text, project);
        }
        Returned::Decision { fields, project } => {
            page.categories = category_options(t, &fields.category);
            (page.returned, page.decision, page.decision_project) = ("decision", fields, project);
        }
        Returned::Record(fields) => {
            page.returned = "record";
            page.attendees = fields.get("attendees");
            page.minutes = fields.get("minutes");
            for (id, _, text) in &mut page.project_minutes {
                *text = fields.get(&format!("minutes_{id}"));
            }
        }
        Returned::Publish { title, body } => {
            (page.returned, page.notice_title, page.notice_body) = ("publish", title, body);
        }
    }
    Ok(page)
}

/// The meeting's projects to whose checklists the user may add decisions (a decision is an item).
async fn decidable(state: &AppState, user: &CurrentUser, meeting: &Meeting) -> AppResult<Vec<Uuid>> {
    let ids = &meeting.project_ids;
    let mine = projects::visible_names(&state.db, policy::ProjectScope::TaskForcesOf(user.id), ids).await?;
    Ok(ids
        .iter()
        .copied()
        .filter(|p| policy::may_edit_checklist(user, mine.iter().any(|(m, _)| m == p)))
        .collect())
}

/// The meeting, for its chair (officials) only.
async fn chaired(state: &AppState, t: &'static Catalog, user: &CurrentUser, id: Uuid) -> AppResult<Agenda> {
    let agenda = agenda(state, t, user, id).await?;
    if !policy::may_manage_projects(user) {
        return Err(AppError::Forbidden);
    }
    Ok(agenda)
}

/// The project a form names, if it is one of the meeting's.
fn form_project(fields: &Fields, meeting: &Meeting) -> Option<Uuid> {
    Uuid::parse_str(fields.get("project").trim())
        .ok()
        .filter(|p| meeting.project_ids.contains(p))
}

fn blank_decision() -> ItemFields {
    ItemFields {
        category: "other".into(),
        ..Default::default()
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<MeetingPage> {
    page(&state, &ctx, &user, id, Returned::Nothing, &FieldErrors::default()).await
}

pub async fn record(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let agenda = chaired(&state, ctx.t(), &user, id).await?;
    let mut e = FieldErrors::default();
    let attendees = e.check(
        "attendees",
        input::name_lines(&fields.get("attendees"), meeting::NAME_MAX),
    );
    let minutes = e.check("minutes", input::optional_text(&fields.get("minutes"), MINUTES_MAX));
    let per_project: Vec<(Uuid, Option<String>)> = agenda
        .projects
        .iter()
        .filter_map(|p| {
            let text = input::optional_text(&fields.get(&format!("minutes_{}", p.id)), MINUTES_MAX);
            e.check("project_minutes", text).map(|t| (p.id, t))
        })
        .collect();
    let (Some(attendees), Some(minutes), true) = (attendees, minutes, e.is_empty()) else {
        return returned(&state, &ctx, &user, id, Returned::Record(fields), &e).await;
    };
    meetings::record_minutes(
        &state.db,
        &agenda.meeting,
        &attendees,
        minutes.as_deref(),
        &per_project,
        Actor::User(user.id),
    )
    .await?;
    Ok(Redirect::to(&format!("/meetings/{id}#record")).into_response())
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let agenda = agenda(&state, ctx.t(), &user, id).await?;
    let allowed = decidable(&state, &user, &agenda.meeting).await?;
    let project = form_project(&fields, &agenda.meeting);
    if allowed.is_empty() || project.is_some_and(|p| !allowed.contains(&p)) {
        return Err(AppError::Forbidden);
    }
    let values = item_forms::fields_of(&fields);
    let checked = checked_item(&state, &values).await?;
    let mut errors = checked.as_ref().err().cloned().unwrap_or_default();
    if project.is_none() {
        errors.add("project", Problem::UnknownChoice);
    }
    match (checked, project) {
        (Ok((d, unit)), Some(project)) => {
            let source = agenda.meeting.kind.decision_source();
            let new = NewItem {
                project_id: project,
                title: &d.title,
                category: d.category,
                unit_id: unit.id,
                deadline: d.deadline,
                note: d.note.as_deref(),
                note_for_investor: d.note_for_investor,
                source,
                meeting_id: Some(id),
            };
            meetings::add_decision(&state.db, id, new, Actor::User(user.id), Some(user.id)).await?;
            Ok(Redirect::to(&format!("/meetings/{id}#decisions")).into_response())
        }
        _ => {
            let back = Returned::Decision {
                fields: values,
                project: fields.get("project"),
            };
            returned(&state, &ctx, &user, id, back, &errors).await
        }
    }
}

pub async fn publish(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let agenda = chaired(&state, ctx.t(), &user, id).await?;
    let (title, body) = match meeting::notice_text(&fields.get("title"), &fields.get("body")) {
        Ok(text) => text,
        Err(e) => {
            let back = Returned::Publish {
                title: fields.get("title"),
                body: fields.get("body"),
            };
            return returned(&state, &ctx, &user, id, back, &e).await;
        }
    };
    let title = title.unwrap_or_else(|| agenda.meeting.title.clone());
    let notice = notices::publish_for(
        &state,
        &user,
        &agenda.meeting.project_ids,
        Some(id),
        &title,
        body.as_deref(),
    )
    .await?;
    Ok(Redirect::to(&format!("/notices/{notice}")).into_response())
}

/// The chair adds a point to the agenda.
pub async fn add_point(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let a = chaired(&state, ctx.t(), &user, id).await?;
    let project = form_project(&fields, &a.meeting);
    match input::required_text(&fields.get("text"), 1000) {
        Ok(text) => {
            meetings::add_point(&state.db, id, project, &text, Actor::User(user.id)).await?;
            Ok(Redirect::to(&format!("/meetings/{id}#points")).into_response())
        }
        Err(p) => {
            let back = Returned::Point {
                text: fields.get("text"),
                project: fields.get("project"),
            };
            returned(&state, &ctx, &user, id, back, &FieldErrors(vec![("point", p)])).await
        }
    }
}

/// The meeting page again with a form as it was typed and its problems.
async fn returned(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    id: Uuid,
    back: Returned,
    errors: &FieldErrors,
) -> AppResult<Response> {
    let page = page(state, ctx, user, id, back, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The chair moves a point up or down.
pub async fn move_point(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    chaired(&state, ctx.t(), &user, id).await?;
    let point = Uuid::parse_str(fields.get("point").trim()).map_err(|_| AppError::NotFound)?;
    let up = fields.get("direction") == "up";
    if !meetings::move_point(&state.db, id, point, up, Actor::User(user.id)).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to(&format!("/meetings/{id}#points")).into_response())
}
