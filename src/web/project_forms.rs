//! Officials create projects with their task forces, edit them and advance their stages.

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
use super::form::{AdjustmentForm, Fields, Messages};
use super::history::Change;
use super::items::category_options;
use super::layout::Layout;
use super::projects::{Feedback, project_page};
use crate::app;
use crate::app::projects::Advance;
use crate::auth::{CurrentUser, policy};
use crate::db::project_edits::{EditableProject, Saved};
use crate::db::units::{self, Unit};
use crate::db::{templates, users};
use crate::domain::done::Done;
use crate::domain::input::{self, FieldErrors};
use crate::domain::lifecycle::Stage;
use crate::domain::project::{self, PLANNED_FIELDS, ProjectDraft, ProjectFields};
use crate::domain::sheet::{self, Cell, SheetItem};
use crate::domain::template as template_rules;
use crate::i18n::Catalog;
use crate::links;

pub struct PlannedField {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/form.html")]
pub struct ProjectForm {
    layout: Layout,
    heading: String,
    action: String,
    back: String,
    values: ProjectFields,
    version: Option<i32>,
    units: Vec<Unit>,
    leads: Vec<(Uuid, String, bool)>,
    stages: Vec<(&'static str, &'static str)>,
    planned: Vec<PlannedField>,
    errors: Messages,
    conflict: Vec<Change>,
    /// A new project's checklist, from a template; `None` when editing.
    checklist: Option<Checklist>,
}

/// One item line of a new project's checklist, as shown and typed.
pub struct ItemLine {
    pub title: String,
    pub unit: String,
    pub categories: Vec<(&'static str, &'static str, bool)>,
    pub deadline: String,
}

/// The template chooser of the new-project form and the items it filled in.
#[derive(Default)]
pub struct Checklist {
    pub templates: Vec<templates::Summary>,
    pub chosen: Option<Uuid>,
    pub start: String,
    pub lines: Vec<ItemLine>,
    pub errors: Vec<String>,
}

impl ProjectForm {
    /// The plain text inputs: name, label, value, required, maximum length.
    fn text_fields(&self) -> Vec<(&'static str, &'static str, &str, bool, usize)> {
        let t = self.layout.t;
        let v = &self.values;
        vec![
            ("name", t.labels.field_name, v.name.as_str(), true, project::NAME_MAX),
            (
                "company",
                t.labels.field_company,
                v.company.as_str(),
                true,
                project::NAME_MAX,
            ),
            ("park", t.labels.field_park, v.park.as_str(), false, 100),
            ("industry", t.labels.field_industry, v.industry.as_str(), false, 100),
            (
                "total_investment",
                t.labels.field_total_investment,
                v.total_investment.as_str(),
                false,
                20,
            ),
        ]
    }

    fn is_member(&self, code: &str) -> bool {
        self.values.member_units.iter().any(|c| c == code)
    }
}

fn fields_of(f: &Fields) -> (ProjectFields, Vec<Uuid>) {
    let values = ProjectFields {
        name: f.get("name"),
        company: f.get("company"),
        park: f.get("park"),
        industry: f.get("industry"),
        investment_code: f.get("investment_code"),
        total_investment: f.get("total_investment"),
        stage: f.get("stage"),
        description: f.get("description"),
        leader_name: f.get("leader_name"),
        lead_unit: f.get("lead_unit"),
        member_units: f.all("member_units"),
        planned: PLANNED_FIELDS.map(|name| f.get(name)),
    };
    let liaisons = f
        .all("liaisons")
        .iter()
        .filter_map(|v| Uuid::parse_str(v).ok())
        .collect();
    (values, liaisons)
}

fn fields_from(p: &EditableProject) -> (ProjectFields, Vec<Uuid>) {
    let values = ProjectFields {
        name: p.name.clone(),
        company: p.company.clone(),
        park: p.park.clone().unwrap_or_default(),
        industry: p.industry.clone().unwrap_or_default(),
        investment_code: p.investment_code.clone().unwrap_or_default(),
        total_investment: p.total_investment_wan.map(|n| n.to_string()).unwrap_or_default(),
        stage: p.stage.as_str().into(),
        description: p.description.clone().unwrap_or_default(),
        leader_name: p.leader_name.clone().unwrap_or_default(),
        lead_unit: p.lead_unit.clone(),
        member_units: p.member_units.clone(),
        planned: Stage::ALL.map(|s| p.planned_on(s).map(|d| d.to_string()).unwrap_or_default()),
    };
    (values, p.liaisons.clone())
}

struct Spec {
    heading: String,
    action: String,
    back: String,
    version: Option<i32>,
}

#[allow(clippy::too_many_arguments)]
async fn form(
    state: &AppState,
    ctx: &RequestContext,
    spec: Spec,
    values: ProjectFields,
    liaisons: &[Uuid],
    errors: &FieldErrors,
    conflict: Vec<Change>,
    checklist: Option<Checklist>,
) -> AppResult<ProjectForm> {
    let t = ctx.t();
    let leads = users::leads(&state.db).await?;
    Ok(ProjectForm {
        layout: Layout::new(ctx),
        heading: spec.heading,
        action: spec.action,
        back: spec.back,
        version: spec.version,
        units: units::all(&state.db).await?,
        leads: leads
            .into_iter()
            .map(|(id, name)| (id, name, liaisons.contains(&id)))
            .collect(),
        stages: Stage::ALL.iter().map(|s| (s.as_str(), t.stage(*s))).collect(),
        planned: PLANNED_FIELDS
            .iter()
            .zip(Stage::ALL)
            .zip(values.planned.iter())
            .map(|((name, stage), value)| PlannedField {
                name,
                label: t.stage(stage),
                value: value.clone(),
            })
            .collect(),
        values,
        errors: Messages::new(errors, t),
        conflict,
        checklist,
    })
}

fn require_manager(user: &CurrentUser) -> AppResult<()> {
    if policy::may_manage_projects(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn new_spec(ctx: &RequestContext) -> Spec {
    Spec {
        heading: ctx.t().projects.form_new_project.into(),
        action: "/projects".into(),
        back: "/projects".into(),
        version: None,
    }
}

/// Which template a new project starts from, and on which day.
#[derive(Deserialize)]
pub struct StartParams {
    template: Option<String>,
    start: Option<String>,
}

fn item_line(t: &'static Catalog, title: String, unit: String, category: &str, deadline: String) -> ItemLine {
    ItemLine {
        title,
        unit,
        categories: category_options(t, category),
        deadline,
    }
}

pub async fn new(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    PageQuery(params): PageQuery<StartParams>,
) -> AppResult<ProjectForm> {
    require_manager(&user)?;
    let t = ctx.t();
    let today = ctx.settings(&state.db).await?.today();
    let start = params
        .start
        .as_deref()
        .and_then(|s| input::optional_date(s).ok().flatten())
        .unwrap_or(today);
    let chosen = params
        .template
        .as_deref()
        .and_then(|id| Uuid::parse_str(id.trim()).ok());
    let template = match chosen {
        Some(id) => templates::get(&state.db, id).await?,
        None => None,
    };
    let lines = template.as_ref().map_or_else(Vec::new, |tpl| {
        tpl.lines
            .iter()
            .map(|l| {
                let deadline = template_rules::deadline(start, l.offset_days).to_string();
                item_line(t, l.title.clone(), l.unit_code.clone(), l.category.as_str(), deadline)
            })
            .collect()
    });
    let checklist = Checklist {
        templates: templates::list(&state.db).await?,
        chosen: template.map(|tpl| tpl.id),
        start: start.to_string(),
        lines,
        errors: Vec::new(),
    };
    form(
        &state,
        &ctx,
        new_spec(&ctx),
        ProjectFields::default(),
        &[],
        &FieldErrors::default(),
        Vec::new(),
        Some(checklist),
    )
    .await
}

/// The item lines of the new-project form: those with a matter, checked as a whole like an
/// imported sheet. Returns what was typed (to show again) and the items or their problems.
async fn typed_checklist(
    state: &AppState,
    t: &'static Catalog,
    fields: &Fields,
) -> AppResult<(Vec<ItemLine>, Result<Vec<SheetItem>, Vec<String>>)> {
    let columns = ["item_title", "item_unit", "item_deadline", "item_category"].map(|c| fields.all(c));
    let cell = |c: usize, r: usize| columns[c].get(r).cloned().unwrap_or_default();
    let kept: Vec<usize> = (0..columns[0].len())
        .filter(|r| !cell(0, *r).trim().is_empty())
        .collect();
    let lines = (0..columns[0].len())
        .map(|r| item_line(t, cell(0, r), cell(1, r), &cell(3, r), cell(2, r)))
        .collect();
    if kept.is_empty() {
        return Ok((lines, Ok(Vec::new())));
    }
    let header = ["事项", "责任单位", "完成期限", "类别"]
        .map(|h| Cell::Text(h.into()))
        .to_vec();
    let rows: Vec<Vec<Cell>> = std::iter::once(header)
        .chain(kept.iter().map(|r| (0..4).map(|c| Cell::Text(cell(c, *r))).collect()))
        .collect();
    let units = app::imports::lookups(&state.db).await?;
    let settings = crate::db::settings::load(&state.db).await?;
    let checked =
        sheet::checklist(&rows, &units, app::imports::category_of, settings.import_rows()).map_err(|errors| {
            let report = t.report(&errors);
            report
                .into_iter()
                .map(|r| {
                    let title = kept
                        .get(r.row.saturating_sub(2))
                        .map(|i| cell(0, *i))
                        .unwrap_or_default();
                    format!("{title}：{} {}", r.field, r.message)
                })
                .collect()
        });
    Ok((lines, checked))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    fields: Fields,
) -> AppResult<Response> {
    require_manager(&user)?;
    let t = ctx.t();
    let (values, liaisons) = fields_of(&fields);
    let (lines, checked) = typed_checklist(&state, t, &fields).await?;
    let (errors, item_errors) = match checked {
        Ok(items) => match app::projects::create(&state.db, &user, &values, &liaisons, &items).await? {
            Ok(id) => return flash::done(&session, &links::project(id), Done::ProjectCreated).await,
            Err(errors) => (errors, Vec::new()),
        },
        // The project's own problems are shown beside the checklist's.
        Err(item_errors) => (ProjectDraft::parse(&values).err().unwrap_or_default(), item_errors),
    };
    let checklist = Checklist {
        templates: templates::list(&state.db).await?,
        chosen: None,
        start: fields.get("template_start"),
        lines,
        errors: item_errors,
    };
    let page = form(
        &state,
        &ctx,
        new_spec(&ctx),
        values,
        &liaisons,
        &errors,
        Vec::new(),
        Some(checklist),
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

fn edit_spec(ctx: &RequestContext, p: &EditableProject, version: i32) -> Spec {
    Spec {
        heading: format!("{} · {}", ctx.t().projects.edit_project, p.name),
        action: links::project(p.id) + "/edit",
        back: links::project(p.id),
        version: Some(version),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<ProjectForm> {
    let p = app::projects::managed(&state.db, &user, id).await?;
    let (values, liaisons) = fields_from(&p);
    form(
        &state,
        &ctx,
        edit_spec(&ctx, &p, p.version),
        values,
        &liaisons,
        &FieldErrors::default(),
        Vec::new(),
        None,
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
    let (values, liaisons) = fields_of(&fields);
    let saved = app::projects::update(&state.db, &user, id, fields.version(), &values, &liaisons).await?;
    let (status, version, errors, conflict) = match saved {
        Saved::Done(id) => return flash::done(&session, &links::project(id), Done::ProjectSaved).await,
        Saved::Invalid(errors) => (StatusCode::UNPROCESSABLE_ENTITY, fields.version(), errors, Vec::new()),
        Saved::Conflict(current) => {
            let (now, _) = fields_from(&current);
            (
                StatusCode::CONFLICT,
                current.version,
                FieldErrors::default(),
                differences(t, &now, &values),
            )
        }
    };
    let p = app::projects::managed(&state.db, &user, id).await?;
    let page = form(
        &state,
        &ctx,
        edit_spec(&ctx, &p, version),
        values,
        &liaisons,
        &errors,
        conflict,
        None,
    )
    .await?;
    Ok((status, page).into_response())
}

/// The fields where the current project and the submitted one differ.
fn differences(t: &crate::i18n::Catalog, current: &ProjectFields, yours: &ProjectFields) -> Vec<Change> {
    let pairs = [
        ("name", &current.name, &yours.name),
        ("company", &current.company, &yours.company),
        ("park", &current.park, &yours.park),
        ("industry", &current.industry, &yours.industry),
        ("investment_code", &current.investment_code, &yours.investment_code),
        (
            "total_investment_wan",
            &current.total_investment,
            &yours.total_investment,
        ),
        ("description", &current.description, &yours.description),
        ("leader_name", &current.leader_name, &yours.leader_name),
        ("lead_unit", &current.lead_unit, &yours.lead_unit),
    ];
    let mut changes: Vec<Change> = pairs
        .into_iter()
        .filter(|(_, a, b)| a.trim() != b.trim())
        .map(|(field, a, b)| Change {
            field: t.field_label(field),
            before: a.clone(),
            after: b.clone(),
        })
        .collect();
    let mut yours_members = yours.member_units.clone();
    yours_members.sort();
    if current.member_units != yours_members {
        changes.push(Change {
            field: t.field_label("member_units"),
            before: current.member_units.join("、"),
            after: yours_members.join("、"),
        });
    }
    changes
}

pub async fn advance(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let t = ctx.t();
    let settings = ctx.settings(&state.db).await?;
    let (stage, date) = (fields.get("stage"), fields.get("date"));
    let advanced = app::projects::advance(&state.db, &settings, &user, id, fields.version(), &stage, &date).await?;
    let (status, message) = match advanced {
        Advance::Done => return flash::done(&session, &(links::project(id) + "#timeline"), Done::StageAdvanced).await,
        Advance::Refused(p) => (StatusCode::UNPROCESSABLE_ENTITY, t.problem(p)),
        Advance::Conflict => (StatusCode::CONFLICT, t.conflict_body.into()),
    };
    let page = project_page(&state, &ctx, &user, id, Some(Feedback::Stage(message))).await?;
    Ok((status, page).into_response())
}

/// Links an investor account to the project, or unlinks it (`action=unlink`).
pub async fn link_investor(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let linked = fields.get("action") != "unlink";
    if app::projects::link_investor(&state.db, &user, id, &fields.get("username"), linked).await? {
        return flash::done(&session, &(links::project(id) + "#investors"), Done::InvestorsChanged).await;
    }
    let feedback = Some(Feedback::Investors(ctx.t().requests.investor_not_found.into()));
    let page = project_page(&state, &ctx, &user, id, feedback).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// Sets the project's colour by hand (officials), with the colour, reason and last day typed.
pub async fn set_colour(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
    fields: Fields,
) -> AppResult<Response> {
    let settings = ctx.settings(&state.db).await?;
    let form = AdjustmentForm::typed(&fields);
    let typed = Some((form.colour.as_str(), form.reason.as_str(), form.until.as_str()));
    let Err(errors) = app::projects::set_colour(&state.db, &settings, &user, id, typed).await? else {
        return flash::done(&session, &links::project(id), Done::ColourOverridden).await;
    };
    let form = form.refused(&errors, ctx.t());
    let page = project_page(&state, &ctx, &user, id, Some(Feedback::Override(form))).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// Lifts an official's setting of the project's colour.
pub async fn lift_colour(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let settings = ctx.settings(&state.db).await?;
    let _ = app::projects::set_colour(&state.db, &settings, &user, id, None).await?;
    flash::done(&session, &links::project(id), Done::OverrideLifted).await
}
