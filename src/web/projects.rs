//! The projects a user may see: the list with its filters, and the project page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::AppState;
use super::context::RequestContext;
use super::error::AppResult;
use super::extract::{IdPath, PageQuery};
use super::form::AdjustmentForm;
use super::history::{self, HistoryView};
use super::layout::Layout;
use super::requests::RequestRow;
use super::rows::ItemRow;
use super::rows::ProjectRow;
use super::todo::TodoView;
use crate::app::kept;
use crate::auth::{CurrentUser, policy};
use crate::db::items::{self, Line};
use crate::db::projects::{self, ListQuery, ProjectSummary};
use crate::db::{investors, standings};
use crate::domain::adjustment;
use crate::domain::investment::Decider;
use crate::domain::lifecycle::{Stage, duration_days};
use crate::domain::project_list::Sort;
use crate::domain::request;
use crate::domain::role::Role;
use crate::domain::status::{self, Colour, ItemState, Thresholds};
use crate::i18n::Catalog;
use crate::links;

/// Where each role starts: officials on the dashboard, unit staff in their unit's queue, everyone
/// else in the projects list.
pub async fn home(user: CurrentUser) -> Response {
    match (user.role, user.unit_code) {
        (Role::Member, Some(code)) => Redirect::to(&links::unit(code)).into_response(),
        (Role::Official | Role::Admin, _) => Redirect::to("/dashboard").into_response(),
        (Role::Investor, _) => Redirect::to("/portal").into_response(),
        _ => Redirect::to("/projects").into_response(),
    }
}

const PAGE_SIZE: i64 = 20;

/// The list's query string; anything unreadable is ignored rather than refused.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    stage: Option<String>,
    colour: Option<String>,
    park: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    page: Option<String>,
}

/// The list's filters, sort and page from its query string (the page and its exports share them).
pub fn list_query(params: &ListParams, page_size: i64, today: NaiveDate) -> (ListQuery, i64) {
    // NUL cannot be stored or searched for in PostgreSQL text: it is dropped from the filters.
    let nonempty = |v: &Option<String>| {
        v.as_deref()
            .map(|s| s.replace('\0', ""))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let stage = nonempty(&params.stage).and_then(|s| Stage::parse(&s));
    let colour = nonempty(&params.colour).and_then(|c| ["green", "yellow", "red"].iter().position(|x| *x == c));
    let colour = colour.map(|i| [Colour::Green, Colour::Yellow, Colour::Red][i]);
    let park = nonempty(&params.park);
    let text = nonempty(&params.q).map(|q| q.chars().take(100).collect::<String>());
    let sort = nonempty(&params.sort)
        .and_then(|s| Sort::parse(&s))
        .unwrap_or(Sort::Colour);
    let page = nonempty(&params.page)
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, 100_000);
    let query = ListQuery {
        stage,
        colour,
        park,
        text,
        sort,
        limit: page_size,
        offset: (page - 1) * page_size,
        today,
    };
    (query, page)
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/list.html")]
pub struct ListPage {
    layout: Layout,
    /// Leads land here: what waits for them.
    todo: Option<TodoView>,
    intro: &'static str,
    rows: Vec<ProjectRow>,
    stages: Vec<Choice>,
    colours: Vec<Choice>,
    parks: Vec<Choice>,
    sorts: Vec<Choice>,
    text: String,
    filtered: bool,
    can_create: bool,
    page: i64,
    pages: i64,
    total: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
    /// The list's query string, for its exports (which take the same filters).
    export_query: String,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    PageQuery(params): PageQuery<ListParams>,
) -> AppResult<ListPage> {
    let t = ctx.t();
    let settings = ctx.settings(&state.db).await?;
    let (today, th) = (settings.today(), settings.thresholds());
    let scope = policy::project_scope(&user);
    let (query, page) = list_query(&params, PAGE_SIZE, today);
    let ListQuery {
        stage,
        colour,
        ref park,
        ref text,
        sort,
        ..
    } = query;
    let (park, text) = (park.clone(), text.clone());
    let listed = ctx.listed_projects(&state, scope).await?;
    let (found, total) = listed.select(&query);
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let href = |to: i64| {
        let mut q = vec![("page", to.to_string()), ("sort", sort.as_str().to_string())];
        if let Some(s) = stage {
            q.push(("stage", s.as_str().into()));
        }
        if let Some(c) = colour {
            q.push(("colour", c.as_str().into()));
        }
        if let Some(p) = &park {
            q.push(("park", p.clone()));
        }
        if let Some(x) = &text {
            q.push(("q", x.clone()));
        }
        format!("/projects?{}", serde_urlencoded::to_string(&q).unwrap_or_default())
    };
    let choice = |value: &str, label: &str, selected: bool| Choice {
        value: value.into(),
        label: label.into(),
        selected,
    };
    let parks = listed.parks();
    let todo = if user.role == Role::Lead {
        Some(TodoView::load(&state, &settings, &ctx, &user).await?)
    } else {
        None
    };
    Ok(ListPage {
        todo,
        layout: Layout::new(&ctx),
        intro: if scope == policy::ProjectScope::All {
            t.projects.home_intro_all
        } else {
            t.projects.home_intro_own
        },
        rows: found
            .iter()
            .map(|p| ProjectRow::from_summary(p, t, today, th))
            .collect(),
        stages: Stage::ALL
            .iter()
            .map(|s| choice(s.as_str(), t.stage(*s), stage == Some(*s)))
            .collect(),
        colours: [Colour::Red, Colour::Yellow, Colour::Green]
            .iter()
            .map(|c| choice(c.as_str(), t.colour(*c), colour == Some(*c)))
            .collect(),
        parks: parks.iter().map(|p| choice(p, p, park.as_deref() == Some(p))).collect(),
        sorts: Sort::ALL
            .iter()
            .map(|s| choice(s.as_str(), t.sort(*s), sort == *s))
            .collect(),
        filtered: stage.is_some() || colour.is_some() || park.is_some() || text.is_some(),
        text: text.clone().unwrap_or_default(),
        can_create: policy::may_manage_projects(&user),
        page,
        pages,
        total,
        prev_href: (page > 1).then(|| href(page - 1)),
        next_href: (page < pages).then(|| href(page + 1)),
        export_query: ctx
            .path
            .split_once('?')
            .map(|(_, q)| format!("?{q}"))
            .unwrap_or_default(),
    })
}

pub struct StageView {
    pub stage: Stage,
    pub label: &'static str,
    pub planned: Option<NaiveDate>,
    pub actual: Option<NaiveDate>,
    pub reached: bool,
    pub current: bool,
}

/// The lifecycle as a timeline: every stage with its planned and actual dates.
pub fn stage_views(dates: &[projects::StageDate], current: Stage, t: &'static Catalog) -> Vec<StageView> {
    let date_of = |s: Stage| dates.iter().find(|d| d.stage == s);
    Stage::ALL
        .into_iter()
        .map(|s| StageView {
            stage: s,
            label: t.stage(s),
            planned: date_of(s).and_then(|d| d.planned_on),
            actual: date_of(s).and_then(|d| d.actual_on),
            reached: s <= current,
            current: s == current,
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/show.html")]
pub struct ProjectPage {
    layout: Layout,
    stage_error: Option<String>,
    investor_error: Option<String>,
    project: ProjectRow,
    industry: String,
    investment_code: String,
    description: String,
    version: i32,
    member_units: Vec<String>,
    liaisons: Vec<String>,
    stages: Vec<StageView>,
    later_stages: Vec<(&'static str, &'static str)>,
    today: NaiveDate,
    durations: Vec<String>,
    open: Vec<ItemRow>,
    closed: Vec<ItemRow>,
    updates: Vec<items::Update>,
    history: Vec<HistoryView>,
    /// Whether there is more history than the page shows.
    more_history: bool,
    /// The task force's figures and place in the live ranking (internal users only).
    standing: Option<(standings::Entry, String)>,
    can_manage: bool,
    can_edit_checklist: bool,
    internal: bool,
    tz: chrono_tz::Tz,
    requests: Vec<RequestRow>,
    /// How the task force serves the investor (internal users only).
    service: Option<request::Figures>,
    can_request: bool,
    /// Linked investor accounts (for those who manage projects).
    investors: Vec<investors::LinkedInvestor>,
    /// Its investment against the time line, when it has a plan or a report.
    invest: Option<super::investment::Summary>,
    /// Setting its colour by hand (officials), whether it is set now, and the form as sent.
    can_adjust: bool,
    overridden: bool,
    override_form: AdjustmentForm,
    colour_choices: Vec<(&'static str, &'static str)>,
}

/// A form of the project page that came back with a problem.
pub enum Feedback {
    Stage(String),
    Investors(String),
    Override(AdjustmentForm),
}

/// Spans the county measures ("filing to production: 37 days").
const MEASURED: [(Stage, Stage); 4] = [
    (Stage::Negotiating, Stage::Signed),
    (Stage::Filed, Stage::ConstructionStarted),
    (Stage::ConstructionStarted, Stage::InProduction),
    (Stage::Filed, Stage::InProduction),
];

/// The latest progress updates and history entries on the page; all of them are on the
/// project's history page.
const LATEST_SHOWN: i64 = 10;

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<ProjectPage> {
    project_page(&state, &ctx, &user, id, None).await
}

/// The project page, with a message for the stage form when advancing it went wrong.
pub async fn project_page(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    id: Uuid,
    feedback: Option<Feedback>,
) -> AppResult<ProjectPage> {
    let settings = ctx.settings(&state.db).await?;
    let (today, th) = (settings.today(), settings.thresholds());
    let internal = policy::sees_internal(user);
    let (read, on_task_force) = kept::project(&state.db, &state.pages, &settings, user, id, LATEST_SHOWN + 1).await?;
    let (sheet, panel) = (&read.sheet, &read.panel);
    let t = ctx.t();
    let all_items = &read.lines;
    let mut summary = with_figures(sheet.summary.clone(), all_items, today, th);
    summary.investment = panel.judged;
    // Shown with a plan or a report, and to those who set plans (who can start one).
    let investment_shown = panel.plan.is_some()
        || panel.months.iter().any(Option::is_some)
        || policy::may_report_investment(user, on_task_force);
    let invest = investment_shown.then(|| super::investment::Summary::new(panel, &settings, t));
    let dates = &sheet.stage_dates.0;
    let view = if internal { ctx.run_view(state).await? } else { None };
    let standing = view.and_then(|v| {
        let e = v.entries.iter().find(|e| e.project_id == id)?.clone();
        let place = t.place(e.list.as_deref(), e.list_position);
        Some((e, place))
    });
    // Progress and history are internal.
    let (mut updates, mut history) = if internal {
        (sheet.updates.0.clone(), sheet.history.0.clone())
    } else {
        (Vec::new(), Vec::new())
    };
    let more_history = history.len() as i64 > LATEST_SHOWN;
    updates.truncate(LATEST_SHOWN as usize);
    history.truncate(LATEST_SHOWN as usize);
    let names = history::unit_names(&state.db, &history).await?;
    let history = history
        .iter()
        .map(|h| HistoryView::new(h, t, settings.tz(), &names))
        .collect();
    let all_requests = &sheet.requests.0;
    let service = internal.then(|| {
        let mut figures = request::Figures::default();
        for r in all_requests {
            let timing = request::timing(r.state, r.dates(settings.tz()), today, settings.service_level());
            figures.add(r.state, timing, r.rating);
        }
        figures
    });
    let can_manage = policy::may_manage_projects(user);
    let investors = if can_manage {
        sheet.investors.0.clone()
    } else {
        Vec::new()
    };
    let (mut stage_error, mut investor_error, mut override_form) = (None, None, AdjustmentForm::default());
    match feedback {
        Some(Feedback::Stage(m)) => stage_error = Some(m),
        Some(Feedback::Investors(m)) => investor_error = Some(m),
        Some(Feedback::Override(form)) => override_form = form,
        None => {}
    }
    let overridden = summary.overall(today, th).1 == Decider::Override;
    let date_of = |s: Stage| dates.iter().find(|d| d.stage == s);
    let stages = stage_views(dates, summary.stage, t);
    let actual = |s: Stage| date_of(s).and_then(|d| d.actual_on);
    let durations = MEASURED
        .into_iter()
        .filter_map(|(a, b)| duration_days(actual(a), actual(b)).map(|days| t.duration(a, b, days)))
        .collect();
    let (open, closed): (Vec<ItemRow>, Vec<ItemRow>) = all_items
        .iter()
        .map(|i| ItemRow::new(i, t, today, th, &settings.service_level().calendar))
        .partition(|i| i.state == ItemState::Open);
    Ok(ProjectPage {
        layout: Layout::new(ctx),
        stage_error,
        industry: summary.industry.clone().unwrap_or_default(),
        investment_code: summary.investment_code.clone().unwrap_or_default(),
        description: summary.description.clone().unwrap_or_default(),
        version: summary.version,
        later_stages: Stage::ALL
            .iter()
            .filter(|s| **s > summary.stage)
            .map(|s| (s.as_str(), t.stage(*s)))
            .collect(),
        project: ProjectRow::from_summary(&summary, t, today, th),
        member_units: sheet.people.member_units.clone(),
        liaisons: sheet.people.liaisons.clone(),
        stages,
        today,
        durations,
        open,
        closed,
        updates,
        history,
        more_history,
        standing,
        can_manage,
        can_edit_checklist: policy::may_edit_checklist(user, on_task_force),
        internal,
        tz: settings.tz(),
        requests: all_requests.iter().map(|r| RequestRow::new(r, t, &settings)).collect(),
        service,
        can_request: policy::may_raise_request(user),
        investors,
        investor_error,
        invest,
        can_adjust: policy::may_adjust_standings(user),
        overridden,
        override_form,
        colour_choices: [Colour::Red, Colour::Yellow, Colour::Green]
            .map(|c| (c.as_str(), t.colour(c)))
            .to_vec(),
    })
}

/// The project's open-item figures and most urgent item, counted from its checklist (exempt items
/// left out, as the status engine leaves them out).
fn with_figures(mut p: ProjectSummary, items: &[Line], today: NaiveDate, th: Thresholds) -> ProjectSummary {
    let open: Vec<&Line> = items
        .iter()
        .filter(|i| i.state == ItemState::Open && adjustment::counts(i.exempt_until, today))
        .collect();
    let counts = status::open_counts(open.iter().map(|i| i.deadline), today, th);
    (p.open_items, p.red_items, p.yellow_items) = (counts.open, counts.red, counts.yellow);
    let worst = open
        .iter()
        .min_by(|a, b| (a.deadline, &a.title, a.id).cmp(&(b.deadline, &b.title, b.id)));
    p.worst_title = worst.map(|i| i.title.clone());
    p.worst_deadline = worst.map(|i| i.deadline);
    p.worst_unit = worst.map(|i| i.unit_name.clone());
    p
}
