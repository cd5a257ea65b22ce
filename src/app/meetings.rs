//! Meetings: checking one as typed (its projects and units must exist).

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::policy;
use crate::db::settings::Settings;
use crate::db::{projects, units};
use crate::domain::input::{self, FieldErrors, Problem};
use crate::domain::meeting::{self, MeetingKind};
use crate::error::AppResult;

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
