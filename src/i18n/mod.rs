//! The user-facing text: one catalog per language (`zh/`, `en/`), both filling the same
//! struct, so a missing translation is a compile error. Simplified Chinese is the default.
//!
//! The catalog is split by area: what every page shows (the navigation, errors, forms' words) is
//! [`Catalog`]'s own; each area's text is a struct of its own file here (`items.rs`,
//! `meetings.rs`…), filled by the file of the same name in `zh/` and `en/` and reached as
//! `t.items.due_soon`.

mod en;
mod zh;

pub mod account;
pub mod columns;
pub mod investment;
pub mod items;
pub mod labels;
pub mod meetings;
pub mod notify;
pub mod projects;
pub mod requests;
pub mod settings;
pub mod sheets;
pub mod standings;

use chrono::NaiveDate;

use crate::domain::checklist::{Category, Phase, Source};
use crate::domain::done::{Done, Flash};
use crate::domain::evidence::NotAttached;
use crate::domain::input::Problem;
use crate::domain::investment::{Judged, Month, Statement, Wan, percent};
use crate::domain::lifecycle::Stage;
use crate::domain::meeting::{MeetingKind, Outcome};
use crate::domain::notification::{EventFacts, EventKind, WebhookFormat};
use crate::domain::project_list::Sort;
use crate::domain::ranking::{Method, RankChange, RedRule};
use crate::domain::request::{ServiceLevel, Standing};
use crate::domain::role::Role;
use crate::domain::score::Breakdown;
use crate::domain::sheet::{Bound, RowError, SheetProblem};
use crate::domain::status::{Colour, ItemState, ItemStatus};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// The cookie that remembers the choice.
    pub const COOKIE: &'static str = "zb_lang";

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    pub fn catalog(self) -> &'static Catalog {
        match self {
            Lang::Zh => &zh::CATALOG,
            Lang::En => &en::CATALOG,
        }
    }
}

/// Every string the interface shows. `{name}` marks a parameter filled by the methods below.
pub struct Catalog {
    pub lang: Lang,
    pub html_lang: &'static str,
    /// Label of the link that switches to the other language, written in that language.
    pub switch_to_other: &'static str,
    pub app_name: &'static str,
    pub app_tagline: &'static str,
    pub skip_to_content: &'static str,
    /// The phone's menu of the main links, and the navigation's name.
    pub nav_menu: &'static str,
    pub nav_main: &'static str,
    /// A long page's in-page links.
    pub on_this_page: &'static str,
    pub nav_home: &'static str,
    pub nav_projects: &'static str,
    pub nav_logout: &'static str,
    pub nav_signed_in_as: &'static str,
    pub logged_out: &'static str,
    pub session_expired: &'static str,
    pub roles: [&'static str; Role::ALL.len()],
    pub nav_units: &'static str,
    pub nav_my_queue: &'static str,
    pub page_prev: &'static str,
    pub page_next: &'static str,
    /// `{page}`, `{pages}`, `{total}`.
    pub page_of: &'static str,
    pub list_empty_filtered: &'static str,
    pub choose: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub form_has_errors: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub conflict_title: &'static str,
    pub conflict_body: &'static str,
    pub conflict_current: &'static str,
    pub conflict_yours: &'static str,
    pub conflict_field: &'static str,
    /// One message per [`Problem`]; `{max}` and `{min}` for limits.
    pub problems: Problems,
    pub nav_dashboard: &'static str,
    pub nav_rankings: &'static str,
    pub nav_since: &'static str,
    pub nav_settings: &'static str,
    /// `{total}`, `{shown}`: under a table cut short.
    pub rows_more: &'static str,
    pub show_all: &'static str,
    /// `{n}`.
    pub days_n: &'static str,
    pub list_empty: &'static str,
    pub nav_meetings: &'static str,
    pub nav_notices: &'static str,
    pub nav_calendar: &'static str,
    pub error_back_home: &'static str,
    pub error_400: (&'static str, &'static str),
    pub error_401: (&'static str, &'static str),
    pub error_403: (&'static str, &'static str),
    pub error_404: (&'static str, &'static str),
    pub error_405: (&'static str, &'static str),
    pub error_408: (&'static str, &'static str),
    pub error_409: (&'static str, &'static str),
    pub error_413: (&'static str, &'static str),
    pub error_422: (&'static str, &'static str),
    pub error_429: (&'static str, &'static str),
    pub error_500: (&'static str, &'static str),
    pub error_503: (&'static str, &'static str),
    pub error_csrf: &'static str,
    pub error_still_running: &'static str,
    pub nav_portal: &'static str,
    pub nav_requests: &'static str,
    pub line_problem: &'static str,
    pub nav_password: &'static str,
    pub nav_verifications: &'static str,
    pub api_unknown_field: &'static str,
    pub nav_templates: &'static str,
    pub nav_inbox: &'static str,
    pub nav_webhooks: &'static str,

    /// Per domain::done::Done, in its order: what a form did (`{n}`: how many).
    pub done: [&'static str; Done::ALL.len()],

    pub account: account::Account,
    pub columns: columns::Columns,
    pub labels: labels::Labels,
    pub sheets: sheets::Sheets,
    pub notify: notify::Notify,
    pub meetings: meetings::Meetings,
    pub standings: standings::Standings,
    pub requests: requests::Requests,
    pub investment: investment::Investment,
    pub items: items::Items,
    pub projects: projects::Projects,
    pub settings: settings::Settings,
}

/// The message of each [`Problem`], by name: a new problem is a compile error until both
/// catalogs say it.
pub struct Problems {
    pub required: &'static str,
    pub too_long: &'static str,
    pub not_a_date: &'static str,
    pub not_a_number: &'static str,
    pub unknown_unit: &'static str,
    pub unknown_choice: &'static str,
    pub bad_investment_code: &'static str,
    pub date_in_future: &'static str,
    pub stage_not_later: &'static str,
    pub taken_name: &'static str,
    pub bad_characters: &'static str,
    pub reason_required: &'static str,
    pub closed_item: &'static str,
    pub out_of_range: &'static str,
    pub date_in_past: &'static str,
    pub not_a_web_address: &'static str,
    pub not_an_amount: &'static str,
    pub months_do_not_add_up: &'static str,
    pub not_accepted: &'static str,
}

impl Catalog {
    pub fn stage(&self, s: Stage) -> &'static str {
        self.projects.stages[s.index()]
    }

    pub fn category(&self, c: &Category) -> &'static str {
        self.items.categories[c.index()]
    }

    pub fn source(&self, s: &Source) -> &'static str {
        self.items.sources[s.index()]
    }

    pub fn item_state(&self, s: &ItemState) -> &'static str {
        self.items.item_states[*s as usize]
    }

    /// An item's state in words, "awaiting verification" included.
    pub fn phase(&self, p: Phase) -> &'static str {
        match p {
            Phase::Open => self.item_state(&ItemState::Open),
            Phase::Submitted => self.items.item_submitted,
            Phase::Done => self.item_state(&ItemState::Done),
            Phase::Cancelled => self.item_state(&ItemState::Cancelled),
        }
    }

    pub fn waiting_days(&self, days: &i64) -> String {
        fill(self.requests.waiting_working_days, &[("days", &days.to_string())])
    }

    /// Why a file past a reading bound was not imported, and what to do about it.
    pub fn sheet_too_large(&self, bound: Bound) -> String {
        let (template, found, limit) = match bound {
            Bound::Rows { found, limit } => (self.sheets.sheet_too_many_rows, found, u64::from(limit)),
            Bound::Columns { found, limit } => (self.sheets.sheet_too_many_columns, found, u64::from(limit)),
            Bound::Cells { limit } => (self.sheets.sheet_too_many_cells, 0, limit as u64),
            Bound::Grid { limit } => (self.sheets.sheet_too_wide_grid, 0, limit),
            Bound::Sheets { limit } => (self.sheets.sheet_too_many_sheets, 0, limit as u64),
            Bound::Unpacked { limit_mb } => (self.sheets.sheet_unpacks_too_large, 0, limit_mb),
            Bound::Ratio { limit } => (self.sheets.sheet_packed_too_tight, 0, limit),
            Bound::Parts { limit } => (self.sheets.sheet_too_many_parts, 0, limit as u64),
            Bound::Time { seconds } => (self.sheets.sheet_too_slow, 0, seconds),
        };
        fill(
            template,
            &[("found", &found.to_string()), ("limit", &limit.to_string())],
        )
    }

    pub fn sheet_unknown_unit_named(&self, unit: &str) -> String {
        fill(self.sheets.sheet_unknown_unit, &[("unit", unit)])
    }

    pub fn template_lines(&self, count: &i64) -> String {
        fill(self.sheets.template_lines_count, &[("count", &count.to_string())])
    }

    pub fn import_projects_preview(&self, count: usize) -> String {
        fill(
            self.sheets.import_projects_preview_title,
            &[("count", &count.to_string())],
        )
    }

    pub fn import_projects_confirm(&self, count: usize) -> String {
        fill(
            self.sheets.import_projects_confirm_label,
            &[("count", &count.to_string())],
        )
    }

    pub fn import_preview(&self, count: usize) -> String {
        fill(self.sheets.import_preview_title, &[("count", &count.to_string())])
    }

    pub fn apply_template_adds(&self, n: usize) -> String {
        fill(self.sheets.apply_template_adds, &[("n", &n.to_string())])
    }

    pub fn apply_template_confirm(&self, n: usize) -> String {
        fill(self.sheets.apply_template_confirm, &[("n", &n.to_string())])
    }

    pub fn import_confirm(&self, count: usize) -> String {
        fill(self.sheets.import_confirm_label, &[("count", &count.to_string())])
    }

    /// A file size people read: bytes, KB or MB.
    pub fn file_size(&self, bytes: &i32) -> String {
        match *bytes {
            b if b < 1024 => format!("{b} B"),
            b if b < 1024 * 1024 => format!("{} KB", b / 1024),
            b => format!("{:.1} MB", f64::from(b) / (1024.0 * 1024.0)),
        }
    }

    pub fn sort(&self, s: Sort) -> &'static str {
        self.projects.sorts[Sort::ALL.iter().position(|x| *x == s).unwrap_or(0)]
    }

    /// The message for a field's problem.
    pub fn problem(&self, p: Problem) -> String {
        let m = &self.problems;
        let text = match p {
            Problem::Required => m.required,
            Problem::TooLong(_) => m.too_long,
            Problem::NotADate => m.not_a_date,
            Problem::NotANumber => m.not_a_number,
            Problem::UnknownUnit => m.unknown_unit,
            Problem::UnknownChoice => m.unknown_choice,
            Problem::BadInvestmentCode => m.bad_investment_code,
            Problem::DateInFuture => m.date_in_future,
            Problem::StageNotLater => m.stage_not_later,
            Problem::TakenName => m.taken_name,
            Problem::BadCharacters => m.bad_characters,
            Problem::ReasonRequired => m.reason_required,
            Problem::ClosedItem => m.closed_item,
            Problem::OutOfRange(..) => m.out_of_range,
            Problem::DateInPast => m.date_in_past,
            Problem::NotAWebAddress => m.not_a_web_address,
            Problem::NotAnAmount => m.not_an_amount,
            Problem::MonthsDoNotAddUp => m.months_do_not_add_up,
            Problem::NotAccepted => m.not_accepted,
        };
        let (min, max) = match p {
            Problem::TooLong(max) => (String::new(), max.to_string()),
            Problem::OutOfRange(min, max) => (min.to_string(), max.to_string()),
            _ => (String::new(), String::new()),
        };
        fill(text, &[("min", &min), ("max", &max)])
    }

    fn lookup(table: &'static [(&'static str, &'static str)], key: &str) -> Option<&'static str> {
        table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    pub fn action(&self, key: &str) -> String {
        Self::lookup(self.labels.actions, key)
            .or_else(|| Self::lookup(self.labels.notification_actions, key))
            .map_or_else(|| key.to_string(), str::to_string)
    }

    pub fn actor(&self, key: &str) -> String {
        Self::lookup(self.labels.actors, key).map_or_else(|| key.to_string(), str::to_string)
    }

    pub fn yes_no(&self, b: bool) -> &'static str {
        if b { self.yes } else { self.no }
    }

    /// A field's problem named with the field, for a message away from the field itself.
    /// A field's problem named with the field, for a message away from the field itself; a field
    /// without a label (a column a database rule names) is not named, so no code name shows.
    pub fn field_problem(&self, field: &str, problem: Problem) -> String {
        match self.known_label(field) {
            Some(label) => fill(
                self.labels.field_problem,
                &[("field", label), ("problem", &self.problem(problem))],
            ),
            None => self.problem(problem),
        }
    }

    fn known_label(&self, key: &str) -> Option<&'static str> {
        Self::lookup(self.labels.field_labels, key).or_else(|| Self::lookup(self.labels.notification_fields, key))
    }

    pub fn field_label(&self, key: &str) -> String {
        self.known_label(key).map_or_else(|| key.to_string(), str::to_string)
    }

    pub fn pages(&self, page: i64, pages: i64, total: i64) -> String {
        fill(
            self.page_of,
            &[
                ("page", &page.to_string()),
                ("pages", &pages.to_string()),
                ("total", &total.to_string()),
            ],
        )
    }

    pub fn days(&self, n: i64) -> String {
        fill(self.days_n, &[("n", &n.to_string())])
    }

    pub fn todo_section(&self, s: crate::domain::todo::Section) -> &'static str {
        self.notify.todo_sections[s.index()]
    }

    pub fn todo_more(&self, n: i64) -> String {
        fill(self.notify.todo_more, &[("n", &n.to_string())])
    }

    /// A flash message in words.
    pub fn flash(&self, f: Flash) -> String {
        let said = fill(self.done[f.done.index()], &[("n", &f.count.to_string())]);
        if f.repeated {
            format!("{said} {}", self.done[Done::Repeated.index()])
        } else {
            said
        }
    }

    /// The date at a notice's foot, beside the issuing office.
    pub fn notice_date(&self, date: &NaiveDate) -> String {
        use chrono::Datelike;
        let (y, m, d) = (date.year(), date.month(), date.day());
        let parts = [
            ("y", y.to_string()),
            ("m", m.to_string()),
            ("d", d.to_string()),
            ("mm", format!("{m:02}")),
            ("dd", format!("{d:02}")),
        ];
        let parts: Vec<(&str, &str)> = parts.iter().map(|(k, v)| (*k, v.as_str())).collect();
        fill(self.meetings.notice_date, &parts)
    }

    pub fn as_of(&self, date: &NaiveDate) -> String {
        fill(self.standings.as_of_date, &[("date", &date.to_string())])
    }

    /// Under a black list cut short; `None` when all of it is shown.
    pub fn black_list_cut(&self, total: usize, shown: usize) -> Option<String> {
        (shown < total).then(|| {
            fill(
                self.standings.black_list_more,
                &[("total", &total.to_string()), ("shown", &shown.to_string())],
            )
        })
    }

    /// Under a table cut short; `None` when all of it is shown.
    pub fn rows_cut(&self, total: usize, shown: usize) -> Option<String> {
        (shown < total).then(|| {
            fill(
                self.rows_more,
                &[("total", &total.to_string()), ("shown", &shown.to_string())],
            )
        })
    }

    pub fn flagged_more(&self, total: i64, shown: usize) -> String {
        fill(
            self.standings.dash_flagged_more,
            &[("total", &total.to_string()), ("shown", &shown.to_string())],
        )
    }

    pub fn run_info(&self, at: &str, as_of: NaiveDate, ms: i32) -> String {
        fill(
            self.standings.last_run,
            &[("at", at), ("as_of", &as_of.to_string()), ("ms", &ms.to_string())],
        )
    }

    pub fn stale(&self, minutes: i64) -> String {
        fill(self.standings.run_stale, &[("minutes", &minutes.to_string())])
    }

    /// A place against the week before in words; empty off the lists.
    pub fn public_title(&self, county: &str) -> String {
        fill(self.standings.public_title, &[("county", county)])
    }

    pub fn public_week(&self, as_of: &NaiveDate) -> String {
        fill(self.standings.public_week, &[("date", &as_of.to_string())])
    }

    pub fn rank_change(&self, change: Option<RankChange>) -> String {
        match change {
            None => String::new(),
            Some(RankChange::New) => self.standings.rank_new.to_string(),
            Some(RankChange::Moved(0)) => self.standings.rank_same.to_string(),
            Some(RankChange::Moved(n)) if n > 0 => fill(self.standings.rank_up, &[("n", &n.to_string())]),
            Some(RankChange::Moved(n)) => fill(self.standings.rank_down, &[("n", &(-n).to_string())]),
        }
    }

    /// A stored change ("new", "+2", "-1", "0", as [`RankChange::code`] writes it) in words.
    pub fn rank_code(&self, code: &str) -> String {
        let change = match code {
            "new" => Some(RankChange::New),
            n => n.parse().ok().map(RankChange::Moved),
        };
        self.rank_change(change)
    }

    /// The red list's rule in words: `None` for a week frozen before the rule had memory.
    pub fn red_rule(&self, rule: Option<RedRule>, size: i32) -> String {
        match rule {
            Some(r) => fill(
                self.standings.rankings_rule_red,
                &[
                    ("weeks", &r.weeks.to_string()),
                    ("min_due", &r.min_due.to_string()),
                    ("rate", &r.min_rate_percent.to_string()),
                    ("size", &r.size.to_string()),
                ],
            ),
            None => fill(self.standings.rankings_rule_red_plain, &[("size", &size.to_string())]),
        }
    }

    /// How the lists were drawn, written out: the rule (see [`Catalog::red_rule`]) or the score's weights.
    pub fn ranking_method(&self, rule: Option<RedRule>, size: i32, method: Method) -> String {
        let Method::Score { weights: w } = method else {
            return self.red_rule(rule, size);
        };
        let size = rule.map_or(size as usize, |r| r.size).to_string();
        let values = [
            ("red", w.red_item.to_string()),
            ("day", w.overdue_day.to_string()),
            ("cap", w.overdue_cap.to_string()),
            ("request", w.late_request.to_string()),
            ("order", w.late_order.to_string()),
            ("on_time", w.on_time_item.to_string()),
            ("investment", w.investment_ahead.to_string()),
            ("size", size),
        ];
        let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
        fill(self.standings.score_rule, &values)
    }

    /// A score's points per fact, signed.
    pub fn score_breakdown(&self, b: &Breakdown) -> String {
        let signed = |n: i64| if n > 0 { format!("+{n}") } else { n.to_string() };
        let values = [
            ("red", signed(b.red_items)),
            ("overdue", signed(b.overdue_days)),
            ("requests", signed(b.late_requests)),
            ("orders", signed(b.late_orders)),
            ("on_time", signed(b.on_time_items)),
            ("investment", signed(b.investment)),
        ];
        let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
        fill(self.standings.score_breakdown, &values)
    }

    pub fn place(&self, list: Option<&str>, position: Option<i32>) -> String {
        let n = position.unwrap_or(0).to_string();
        match list {
            Some("red") => fill(self.meetings.place_red, &[("n", &n)]),
            Some("black") => fill(self.meetings.place_black, &[("n", &n)]),
            _ => self.meetings.place_none.to_string(),
        }
    }

    pub fn since(&self, date: NaiveDate) -> String {
        fill(self.standings.since_intro, &[("date", &date.to_string())])
    }

    pub fn meeting_kind(&self, k: &MeetingKind) -> &'static str {
        self.meetings.meeting_kinds[k.index()]
    }

    pub fn outcome(&self, o: Outcome) -> &'static str {
        self.meetings.outcomes[o.index()]
    }

    pub fn notice_no(&self, year: i32, number: i32) -> String {
        fill(
            self.meetings.notice_number,
            &[("year", &year.to_string()), ("number", &number.to_string())],
        )
    }

    pub fn notice_title(&self, county: &str) -> String {
        fill(self.meetings.notice_heading, &[("county", county)])
    }

    pub fn project_history(&self, project: &str) -> String {
        fill(self.projects.project_history_title, &[("project", project)])
    }

    pub fn queue(&self, unit: &str) -> String {
        fill(self.items.queue_title, &[("unit", unit)])
    }

    /// Why an item has its colour today.
    pub fn item_reason(&self, status: Option<ItemStatus>, red_after_days: i64) -> String {
        let Some(s) = status else {
            return self.items.item_reason_closed.to_string();
        };
        let (days, limit) = (s.overdue_days.abs().to_string(), red_after_days.to_string());
        let values = [("days", days.as_str()), ("limit", limit.as_str())];
        match s.colour {
            Colour::Red => fill(self.items.item_reason_red, &values),
            Colour::Yellow => fill(self.items.item_reason_yellow, &values),
            Colour::Green if s.overdue_days == 0 => self.items.item_reason_today.to_string(),
            Colour::Green => fill(self.items.item_reason_green, &values),
        }
    }

    pub fn colour(&self, c: Colour) -> &'static str {
        self.items.colours[c as usize]
    }

    pub fn role(&self, r: &Role) -> &'static str {
        self.roles[Role::ALL.iter().position(|x| x == r).unwrap_or(0)]
    }

    /// Title and explanation of an error page.
    pub fn error(&self, status: u16) -> (&'static str, &'static str) {
        match status {
            400 => self.error_400,
            401 => self.error_401,
            403 => self.error_403,
            404 => self.error_404,
            405 => self.error_405,
            408 => self.error_408,
            409 => self.error_409,
            413 => self.error_413,
            422 => self.error_422,
            429 => self.error_429,
            503 => self.error_503,
            _ => self.error_500,
        }
    }

    pub fn throttled(&self, minutes: u64) -> String {
        fill(self.account.login_throttled, &[("minutes", &minutes.to_string())])
    }

    pub fn demo_body(&self, password: &str) -> String {
        fill(self.account.login_demo_body, &[("password", password)])
    }

    pub fn request_standing(&self, s: Standing) -> &'static str {
        self.requests.request_standings[s as usize]
    }

    pub fn line_problem(&self, line: usize, p: Problem) -> String {
        fill(
            self.line_problem,
            &[("n", &line.to_string()), ("problem", &self.problem(p))],
        )
    }

    pub fn working_days_n(&self, n: i64) -> String {
        fill(self.requests.working_days, &[("n", &n.to_string())])
    }

    pub fn promise(&self, level: &ServiceLevel) -> String {
        fill(
            self.requests.requests_promise,
            &[
                ("triage", &level.triage_days.to_string()),
                ("resolve", &level.resolve_days.to_string()),
            ],
        )
    }

    pub fn request_promise_hint(&self, date: NaiveDate) -> String {
        fill(self.requests.request_promise_hint, &[("date", &date.to_string())])
    }

    pub fn request_intro(&self, level: &ServiceLevel) -> String {
        fill(
            self.requests.request_new_intro,
            &[("triage", &level.triage_days.to_string())],
        )
    }

    pub fn progress_line(&self, total: usize, done: usize, open: usize) -> String {
        fill(
            self.requests.portal_progress_line,
            &[
                ("total", &total.to_string()),
                ("done", &done.to_string()),
                ("open", &open.to_string()),
            ],
        )
    }

    pub fn due_by(&self, resolve: bool, date: NaiveDate) -> String {
        let template = if resolve {
            self.requests.resolve_by
        } else {
            self.requests.triage_by
        };
        fill(template, &[("date", &date.to_string())])
    }

    /// Who exempted an item, through which day and why.
    pub fn exemption_by(&self, who: &str, until: NaiveDate, reason: &str) -> String {
        let date = until.to_string();
        fill(
            self.items.exemption_by,
            &[("who", who), ("date", &date), ("reason", reason)],
        )
    }

    pub fn exempt_until(&self, until: &NaiveDate) -> String {
        fill(self.items.exempt_until, &[("date", &until.to_string())])
    }

    /// A project's colour set by hand: which, by whom, through which day, why, and the computed one.
    pub fn override_line(&self, set: Colour, who: &str, until: NaiveDate, reason: &str, computed: Colour) -> String {
        let date = until.to_string();
        let values = [
            ("colour", self.colour(set)),
            ("who", who),
            ("date", &date),
            ("reason", reason),
            ("computed", self.colour(computed)),
        ];
        fill(self.projects.override_reason_line, &values)
    }

    pub fn overdue(&self, days: i64) -> String {
        fill(self.items.overdue_by, &[("days", &days.to_string())])
    }

    pub fn left(&self, days: i64) -> String {
        fill(self.items.days_left, &[("days", &days.to_string())])
    }

    pub fn duration(&self, from: Stage, to: Stage, days: i64) -> String {
        fill(
            self.projects.duration_between,
            &[
                ("from", self.stage(from)),
                ("to", self.stage(to)),
                ("days", &days.to_string()),
            ],
        )
    }

    /// Why a project has its colour, naming the item that decides it.
    pub fn colour_reason(&self, colour: Colour, worst: Option<(&str, i64, NaiveDate, &str)>) -> String {
        let template = match colour {
            Colour::Red => self.items.reason_red,
            Colour::Yellow => self.items.reason_yellow,
            Colour::Green => self.items.reason_green,
        };
        match worst {
            Some((item, days, deadline, unit)) => fill(
                template,
                &[
                    ("item", item),
                    ("days", &days.to_string()),
                    ("deadline", &deadline.to_string()),
                    ("unit", unit),
                ],
            ),
            None => self.items.reason_green.to_string(),
        }
    }

    pub fn money(&self, wan: i64) -> String {
        (self.projects.investment)(wan)
    }
}

// issue 21: investment against the time line
impl Catalog {
    /// "2026年11月".
    pub fn month(&self, m: Month) -> String {
        fill(
            self.investment.month_name,
            &[("year", &m.year().to_string()), ("month", &m.number().to_string())],
        )
    }

    /// The note of an item made of a problem of the month's report.
    pub fn problem_note(&self, m: Month) -> String {
        fill(self.investment.problem_note, &[("month", &self.month(m))])
    }

    /// "1–11月": the months a cumulative figure covers.
    pub fn through(&self, m: Month) -> String {
        fill(self.investment.through, &[("m", &m.number().to_string())])
    }

    /// "1–11月累计完成投资".
    pub fn completed_through(&self, m: Month) -> String {
        fill(self.investment.completed_through, &[("m", &m.number().to_string())])
    }

    /// "超过时间进度 13.8 个百分点", "落后…", "持平".
    pub fn deviation(&self, points: f64) -> String {
        let n = format!("{:.1}", points.abs());
        if points > 0.0 {
            fill(self.investment.ahead, &[("n", &n)])
        } else if points < 0.0 {
            fill(self.investment.behind, &[("n", &n)])
        } else {
            self.investment.level.to_string()
        }
    }

    /// The investment part of a project's colour reason.
    pub fn investment_reason(&self, j: &Judged) -> String {
        let m = self.through(j.month);
        if j.colour == Colour::Green {
            fill(self.investment.reason_ok, &[("m", &m)])
        } else {
            fill(
                self.investment.reason_behind,
                &[("n", &format!("{:.1}", -j.deviation)), ("m", &m)],
            )
        }
    }

    /// A rate as a percentage ("97.2%"), or "—".
    pub fn rate(&self, rate: Option<f64>) -> String {
        rate.map_or_else(|| "—".to_string(), |r| format!("{}%", percent(r)))
    }

    pub fn reported_count(&self, n: usize, total: usize) -> String {
        fill(
            self.investment.reported_count,
            &[("n", &n.to_string()), ("total", &total.to_string())],
        )
    }

    pub fn plan_for_year(&self, year: i32) -> String {
        fill(self.investment.plan_for_year, &[("year", &year.to_string())])
    }

    /// A month's report still owed: due by the day, or late.
    pub fn report_missing(&self, m: Month, due: NaiveDate, late: bool) -> String {
        if late {
            fill(self.investment.missing_late, &[("month", &self.month(m))])
        } else {
            fill(
                self.investment.missing_due,
                &[("month", &self.month(m)), ("due", &due.to_string())],
            )
        }
    }

    pub fn statement_number(&self, year: i32, n: i32) -> String {
        fill(
            self.investment.statement_number,
            &[("year", &year.to_string()), ("n", &n.to_string())],
        )
    }

    pub fn statement_frozen(&self, at: &str, by: &str) -> String {
        fill(self.investment.statement_frozen, &[("at", at), ("by", by)])
    }

    /// The statement's column headers for month `m`.
    pub fn statement_columns(&self, m: Month) -> Vec<String> {
        self.investment
            .statement_columns
            .iter()
            .map(|c| fill(c, &[("m", &m.number().to_string())]))
            .collect()
    }

    /// The statement's opening sentence, from its frozen figures.
    pub fn summary_line(&self, s: &Statement, m: Month) -> String {
        let yi = |w: &str| Wan::parse(w).unwrap_or_default().yi();
        fill(
            self.investment.summary_line,
            &[
                ("through", &self.through(m)),
                ("completed", &yi(&s.completed_total)),
                ("plan", &yi(&s.plan_total)),
                ("rate", &self.rate(s.completion_rate)),
                (
                    "deviation",
                    &s.deviation_points.map_or_else(|| "—".into(), |d| self.deviation(d)),
                ),
                ("planned", &s.planned_starts.to_string()),
                ("started", &s.started.to_string()),
                ("start_rate", &self.rate(s.start_rate)),
            ],
        )
    }

    pub fn correction_line(&self, at: &str, by: &str, before: &str, after: &str, reason: &str) -> String {
        fill(
            self.investment.correction_line,
            &[
                ("at", at),
                ("by", by),
                ("before", before),
                ("after", after),
                ("reason", reason),
            ],
        )
    }
}

// issue 8: notifications, webhooks, digest, supervision orders
impl Catalog {
    pub fn event_kind(&self, k: EventKind) -> &'static str {
        self.notify.event_kinds[k.index()]
    }

    /// A spreadsheet's row problems in words, for the import's report.
    pub fn report(&self, errors: &[RowError]) -> Vec<Reported> {
        errors
            .iter()
            .map(|e| Reported {
                row: e.row,
                field: self.field_label(e.field),
                message: match &e.problem {
                    SheetProblem::Field(p) => self.problem(*p),
                    SheetProblem::UnknownUnit(name) => self.sheet_unknown_unit_named(name),
                    SheetProblem::MissingColumn => self.sheets.sheet_missing_column.to_string(),
                    SheetProblem::NoRows => self.sheets.sheet_no_rows.to_string(),
                    SheetProblem::Unreadable => self.sheets.sheet_unreadable.to_string(),
                    SheetProblem::TooLarge(bound) => self.sheet_too_large(*bound),
                    SheetProblem::Formula => self.sheets.sheet_formula.to_string(),
                    SheetProblem::TooManyRows { found, limit } => fill(
                        self.sheets.sheet_too_many_items,
                        &[("found", &found.to_string()), ("limit", &limit.to_string())],
                    ),
                },
            })
            .collect()
    }

    /// Why nothing was attached, as the item page and the API say it.
    pub fn not_attached(&self, why: NotAttached) -> &'static str {
        match why {
            NotAttached::Closed => self.items.item_not_allowed,
            NotAttached::NoFile => self.items.attachment_missing,
            NotAttached::UnknownType => self.items.attachment_bad_type,
        }
    }

    /// One notification in words.
    pub fn event_text(&self, n: &EventFacts) -> String {
        let deadline = n.deadline.map(|d| d.to_string()).unwrap_or_default();
        let days = n.overdue_days.map(|d| d.to_string()).unwrap_or_default();
        let count = n.count.map(|c| c.to_string()).unwrap_or_default();
        let template = match (n.kind, n.count) {
            (EventKind::ItemAssigned, Some(c)) if c > 1 => self.notify.items_assigned_many,
            (EventKind::NoticePublished, _) if n.unit_name.is_none() => self.notify.notice_published_county,
            (kind, _) => self.notify.event_texts[kind.index()],
        };
        fill(
            template,
            &[
                ("count", &count),
                ("subject", n.subject),
                ("project", n.project_name.unwrap_or("")),
                ("unit", n.unit_name.unwrap_or("")),
                ("deadline", &deadline),
                ("days", &days),
            ],
        )
        .trim_start_matches(['：', ':', ' '])
        .to_string()
    }

    /// The lines a group robot shows under the event's title.
    pub fn event_lines(&self, n: &EventFacts) -> Vec<String> {
        vec![self.event_text(n)]
    }

    pub fn import_open_only_hint(&self, n: usize) -> String {
        fill(self.sheets.import_open_only_hint, &[("n", &n.to_string())])
    }

    /// What a meeting's calendar event says under its title.
    pub fn calendar_meeting(&self, kind: &str, chair: Option<&str>) -> String {
        match chair {
            Some(chair) => fill(
                self.notify.calendar_meeting_chaired,
                &[("kind", kind), ("chair", chair)],
            ),
            None => kind.to_string(),
        }
    }

    /// What a deadline's calendar event says under its title.
    pub fn calendar_deadline(&self, project: &str, title: &str, deadline: &NaiveDate) -> String {
        fill(
            self.notify.calendar_deadline,
            &[
                ("project", project),
                ("title", title),
                ("deadline", &deadline.to_string()),
            ],
        )
    }

    pub fn todo_count(&self, n: &i64) -> String {
        fill(self.notify.todo_n, &[("n", &n.to_string())])
    }

    pub fn unread_count(&self, n: &i64) -> String {
        fill(self.notify.unread_n, &[("n", &n.to_string())])
    }

    pub fn digest_heading(&self, unit: &str) -> String {
        fill(self.notify.digest_of, &[("unit", unit)])
    }

    pub fn delivery_state(&self, sent: bool, attempts: i32) -> &'static str {
        match (sent, attempts) {
            (true, _) => self.notify.delivery_sent,
            (false, 0) => self.notify.delivery_pending,
            (false, _) => self.notify.delivery_failing,
        }
    }

    pub fn webhook_format_name(&self, f: &WebhookFormat) -> &'static str {
        match f {
            WebhookFormat::Wecom => self.notify.webhook_wecom,
            WebhookFormat::Dingtalk => self.notify.webhook_dingtalk,
        }
    }

    pub fn supervision_issued(&self, date: &NaiveDate, name: &str) -> String {
        fill(
            self.notify.supervision_issued_by,
            &[("date", &date.to_string()), ("name", name)],
        )
    }

    pub fn reply_late(&self, days: &i64) -> String {
        fill(self.notify.reply_late_by, &[("days", &days.to_string())])
    }
}

/// `value` with at most two decimals and no trailing zeros.
fn decimal(value: f64) -> String {
    let shown = format!("{value:.2}");
    shown.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Replaces each `{name}` in `template` by its value.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// A row problem in words, for the report.
pub struct Reported {
    pub row: usize,
    pub field: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_an_export_writes_is_read_back_by_an_import() {
        use crate::domain::checklist::Phase;
        use crate::domain::sheet::{Column, column_of, state_of};
        for lang in [Lang::Zh, Lang::En] {
            let t = lang.catalog();
            for (phase, state) in [
                (Phase::Open, ItemState::Open),
                (Phase::Submitted, ItemState::Open),
                (Phase::Done, ItemState::Done),
                (Phase::Cancelled, ItemState::Cancelled),
            ] {
                assert_eq!(state_of(t.phase(phase)), Some(state), "{}", t.phase(phase));
            }
            for (header, column) in [
                (t.sheets.sheet_title, Column::Title),
                (t.sheets.sheet_unit, Column::Unit),
                (t.sheets.sheet_deadline, Column::Deadline),
                (t.sheets.sheet_category, Column::Category),
                (t.sheets.sheet_state, Column::State),
                (t.sheets.sheet_closed_on, Column::ClosedOn),
                (t.sheets.sheet_note, Column::Note),
            ] {
                assert_eq!(column_of(header), Some(column), "{header}");
            }
        }
    }

    #[test]
    fn parameters_are_filled_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            let t = lang.catalog();
            let day = NaiveDate::from_ymd_opt(2026, 11, 10).unwrap();
            let reason = t.colour_reason(Colour::Red, Some(("用地预审", 12, day, "县自然资源局")));
            assert!(reason.contains("12") && reason.contains("2026-11-10") && reason.contains("县自然资源局"));
            assert!(!reason.contains('{'), "{reason}");
            assert!(!t.throttled(3).contains('{'));
            assert!(!t.demo_body("pw").contains('{'));
        }
    }

    #[test]
    fn a_black_list_is_cut_only_when_places_are_left_out() {
        for lang in [Lang::Zh, Lang::En] {
            let t = lang.catalog();
            assert_eq!(t.black_list_cut(0, 0), None);
            assert_eq!(t.black_list_cut(50, 50), None);
            assert_eq!(t.rows_cut(50, 50), None);
            assert!(
                t.rows_cut(200, 50)
                    .is_some_and(|s| s.contains("200") && !s.contains('{'))
            );
            let cut = t.black_list_cut(51, 50).unwrap();
            assert!(cut.contains("51") && cut.contains("50") && !cut.contains('{'), "{cut}");
        }
    }

    #[test]
    fn investment_switches_units_at_one_yi() {
        let zh = Lang::Zh.catalog();
        assert_eq!(zh.money(200_000), "20亿元");
        assert_eq!(zh.money(15_000), "1.5亿元");
        assert_eq!(zh.money(9_999), "9999万元");
        let en = Lang::En.catalog();
        assert_eq!(en.money(200_000), "CNY 2 bn");
        assert_eq!(en.money(15_000), "CNY 150 m");
        assert_eq!(en.money(50), "CNY 0.5 m");
    }

    #[test]
    fn a_field_problem_names_only_fields_with_a_label() {
        let t = Lang::Zh.catalog();
        assert!(t.field_problem("title", Problem::Required).starts_with("具体事项"));
        assert_eq!(
            t.field_problem("request", Problem::TakenName),
            t.problem(Problem::TakenName)
        );
    }

    #[test]
    fn every_colour_state_outcome_and_standing_has_its_words() {
        use crate::domain::meeting::Outcome;
        use crate::domain::request::Standing;
        use crate::domain::status::{Colour, ItemState};
        for lang in [Lang::Zh, Lang::En] {
            let t = lang.catalog();
            let words: Vec<&str> = Colour::ALL
                .iter()
                .map(|c| t.colour(*c))
                .chain(ItemState::ALL.iter().map(|s| t.item_state(s)))
                .chain(Outcome::ALL.iter().map(|o| t.outcome(*o)))
                .chain(Standing::ALL.iter().map(|s| t.request_standing(*s)))
                .collect();
            assert!(words.iter().all(|w| !w.trim().is_empty()), "{words:?}");
        }
    }

    #[test]
    fn every_problem_has_a_message_without_placeholders() {
        use crate::domain::input::Problem::*;
        for lang in [Lang::Zh, Lang::En] {
            let t = lang.catalog();
            for p in [
                Required,
                TooLong(200),
                NotADate,
                NotANumber,
                UnknownUnit,
                UnknownChoice,
                BadInvestmentCode,
                DateInFuture,
                StageNotLater,
                TakenName,
                BadCharacters,
                ReasonRequired,
                ClosedItem,
                OutOfRange(1, 9),
                DateInPast,
                NotAWebAddress,
                NotAnAmount,
                MonthsDoNotAddUp,
                NotAccepted,
            ] {
                let m = t.problem(p);
                assert!(!m.is_empty() && !m.contains('{'), "{m}");
            }
            assert!(t.problem(TooLong(200)).contains("200"));
        }
    }

    #[test]
    fn item_reasons_name_the_days() {
        let t = Lang::Zh.catalog();
        let s = |colour, overdue_days| {
            Some(ItemStatus {
                colour,
                overdue_days,
                due_soon: false,
            })
        };
        assert!(t.item_reason(s(Colour::Red, 12), 7).contains("12"));
        assert!(t.item_reason(s(Colour::Green, -3), 7).contains("3 天"));
        assert_eq!(t.item_reason(s(Colour::Green, 0), 7), t.items.item_reason_today);
        assert_eq!(t.item_reason(None, 7), t.items.item_reason_closed);
    }

    #[test]
    fn audit_names_have_labels_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            let t = lang.catalog();
            assert_eq!(t.labels.actions.len(), Lang::Zh.catalog().labels.actions.len());
            assert_eq!(
                t.labels.field_labels.len(),
                Lang::Zh.catalog().labels.field_labels.len()
            );
            assert_ne!(t.action("item.close"), "item.close");
            assert_ne!(t.field_label("deadline"), "deadline");
        }
    }

    #[test]
    fn languages_round_trip() {
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::Zh.other(), Lang::En);
        assert_eq!(Lang::En.catalog().lang, Lang::En);
        assert_eq!(Lang::Zh.catalog().lang, Lang::Zh);
    }
}
