//! Notices (红黄色通报): who reads which, previewing one, and publishing it (its content frozen as
//! of today); a meeting's notice once, or corrected with a reason.

use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::policy;
use crate::db::audit::Actor;
use crate::db::notices::{self, NewNotice, NoticeContent, Published};
use crate::db::{items, projects, recompute, settings, standings, supervision};
use crate::domain::access::CurrentUser;
use crate::domain::input::FieldErrors;
use crate::domain::meeting;
use crate::error::{AppError, AppResult};

/// Who reads which notices: officials and admins all of them; unit staff and leads those that
/// name their unit; investors none.
pub fn reader(user: &CurrentUser) -> AppResult<(bool, Option<Uuid>)> {
    if !policy::sees_internal(user) {
        return Err(AppError::NotFound);
    }
    Ok((policy::may_oversee_county(user), user.unit_id))
}

/// A notice as it would be frozen now: its content and the units it names.
pub struct Draft {
    pub content: NoticeContent,
    pub unit_ids: Vec<Uuid>,
}

impl Draft {
    /// A fingerprint of the content: a publication confirmed from a preview is refused when the
    /// content changed since (`stale`), so what was previewed is exactly what is frozen.
    pub fn digest(&self) -> String {
        let json = serde_json::to_vec(&self.content).unwrap_or_default();
        hex::encode(Sha256::digest(&json))
    }
}

/// The notice over `project_ids` (and the decisions of `meeting`) as of today, not yet published.
pub async fn draft(db: &PgPool, project_ids: &[Uuid], meeting: Option<Uuid>) -> AppResult<Draft> {
    let settings = settings::load(db).await?;
    let (today, th) = (settings.today(), settings.thresholds());
    let overdue = items::overdue_of_projects(db, project_ids, today).await?;
    let mut conn = db.acquire().await?;
    let rule = settings.red_rule();
    let last_week = match standings::weekly(db, 1).await?.first() {
        Some(w) => standings::lists(db, w.id).await?,
        None => Vec::new(),
    };
    let standings = recompute::ranked(&mut conn, today, &settings).await?;
    drop(conn);
    let mut content = notices::content(
        &settings.county_name,
        today,
        &overdue,
        &standings,
        project_ids,
        th,
        (rule, settings.ranking_method()),
        &last_week,
    );
    let orders = supervision::for_notice(db, project_ids, today).await?;
    content.supervision = notices::supervision_section(&orders, today);
    if let Some(meeting) = meeting {
        content.decisions = notices::meeting_decisions(db, meeting).await?;
    }
    content.issuer = settings.notice_issuer.clone();
    // Every overdue item is yellow or red: the notice names each of their units.
    let mut unit_ids: Vec<Uuid> = overdue.iter().map(|i| i.responsible_unit_id).collect();
    unit_ids.sort();
    unit_ids.dedup();
    Ok(Draft { content, unit_ids })
}

/// The county's notice of the week, checked: its title (the county's when none is typed), text
/// and every project.
pub struct Week {
    pub title: String,
    pub body: Option<String>,
    pub project_ids: Vec<Uuid>,
}

/// The week's notice as typed, checked (officials).
pub async fn week(
    db: &PgPool,
    user: &CurrentUser,
    title: &str,
    body: &str,
    default_title: String,
) -> AppResult<Result<Week, FieldErrors>> {
    if !policy::may_manage_projects(user) {
        return Err(AppError::Forbidden);
    }
    let (title, body) = match meeting::notice_text(title, body) {
        Ok(text) => text,
        Err(e) => return Ok(Err(e)),
    };
    let project_ids = projects::names(db, policy::ProjectScope::All)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    Ok(Ok(Week {
        title: title.unwrap_or(default_title),
        body,
        project_ids,
    }))
}

/// What a notice is published as.
pub struct Publication<'a> {
    pub title: &'a str,
    pub body: Option<&'a str>,
    /// A correction of the meeting's notice, with its reason.
    pub correction: Option<&'a str>,
    /// The digest of the previewed draft, when the publication confirms a preview.
    pub previewed: Option<&'a str>,
}

/// What became of publishing.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Done(Uuid),
    /// The meeting has its notice already: that one.
    Exists(Uuid),
    /// The content changed since the preview: nothing was published.
    Stale,
}

/// Publishes a notice over `project_ids` as of today, frozen (officials).
pub async fn publish(
    db: &PgPool,
    user: &CurrentUser,
    project_ids: &[Uuid],
    meeting: Option<Uuid>,
    p: Publication<'_>,
) -> AppResult<Outcome> {
    if !policy::may_manage_projects(user) {
        return Err(AppError::Forbidden);
    }
    let draft = draft(db, project_ids, meeting).await?;
    if p.previewed.is_some_and(|d| d != draft.digest()) {
        return Ok(Outcome::Stale);
    }
    let new = NewNotice {
        title: p.title,
        body: p.body,
        meeting_id: meeting,
        content: &draft.content,
        project_ids,
        unit_ids: &draft.unit_ids,
        correction: p.correction,
    };
    Ok(
        match notices::publish(db, new, Actor::User(user.id), Some(user.id)).await? {
            Published::Done(id) => Outcome::Done(id),
            Published::Exists(id) => Outcome::Exists(id),
        },
    )
}
