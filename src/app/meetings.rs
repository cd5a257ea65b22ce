//! Meetings: schedule one, record it, add and order its points, turn its decisions into checklist
//! items, publish its notice. Meetings are internal: investors see none.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::policy;
use crate::db::audit::Actor;
use crate::db::meetings::{self, Meeting, NewMeeting};
use crate::db::settings::Settings;
use crate::db::{projects, units};
use crate::domain::access::CurrentUser;
use crate::domain::checklist::ItemFields;
use crate::domain::input::{self, FieldErrors, Problem};
use crate::domain::meeting::{self, MeetingKind};
use crate::error::{AppError, AppResult};

/// The longest minutes, of the meeting or of one project.
pub const MINUTES_MAX: usize = 20_000;

/// The meeting if the user may see it: they are not an investor and see one of its projects (404
/// otherwise, whether or not it exists).
pub async fn visible(db: &PgPool, user: &CurrentUser, id: Uuid) -> AppResult<Meeting> {
    if !policy::sees_internal(user) {
        return Err(AppError::NotFound);
    }
    let meeting = meetings::get(db, id).await?.ok_or(AppError::NotFound)?;
    let seen = projects::visible_names(db, policy::project_scope(user), &meeting.project_ids).await?;
    if seen.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(meeting)
}

/// The meeting for its chair (officials): 404 as [`visible`], 403 for the rest.
pub async fn chaired(db: &PgPool, user: &CurrentUser, id: Uuid) -> AppResult<Meeting> {
    let meeting = visible(db, user, id).await?;
    if !policy::may_manage_projects(user) {
        return Err(AppError::Forbidden);
    }
    Ok(meeting)
}

/// The meeting's projects on which the user may record a decision (a checklist item).
pub async fn decidable(db: &PgPool, user: &CurrentUser, meeting: &Meeting) -> AppResult<Vec<Uuid>> {
    let ids = &meeting.project_ids;
    let mine = projects::visible_names(db, policy::ProjectScope::TaskForcesOf(user.id), ids).await?;
    Ok(ids
        .iter()
        .copied()
        .filter(|p| policy::may_edit_checklist(user, mine.iter().any(|(m, _)| m == p)))
        .collect())
}

/// The project `typed` names, if it is one of the meeting's.
pub fn meeting_project(meeting: &Meeting, typed: &str) -> Option<Uuid> {
    Uuid::parse_str(typed.trim())
        .ok()
        .filter(|p| meeting.project_ids.contains(p))
}

/// Schedules a meeting (officials).
pub async fn create(
    db: &PgPool,
    settings: &Settings,
    user: &CurrentUser,
    typed: &MeetingInput,
) -> AppResult<Result<Uuid, FieldErrors>> {
    if !policy::may_manage_projects(user) {
        return Err(AppError::Forbidden);
    }
    let d = match check(db, settings, typed).await? {
        Ok(d) => d,
        Err(errors) => return Ok(Err(errors)),
    };
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
    Ok(Ok(meetings::create(db, new, Actor::User(user.id), Some(user.id)).await?))
}

/// What the chair records of a held meeting: who attended (one per line), the minutes, and the
/// minutes per project.
pub struct Record<'a> {
    pub attendees: &'a str,
    pub minutes: &'a str,
    pub per_project: Vec<(Uuid, String)>,
}

/// Records a held meeting (its chair). Minutes of projects the meeting does not have are ignored.
pub async fn record(
    db: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    typed: &Record<'_>,
) -> AppResult<Result<(), FieldErrors>> {
    let meeting = chaired(db, user, id).await?;
    let mut e = FieldErrors::default();
    let attendees = e.check("attendees", input::name_lines(typed.attendees, meeting::NAME_MAX));
    let minutes = e.check("minutes", input::optional_text(typed.minutes, MINUTES_MAX));
    let per_project: Vec<(Uuid, Option<String>)> = typed
        .per_project
        .iter()
        .filter(|(p, _)| meeting.project_ids.contains(p))
        .filter_map(|(p, text)| {
            e.check("project_minutes", input::optional_text(text, MINUTES_MAX))
                .map(|t| (*p, t))
        })
        .collect();
    let (Some(attendees), Some(minutes), true) = (attendees, minutes, e.is_empty()) else {
        return Ok(Err(e));
    };
    meetings::record_minutes(
        db,
        &meeting,
        &attendees,
        minutes.as_deref(),
        &per_project,
        Actor::User(user.id),
    )
    .await?;
    Ok(Ok(()))
}

/// Records a decision of the meeting as a checklist item of one of its projects (`project` as
/// typed), for those who may edit that project's checklist: 403 when they may edit none of the
/// meeting's projects or not the one chosen; `project` is a field problem when it is not one of
/// the meeting's. A decision may answer a pending request of its project (`answers`, its id, or
/// blank): the request is then accepted into the decision's item.
pub async fn decide(
    db: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    project: &str,
    answers: &str,
    fields: &ItemFields,
) -> AppResult<Result<Uuid, FieldErrors>> {
    let meeting = visible(db, user, id).await?;
    let allowed = decidable(db, user, &meeting).await?;
    let project = meeting_project(&meeting, project);
    if allowed.is_empty() || project.is_some_and(|p| !allowed.contains(&p)) {
        return Err(AppError::Forbidden);
    }
    let checked = super::items::check(db, fields).await?;
    let mut errors = checked.as_ref().err().cloned().unwrap_or_default();
    // The pending request of the project the decision answers, if it names one.
    let answers = match answers.trim() {
        "" => Ok(None),
        typed => Uuid::parse_str(typed).map(Some).map_err(|_| Problem::UnknownChoice),
    };
    let answers = errors.check("request", answers);
    let (Ok(checked), Some(project), Some(answers)) = (checked, project, answers) else {
        if project.is_none() {
            errors.add("project", Problem::UnknownChoice);
        }
        return Ok(Err(errors));
    };
    let new = checked.new_item(project, meeting.kind.decision_source(), Some(id));
    match meetings::add_decision(db, id, new, answers, user.id).await? {
        Some(item) => Ok(Ok(item.id)),
        // No longer pending, or another project's.
        None => Ok(Err(FieldErrors(vec![("request", Problem::UnknownChoice)]))),
    }
}

/// A meeting's notice as typed: its title (the meeting's when blank) and text, and for a
/// correction of the notice the meeting has, the reason.
pub struct NoticeInput<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub reissue: bool,
    pub reason: &'a str,
}

/// A notice checked and ready to show or publish.
pub struct CheckedNotice {
    pub meeting: Meeting,
    pub title: String,
    pub body: Option<String>,
    pub correction: Option<String>,
}

/// The longest reason for a correction.
pub const REASON_MAX: usize = 500;

async fn check_notice(
    db: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    typed: &NoticeInput<'_>,
) -> AppResult<Result<CheckedNotice, FieldErrors>> {
    let meeting = chaired(db, user, id).await?;
    let (text, mut errors) = match meeting::notice_text(typed.title, typed.body) {
        Ok(text) => (Some(text), FieldErrors::default()),
        Err(e) => (None, e),
    };
    let correction = if typed.reissue {
        errors.check("reason", input::required_text(typed.reason, REASON_MAX))
    } else {
        None
    };
    let (Some((title, body)), true) = (text, errors.is_empty()) else {
        return Ok(Err(errors));
    };
    Ok(Ok(CheckedNotice {
        title: title.unwrap_or_else(|| meeting.title.clone()),
        meeting,
        body,
        correction,
    }))
}

/// The meeting's notice as it would be frozen now, to confirm (its chair).
pub async fn preview(
    db: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    typed: &NoticeInput<'_>,
) -> AppResult<Result<(CheckedNotice, super::notices::Draft), FieldErrors>> {
    let checked = match check_notice(db, user, id, typed).await? {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let draft = super::notices::draft(db, &checked.meeting.project_ids, Some(id)).await?;
    Ok(Ok((checked, draft)))
}

/// Publishes the meeting's notice (its chair), once: again, it answers with the notice the
/// meeting has, unless it is a correction. `previewed` is the digest of the preview confirmed.
pub async fn publish(
    db: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    typed: &NoticeInput<'_>,
    previewed: Option<&str>,
) -> AppResult<Result<super::notices::Outcome, FieldErrors>> {
    let c = match check_notice(db, user, id, typed).await? {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let publication = super::notices::Publication {
        title: &c.title,
        body: c.body.as_deref(),
        correction: c.correction.as_deref(),
        previewed,
    };
    Ok(Ok(super::notices::publish(
        db,
        user,
        &c.meeting.project_ids,
        Some(id),
        publication,
    )
    .await?))
}

/// The chair adds a point to the agenda, optionally on one of its projects.
pub async fn add_point(
    db: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    project: &str,
    text: &str,
) -> AppResult<Result<(), FieldErrors>> {
    let meeting = chaired(db, user, id).await?;
    let project = meeting_project(&meeting, project);
    match input::required_text(text, 1000) {
        Ok(text) => Ok(Ok(
            meetings::add_point(db, id, project, &text, Actor::User(user.id)).await?
        )),
        Err(p) => Ok(Err(FieldErrors(vec![("point", p)]))),
    }
}

/// The chair moves a point up or down (404 for a point the meeting does not have).
pub async fn move_point(db: &PgPool, user: &CurrentUser, id: Uuid, point: &str, up: bool) -> AppResult<()> {
    chaired(db, user, id).await?;
    let point = Uuid::parse_str(point.trim()).map_err(|_| AppError::NotFound)?;
    if !meetings::move_point(db, id, point, up, Actor::User(user.id)).await? {
        return Err(AppError::NotFound);
    }
    Ok(())
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
    db: &PgPool,
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
    let known = projects::visible_names(db, policy::ProjectScope::All, &ids).await?;
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
    let mut conn = db.acquire().await?;
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
