//! Dispatch meetings: schedule one, read its agenda (built from the checklists), record it, turn
//! its decisions into checklist items, and publish a notice from it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use tower_sessions::Session;

use super::AppState;
use super::agenda::{self, Agenda};
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::extract::IdPath;
use super::flash;
use super::form::{Fields, Messages};
use super::item_forms;
use super::items::category_options;
use super::layout::Layout;
use super::notices::{Confirm, NoticePage};
use crate::app;
use crate::app::meetings::MeetingInput;
use crate::app::notices::Outcome;
use crate::auth::{CurrentUser, policy};
use crate::db::meetings::{self, Meeting};
use crate::db::notices;
use crate::db::projects;
use crate::db::units::{self, Unit};
use crate::domain::checklist::ItemFields;
use crate::domain::done::Done;
use crate::domain::input::FieldErrors;
use crate::domain::meeting::MeetingKind;
use crate::i18n::Catalog;
use crate::links;

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

#[derive(Template, WebTemplate)]
#[template(path = "meetings/list.html")]
pub struct ListPage {
    layout: Layout,
    rows: Vec<MeetingRow>,
    can_schedule: bool,
}

pub async fn list(State(state): State<AppState>, ctx: RequestContext, user: CurrentUser) -> AppResult<ListPage> {
    let scope = agenda::visible_scope(&user).map_err(|_| AppError::Forbidden)?;
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

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    fields: Fields,
) -> AppResult<Response> {
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
    match app::meetings::create(&state.db, &settings, &user, &typed).await? {
        Ok(id) => flash::done(&session, &links::meeting(id), Done::MeetingScheduled).await,
        Err(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            form(&state, &ctx, fields, &errors).await?,
        )
            .into_response()),
    }
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
    /// The meeting's notice, when it has one: its id and number (第N期); publishing again is a
    /// correction.
    notice: Option<(Uuid, String)>,
    reason: String,
    /// The pending requests of the meeting's projects a decision may answer: id, project · title.
    pending_requests: Vec<(Uuid, String)>,
    decision_request: String,
    /// Why publishing again gave the notice the meeting has.
    notice_exists: bool,
}

/// A form of the meeting page sent back with problems: it comes back as it was typed.
pub enum Returned {
    Nothing,
    Point {
        text: String,
        project: String,
    },
    Decision {
        fields: ItemFields,
        project: String,
        request: String,
    },
    Record(Fields),
    Publish {
        title: String,
        body: String,
        reason: String,
    },
    /// Publishing again: the meeting has its notice already.
    Published,
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
    let agenda = agenda::agenda(state, t, user, id).await?;
    let settings = ctx.settings(&state.db).await?;
    let m = &agenda.meeting;
    let can_decide = !app::meetings::decidable(&state.db, user, m).await?.is_empty();
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
        notice: notices::of_meeting(&state.db, id)
            .await?
            .map(|n| (n.id, t.notice_no(n.year, n.number))),
        reason: String::new(),
        notice_exists: false,
        pending_requests: meetings::pending_requests(&state.db, &m.project_ids)
            .await?
            .into_iter()
            .map(|r| {
                let name = agenda
                    .projects
                    .iter()
                    .find(|p| p.id == r.project_id)
                    .map_or("", |p| p.name.as_str());
                (r.id, format!("{name} · {}", r.title))
            })
            .collect(),
        decision_request: String::new(),
        layout: Layout::new(ctx),
        agenda,
    };
    match returned {
        Returned::Nothing => {}
        Returned::Point { text, project } => {
            (page.returned, page.point_text, page.point_project) = ("point", text, project);
        }
        Returned::Decision {
            fields,
            project,
            request,
        } => {
            page.categories = category_options(t, &fields.category);
            (page.returned, page.decision, page.decision_project) = ("decision", fields, project);
            page.decision_request = request;
        }
        Returned::Record(fields) => {
            page.returned = "record";
            page.attendees = fields.get("attendees");
            page.minutes = fields.get("minutes");
            for (id, _, text) in &mut page.project_minutes {
                *text = fields.get(&format!("minutes_{id}"));
            }
        }
        Returned::Publish { title, body, reason } => {
            (page.returned, page.notice_title, page.notice_body, page.reason) = ("publish", title, body, reason);
        }
        Returned::Published => page.notice_exists = true,
    }
    Ok(page)
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
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let meeting = app::meetings::chaired(&state.db, &user, id).await?;
    let (attendees, minutes) = (fields.get("attendees"), fields.get("minutes"));
    let typed = app::meetings::Record {
        attendees: &attendees,
        minutes: &minutes,
        per_project: meeting
            .project_ids
            .iter()
            .map(|p| (*p, fields.get(&format!("minutes_{p}"))))
            .collect(),
    };
    match app::meetings::record(&state.db, &user, id, &typed).await? {
        Ok(()) => flash::done(&session, &(links::meeting(id) + "#record"), Done::MinutesSaved).await,
        Err(e) => returned(&state, &ctx, &user, id, Returned::Record(fields), &e).await,
    }
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let values = item_forms::fields_of(&fields);
    let (project, answers) = (fields.get("project"), fields.get("request"));
    match app::meetings::decide(&state.db, &user, id, &project, &answers, &values).await? {
        Ok(_) => flash::done(&session, &(links::meeting(id) + "#decisions"), Done::DecisionRecorded).await,
        Err(errors) => {
            let back = Returned::Decision {
                fields: values,
                project,
                request: answers,
            };
            returned(&state, &ctx, &user, id, back, &errors).await
        }
    }
}

pub async fn publish(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let (title, body, reason) = (fields.get("title"), fields.get("body"), fields.get("reason"));
    let typed = app::meetings::NoticeInput {
        title: &title,
        body: &body,
        reissue: fields.get("reissue") == "1",
        reason: &reason,
    };
    let back = || Returned::Publish {
        title: title.clone(),
        body: body.clone(),
        reason: reason.clone(),
    };
    // First the preview of exactly what will be frozen; publishing is its confirmation.
    let digest = fields.get("digest");
    if fields.get("step") != "confirm" {
        return match app::meetings::preview(&state.db, &user, id, &typed).await? {
            Ok((checked, draft)) => Ok(preview_page(&ctx, &typed, checked, draft, false).into_response()),
            Err(e) => returned(&state, &ctx, &user, id, back(), &e).await,
        };
    }
    match app::meetings::publish(&state.db, &user, id, &typed, Some(&digest)).await? {
        Ok(Outcome::Done(notice)) => flash::done(&session, &links::notice(notice), Done::NoticePublished).await,
        Ok(Outcome::Exists(_)) => {
            let page = page(&state, &ctx, &user, id, Returned::Published, &FieldErrors::default()).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Ok(Outcome::Stale) => match app::meetings::preview(&state.db, &user, id, &typed).await? {
            Ok((checked, draft)) => {
                Ok((StatusCode::CONFLICT, preview_page(&ctx, &typed, checked, draft, true)).into_response())
            }
            Err(e) => returned(&state, &ctx, &user, id, back(), &e).await,
        },
        Err(e) => returned(&state, &ctx, &user, id, back(), &e).await,
    }
}

/// The notice as it would be frozen, with the form that confirms it; `stale` when the content
/// changed since the preview the user confirmed.
fn preview_page(
    ctx: &RequestContext,
    typed: &app::meetings::NoticeInput<'_>,
    checked: app::meetings::CheckedNotice,
    draft: app::notices::Draft,
    stale: bool,
) -> NoticePage {
    let confirm = Confirm {
        action: links::meeting(checked.meeting.id) + "/publish",
        back: links::meeting(checked.meeting.id) + "#publish",
        title: typed.title.to_string(),
        body: typed.body.to_string(),
        reissue: typed.reissue,
        reason: typed.reason.to_string(),
        digest: draft.digest(),
        stale,
    };
    let meeting = Some(checked.meeting.id);
    NoticePage::preview(ctx, (checked.title, checked.body), meeting, draft.content, confirm)
}

/// The chair adds a point to the agenda.
pub async fn add_point(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let (text, project) = (fields.get("text"), fields.get("project"));
    match app::meetings::add_point(&state.db, &user, id, &project, &text).await? {
        Ok(()) => flash::done(&session, &(links::meeting(id) + "#points"), Done::PointAdded).await,
        Err(e) => returned(&state, &ctx, &user, id, Returned::Point { text, project }, &e).await,
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
    user: CurrentUser,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let up = fields.get("direction") == "up";
    app::meetings::move_point(&state.db, &user, id, &fields.get("point"), up).await?;
    Ok(Redirect::to(&(links::meeting(id) + "#points")).into_response())
}
