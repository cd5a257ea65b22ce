//! The actions on checklist items, one function each, for the pages and the API alike: add an
//! item, edit it, move it through its states (submit, verify, send back, close, reopen, cancel)
//! and post progress on it. Each loads what the caller may see (404 otherwise), asks the policy
//! (403), checks the input through the domain, and writes in one transaction with its audit entry.

use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::policy;
use crate::db::audit::Actor;
use crate::db::items::{self, Item, ItemEdit, NewItem, NewUpdate, TransitionRequest, Update, Written};
use crate::db::projects::{self, ProjectSummary};
use crate::db::settings::Settings;
use crate::db::templates;
use crate::db::units::{self, Unit};
use crate::domain::access::CurrentUser;
use crate::domain::adjustment::Adjustment;
use crate::domain::checklist::{self, ItemDraft, ItemFields, Source, TEXT_MAX, Transition};
use crate::domain::input::{self, FieldErrors, Problem};
use crate::domain::sheet::SheetItem;
use crate::domain::template as template_rules;
use crate::error::{AppError, AppResult};

/// An item the caller may see, with whether they belong to its task force.
pub struct Loaded {
    pub item: Item,
    pub on_task_force: bool,
}

/// What an action did.
pub enum Outcome<T> {
    Done(T),
    /// Nothing was written: what is wrong, by field.
    Refused(FieldErrors),
    /// The version given was stale; nothing changed: the item as it is now.
    Conflict(Item),
    /// The item's state does not allow the change: the item as it is now.
    NotAllowed(Item),
}

impl From<Written> for Outcome<Item> {
    fn from(w: Written) -> Self {
        match w {
            Written::Done(item) => Outcome::Done(item),
            Written::Conflict(current) => Outcome::Conflict(current),
            Written::NotAllowed(current) => Outcome::NotAllowed(current),
        }
    }
}

/// An action on an existing item: the item as the caller saw it, and what the action did.
pub struct Acted<T> {
    pub loaded: Loaded,
    pub outcome: Outcome<T>,
}

/// The item if the user may see it (404 otherwise).
pub async fn load(db: &PgPool, user: &CurrentUser, id: Uuid) -> AppResult<Loaded> {
    let (item, on_task_force) = items::find_visible(db, policy::project_scope(user), user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Loaded { item, on_task_force })
}

/// The project if the user may see it (404) and edit its checklist (403).
pub async fn checklist_project(
    db: &PgPool,
    settings: &Settings,
    user: &CurrentUser,
    id: Uuid,
) -> AppResult<ProjectSummary> {
    let project = super::projects::visible(db, settings, user, id).await?;
    let on_task_force = projects::on_task_force(db, id, user.id).await?;
    if !policy::may_edit_checklist(user, on_task_force) {
        return Err(AppError::Forbidden);
    }
    Ok(project)
}

/// A typed item that passed its checks, with its responsible unit.
pub struct Checked {
    pub draft: ItemDraft,
    pub unit: Unit,
}

impl Checked {
    /// The row of a new item from this draft (a form, the API, a meeting's decision, an accepted
    /// request).
    pub fn new_item(&self, project_id: Uuid, source: Source, meeting_id: Option<Uuid>) -> NewItem<'_> {
        NewItem::of(&self.draft, self.unit.id, project_id, source, meeting_id)
    }
}

/// Checks a typed item and resolves its unit: the draft and unit, or the problems by field.
pub async fn check(db: &PgPool, values: &ItemFields) -> AppResult<Result<Checked, FieldErrors>> {
    let unit = units::by_code(db, &values.responsible_unit).await?;
    let found = unit.is_some();
    Ok(match (ItemDraft::parse(values), unit) {
        (Ok(draft), Some(unit)) => Ok(Checked { draft, unit }),
        (parsed, _) => {
            let mut errors = parsed.err().unwrap_or_default();
            if !found && errors.get("responsible_unit").is_none() {
                errors.add("responsible_unit", Problem::UnknownUnit);
            }
            Err(errors)
        }
    })
}

/// Adds an item to a project's checklist (officials, and leads of its task force).
pub async fn create(
    db: &PgPool,
    settings: &Settings,
    user: &CurrentUser,
    project_id: Uuid,
    values: &ItemFields,
) -> AppResult<Result<Item, FieldErrors>> {
    checklist_project(db, settings, user, project_id).await?;
    Ok(match check(db, values).await? {
        Ok(checked) => {
            let new = checked.new_item(project_id, Source::Plan, None);
            Ok(items::create(db, new, Actor::User(user.id), Some(user.id)).await?)
        }
        Err(errors) => Err(errors),
    })
}

/// The item if the user may edit it: an official, or a lead of its task force.
pub async fn editable(db: &PgPool, user: &CurrentUser, id: Uuid) -> AppResult<Loaded> {
    let loaded = load(db, user, id).await?;
    if !policy::may_edit_checklist(user, loaded.on_task_force) {
        return Err(AppError::Forbidden);
    }
    Ok(loaded)
}

/// Edits an item's fields from `version`; a new deadline needs `deadline_reason`.
pub async fn edit(
    db: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    version: i32,
    values: &ItemFields,
    deadline_reason: &str,
) -> AppResult<Acted<Item>> {
    let loaded = editable(db, user, id).await?;
    let checked = match check(db, values).await? {
        Ok(checked) => checked,
        Err(errors) => return Ok(refused(loaded, errors)),
    };
    let reason = Some(deadline_reason.trim()).filter(|r| !r.is_empty());
    if let Err(p) = checklist::check_deadline_change(loaded.item.deadline, checked.draft.deadline, reason) {
        return Ok(refused(loaded, FieldErrors(vec![("deadline_reason", p)])));
    }
    let edit = ItemEdit::of(&checked.draft, checked.unit.id, reason);
    let outcome = items::update(db, id, version, edit, Actor::User(user.id)).await?.into();
    Ok(Acted { loaded, outcome })
}

fn refused<T>(loaded: Loaded, errors: FieldErrors) -> Acted<T> {
    Acted {
        loaded,
        outcome: Outcome::Refused(errors),
    }
}

/// Moves an item from `version` through `change` with its text (a note or a reason: `text` in
/// the problems), as of the county's `today`.
pub async fn change(
    db: &PgPool,
    user: &CurrentUser,
    today: NaiveDate,
    id: Uuid,
    version: i32,
    change: Transition,
    text: &str,
) -> AppResult<Acted<Item>> {
    let loaded = load(db, user, id).await?;
    if !policy::may_change_item(user, loaded.on_task_force, loaded.item.responsible_unit_id, change) {
        return Err(AppError::Forbidden);
    }
    let checked = if checklist::needs_text(change) {
        input::required_text(text, TEXT_MAX)
    } else {
        input::optional_text(text, TEXT_MAX).map(Option::unwrap_or_default)
    };
    let text = match checked {
        Ok(text) => text,
        Err(p) => return Ok(refused(loaded, FieldErrors(vec![("text", p)]))),
    };
    let request = TransitionRequest {
        change,
        text: &text,
        today,
    };
    let outcome = items::transition(db, id, version, request, Actor::User(user.id), Some(user.id))
        .await?
        .into();
    Ok(Acted { loaded, outcome })
}

/// Exempts an item through a day with a reason (officials; `reason` and `until` in the problems),
/// or lifts its exemption (`None`).
pub async fn exempt(
    db: &PgPool,
    user: &CurrentUser,
    today: NaiveDate,
    id: Uuid,
    typed: Option<(&str, &str)>,
) -> AppResult<Acted<Item>> {
    let loaded = load(db, user, id).await?;
    if !policy::may_adjust_standings(user) {
        return Err(AppError::Forbidden);
    }
    let exemption = match typed.map(|(reason, until)| Adjustment::parse(reason, until, today)) {
        Some(Err(errors)) => return Ok(refused(loaded, errors)),
        Some(Ok(e)) => Some(e),
        None => None,
    };
    let outcome = items::set_exemption(db, id, exemption.as_ref(), user.id).await?.into();
    Ok(Acted { loaded, outcome })
}

/// What was refused, with the item as the caller saw it (to show the form again).
pub struct Refused {
    pub loaded: Loaded,
    pub errors: FieldErrors,
}

/// Posts progress on an item (whoever may work on it); `body` in the problems.
pub async fn post_update(
    db: &PgPool,
    user: &CurrentUser,
    id: Uuid,
    body: &str,
    for_investor: bool,
) -> AppResult<Result<Update, Refused>> {
    let loaded = load(db, user, id).await?;
    if !policy::may_work_item(user, loaded.on_task_force, loaded.item.responsible_unit_id) {
        return Err(AppError::Forbidden);
    }
    let body = match input::required_text(body, TEXT_MAX) {
        Ok(body) => body,
        Err(p) => {
            let errors = FieldErrors(vec![("body", p)]);
            return Ok(Err(Refused { loaded, errors }));
        }
    };
    let update = NewUpdate {
        body: &body,
        for_investor,
    };
    Ok(Ok(items::add_update(
        db,
        &loaded.item,
        update,
        Actor::User(user.id),
        Some(user.id),
    )
    .await?))
}

/// A template's lines as items of a project's checklist from `start`: each with its deadline, and
/// whether it is added (false: the checklist has that matter already).
pub struct FromTemplate {
    pub template: templates::Template,
    pub start: NaiveDate,
    pub lines: Vec<(templates::Line, NaiveDate, bool)>,
}

/// What applying a template would add to the project's checklist (its checklist editors).
pub async fn from_template(
    db: &PgPool,
    settings: &Settings,
    user: &CurrentUser,
    project: Uuid,
    template: Uuid,
    start: NaiveDate,
) -> AppResult<Option<FromTemplate>> {
    checklist_project(db, settings, user, project).await?;
    let Some(template) = templates::get(db, template).await? else {
        return Ok(None);
    };
    let listed = items::titles(db, project).await?;
    let add = template_rules::missing(
        template.lines.iter().map(|l| l.title.as_str()),
        listed.iter().map(String::as_str),
    );
    let lines = template
        .lines
        .iter()
        .zip(add)
        .map(|(l, add)| (l.clone(), template_rules::deadline(start, l.offset_days), add))
        .collect();
    Ok(Some(FromTemplate { template, start, lines }))
}

/// What became of applying a template.
pub enum Applied {
    /// This many items were added.
    Done(u64),
    /// The template changed since the preview (its version): nothing was added.
    Stale,
}

/// Adds the template's lines the checklist lacks, as previewed from `version` of the template.
pub async fn apply_template(
    db: &PgPool,
    settings: &Settings,
    user: &CurrentUser,
    project: Uuid,
    (template, version): (Uuid, i32),
    start: NaiveDate,
) -> AppResult<Option<Applied>> {
    let Some(plan) = from_template(db, settings, user, project, template, start).await? else {
        return Ok(None);
    };
    if plan.template.version != version {
        return Ok(Some(Applied::Stale));
    }
    let candidates: Vec<SheetItem> = plan
        .lines
        .into_iter()
        .enumerate()
        .map(|(n, (l, deadline, _))| SheetItem::open(n + 1, l.title, l.unit_code, deadline, l.category))
        .collect();
    let created = items::create_missing(db, project, &candidates, "", Actor::User(user.id), Some(user.id)).await?;
    Ok(Some(Applied::Done(created)))
}
