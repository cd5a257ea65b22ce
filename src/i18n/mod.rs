//! The user-facing text: one catalog per language (`zh.rs`, `en.rs`), both filling the same
//! struct, so a missing translation is a compile error. Simplified Chinese is the default.

mod en;
mod zh;

use chrono::NaiveDate;

use crate::domain::checklist::{Category, Phase, Source};
use crate::domain::evidence::NotAttached;
use crate::domain::input::Problem;
use crate::domain::lifecycle::Stage;
use crate::domain::meeting::{MeetingKind, Outcome};
use crate::domain::notification::{EventFacts, EventKind, WebhookFormat};
use crate::domain::project_list::Sort;
use crate::domain::request::{ServiceLevel, Standing};
use crate::domain::role::Role;
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

    pub nav_home: &'static str,
    pub nav_projects: &'static str,
    pub nav_logout: &'static str,
    pub nav_signed_in_as: &'static str,

    pub login_title: &'static str,
    pub login_username: &'static str,
    pub login_password: &'static str,
    pub login_submit: &'static str,
    pub login_failed: &'static str,
    pub login_username_invalid: &'static str,
    pub login_password_missing: &'static str,
    /// `{minutes}`: how long to wait.
    pub login_throttled: &'static str,
    pub login_demo_heading: &'static str,
    /// `{password}`: the demo accounts' password.
    pub login_demo_body: &'static str,
    pub logged_out: &'static str,
    pub session_expired: &'static str,

    pub home_title: &'static str,
    pub home_intro_all: &'static str,
    pub home_intro_own: &'static str,
    pub home_empty: &'static str,
    pub col_project: &'static str,
    pub col_company: &'static str,
    pub col_stage: &'static str,
    pub col_lead_unit: &'static str,
    pub col_leader: &'static str,
    pub col_investment: &'static str,
    pub col_status: &'static str,
    pub col_open_items: &'static str,
    pub col_park: &'static str,

    pub project_task_force: &'static str,
    pub project_leader: &'static str,
    pub project_lead_unit: &'static str,
    pub project_member_units: &'static str,
    pub project_timeline: &'static str,
    pub project_planned: &'static str,
    pub project_actual: &'static str,
    pub project_open_items: &'static str,
    pub project_no_open_items: &'static str,
    pub col_item: &'static str,
    pub col_unit: &'static str,
    pub col_deadline: &'static str,
    pub due_soon: &'static str,
    /// `{days}` days overdue.
    pub overdue_by: &'static str,
    /// `{days}` days left.
    pub days_left: &'static str,

    /// `{from}`, `{to}` stages, `{days}`.
    pub duration_between: &'static str,
    pub project_overview: &'static str,
    pub col_investment_code: &'static str,
    pub col_industry: &'static str,
    pub col_note: &'static str,
    pub stage_current: &'static str,

    /// `{item}`, `{days}`, `{deadline}`, `{unit}`.
    pub reason_red: &'static str,
    pub reason_yellow: &'static str,
    pub reason_green: &'static str,

    pub stages: [&'static str; Stage::ALL.len()],
    pub colours: [&'static str; 3],
    pub roles: [&'static str; Role::ALL.len()],
    /// Shows a total investment given in 万元 (10,000 yuan) the way readers of the language count money.
    pub investment: fn(i64) -> String,

    pub nav_units: &'static str,
    pub nav_my_queue: &'static str,

    pub filter_stage: &'static str,
    pub filter_colour: &'static str,
    pub filter_park: &'static str,
    pub filter_text: &'static str,
    pub filter_text_hint: &'static str,
    pub filter_all: &'static str,
    pub filter_apply: &'static str,
    pub sort_label: &'static str,
    pub sorts: [&'static str; Sort::ALL.len()],
    pub col_red_yellow: &'static str,
    pub col_next_deadline: &'static str,
    pub page_prev: &'static str,
    pub page_next: &'static str,
    /// `{page}`, `{pages}`, `{total}`.
    pub page_of: &'static str,
    pub list_empty_filtered: &'static str,
    pub new_project: &'static str,

    pub edit_project: &'static str,
    pub advance_stage: &'static str,
    pub advance_to: &'static str,
    pub advance_date: &'static str,
    pub advance_submit: &'static str,
    pub add_item: &'static str,
    pub checklist_closed: &'static str,
    pub col_closed_on: &'static str,
    pub item_states: [&'static str; 3],
    pub closed_late: &'static str,
    pub closed_on_time: &'static str,
    pub updates_heading: &'static str,
    pub no_updates: &'static str,
    pub history_heading: &'static str,
    pub history_all: &'static str,
    pub history_newer: &'static str,
    pub history_older: &'static str,
    pub project_history_title: &'static str,
    pub no_history: &'static str,
    pub project_liaisons: &'static str,
    pub col_source: &'static str,
    pub sources: [&'static str; Source::ALL.len()],
    pub categories: [&'static str; Category::ALL.len()],

    pub form_new_project: &'static str,
    pub form_section_project: &'static str,
    pub form_section_task_force: &'static str,
    pub form_section_planned: &'static str,
    pub field_name: &'static str,
    pub field_company: &'static str,
    pub field_park: &'static str,
    pub field_industry: &'static str,
    pub field_investment_code: &'static str,
    pub field_investment_code_hint: &'static str,
    pub field_total_investment: &'static str,
    pub field_stage: &'static str,
    pub field_description: &'static str,
    pub field_leader_name: &'static str,
    pub field_lead_unit: &'static str,
    pub field_member_units: &'static str,
    pub field_liaisons: &'static str,
    pub choose: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub form_has_errors: &'static str,

    pub item_new_title: &'static str,
    pub item_edit_title: &'static str,
    pub edit_item: &'static str,
    pub field_title: &'static str,
    pub field_category: &'static str,
    pub field_responsible_unit: &'static str,
    pub field_deadline: &'static str,
    pub field_note: &'static str,
    pub field_note_for_investor: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub field_deadline_reason: &'static str,
    pub field_deadline_reason_hint: &'static str,
    pub original_deadline: &'static str,
    pub item_progress: &'static str,
    pub post_update: &'static str,
    pub field_update_body: &'static str,
    pub close_heading: &'static str,
    pub field_closing_note: &'static str,
    pub close_submit: &'static str,
    pub reopen_heading: &'static str,
    pub field_reason: &'static str,
    pub reopen_submit: &'static str,
    pub cancel_heading: &'static str,
    pub cancel_submit: &'static str,
    pub item_closing_note: &'static str,
    pub item_cancel_reason: &'static str,
    pub item_state: &'static str,
    pub item_history: &'static str,
    /// `{days}`, `{limit}`.
    pub item_reason_red: &'static str,
    pub item_reason_yellow: &'static str,
    /// `{days}` left.
    pub item_reason_green: &'static str,
    pub item_reason_today: &'static str,
    pub item_reason_closed: &'static str,
    pub item_not_allowed: &'static str,

    pub conflict_title: &'static str,
    pub conflict_body: &'static str,
    pub conflict_current: &'static str,
    pub conflict_yours: &'static str,
    pub conflict_field: &'static str,

    /// `{unit}`.
    pub queue_title: &'static str,
    pub queue_intro: &'static str,
    pub queue_empty: &'static str,
    pub units_title: &'static str,
    pub units_intro: &'static str,
    pub col_code: &'static str,
    pub col_name: &'static str,
    pub col_open: &'static str,
    pub col_red: &'static str,
    pub col_yellow: &'static str,

    /// Audit actions, non-user actors and changed fields, by their stored names.
    pub actions: &'static [(&'static str, &'static str)],
    pub actors: &'static [(&'static str, &'static str)],
    pub field_labels: &'static [(&'static str, &'static str)],
    /// One message per [`Problem`], in its order; `{max}` for lengths.
    pub problems: Problems,

    pub nav_dashboard: &'static str,
    pub nav_rankings: &'static str,
    pub nav_since: &'static str,
    pub nav_settings: &'static str,
    pub dashboard_title: &'static str,
    pub not_computed: &'static str,
    pub dash_by_colour: &'static str,
    pub dash_by_stage: &'static str,
    pub col_projects: &'static str,
    pub dash_flagged: &'static str,
    /// `{total}`, `{shown}`.
    pub dash_flagged_more: &'static str,
    pub red_list: &'static str,
    pub black_list: &'static str,
    /// `{total}`, `{shown}`: under a black list cut short.
    pub black_list_more: &'static str,
    pub black_list_all: &'static str,
    /// `{total}`, `{shown}`: under a table cut short.
    pub rows_more: &'static str,
    pub show_all: &'static str,
    pub dash_trend: &'static str,
    pub dash_trend_desc: &'static str,
    pub dash_funnel: &'static str,
    pub dash_funnel_desc: &'static str,
    pub dash_durations: &'static str,
    pub col_filed_to_start: &'static str,
    pub col_start_to_production: &'static str,
    pub col_filed_to_production: &'static str,
    /// `{n}`.
    pub days_n: &'static str,
    pub now_label: &'static str,
    /// `{at}`, `{as_of}`, `{ms}`.
    pub last_run: &'static str,
    /// `{minutes}`.
    pub run_stale: &'static str,
    pub legend_red: &'static str,
    pub legend_yellow: &'static str,
    pub list_empty: &'static str,
    pub rankings_title: &'static str,
    /// `{size}`.
    pub rankings_rule_red: &'static str,
    pub rankings_rule_black: &'static str,
    pub col_due: &'static str,
    pub col_on_time: &'static str,
    pub col_rate: &'static str,
    pub col_overdue_total: &'static str,
    pub col_place: &'static str,
    pub rankings_all: &'static str,
    pub rankings_units: &'static str,
    pub rankings_weekly: &'static str,
    /// `{date}`.
    pub as_of_date: &'static str,
    pub live: &'static str,
    pub freeze_week: &'static str,
    pub week_frozen: &'static str,
    pub week_already: &'static str,
    pub project_figures: &'static str,
    /// `{n}`.
    pub place_red: &'static str,
    pub place_black: &'static str,
    pub place_none: &'static str,
    pub settings_title: &'static str,
    pub settings_saved: &'static str,
    /// Labels of the settings form, in the order of `web::settings::FIELDS`.
    pub settings_fields: [&'static str; 9],
    pub status_heading: &'static str,
    pub since_title: &'static str,
    /// `{date}`.
    pub since_intro: &'static str,
    pub since_none: &'static str,
    pub since_by_project: &'static str,
    pub since_by_unit: &'static str,
    pub since_nothing: &'static str,
    /// Kinds of change since last week, in the order of `db::since::ChangeKind`.
    pub changes: [&'static str; 6],

    pub nav_meetings: &'static str,
    pub nav_notices: &'static str,
    pub meetings_title: &'static str,
    pub meetings_intro: &'static str,
    pub schedule_meeting: &'static str,
    pub meeting_kinds: [&'static str; MeetingKind::ALL.len()],
    pub col_when: &'static str,
    pub col_venue: &'static str,
    pub col_chair: &'static str,
    pub col_kind: &'static str,
    pub no_meetings: &'static str,
    pub field_kind: &'static str,
    pub field_meeting_title: &'static str,
    pub field_starts_at: &'static str,
    pub field_place: &'static str,
    pub field_chair: &'static str,
    pub field_projects: &'static str,
    pub field_units: &'static str,
    pub agenda: &'static str,
    pub agenda_flagged: &'static str,
    pub agenda_open_decisions: &'static str,
    pub agenda_requests: &'static str,
    pub agenda_stage_changes: &'static str,
    pub agenda_nothing: &'static str,
    pub last_decisions: &'static str,
    /// In the order of `domain::meeting::Outcome`.
    pub outcomes: [&'static str; 4],
    pub record_heading: &'static str,
    pub field_attendees: &'static str,
    pub field_minutes: &'static str,
    pub save_record: &'static str,
    pub decisions_heading: &'static str,
    pub add_decision: &'static str,
    pub publish_heading: &'static str,
    pub field_notice_title: &'static str,
    pub field_notice_body: &'static str,
    pub publish_submit: &'static str,
    pub notices_title: &'static str,
    pub notices_intro: &'static str,
    /// `{year}`, `{number}`.
    pub notice_number: &'static str,
    pub filter_week: &'static str,
    pub publish_week: &'static str,
    pub no_notices: &'static str,
    pub notice_red_items: &'static str,
    pub notice_yellow_items: &'static str,
    /// `{county}`.
    pub notice_heading: &'static str,
    pub print: &'static str,
    pub meeting_held: &'static str,

    pub calendar_title: &'static str,
    pub calendar_intro: &'static str,
    pub calendar_new_url: &'static str,
    pub calendar_active: &'static str,
    pub calendar_none: &'static str,
    pub calendar_renew: &'static str,
    pub calendar_revoke: &'static str,
    pub nav_calendar: &'static str,

    pub agenda_points: &'static str,
    pub add_point: &'static str,
    pub move_up: &'static str,
    pub move_down: &'static str,
    pub field_invitees: &'static str,
    pub col_overdue_days: &'static str,
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

    // issue 6: investor portal and requests
    pub nav_portal: &'static str,
    pub nav_requests: &'static str,
    pub portal_none: &'static str,
    pub portal_progress: &'static str,
    pub portal_progress_line: &'static str,
    pub portal_open_items: &'static str,
    pub portal_no_open_items: &'static str,
    pub portal_milestones: &'static str,
    pub portal_no_milestones: &'static str,
    pub portal_details: &'static str,
    pub requests_title: &'static str,
    pub requests_promise: &'static str,
    pub requests_pending: &'static str,
    pub requests_triaged: &'static str,
    pub requests_none: &'static str,
    pub request_new: &'static str,
    pub request_new_intro: &'static str,
    pub field_request_title: &'static str,
    pub field_request_body: &'static str,
    pub field_wished_date: &'static str,
    pub request_submit: &'static str,
    pub col_request: &'static str,
    pub col_submitted: &'static str,
    pub col_waited: &'static str,
    pub col_request_state: &'static str,
    pub request_standings: [&'static str; 5],
    pub settings_working_days: &'static str,
    pub settings_working_days_hint: &'static str,
    pub line_problem: &'static str,
    pub working_days: &'static str,
    pub triage_by: &'static str,
    pub resolve_by: &'static str,
    pub triage_late: &'static str,
    pub resolve_late: &'static str,
    pub triage_was_late: &'static str,
    pub request_item: &'static str,
    pub request_decline_reason: &'static str,
    pub request_submitter: &'static str,
    pub request_triager: &'static str,
    pub request_accept_heading: &'static str,
    pub request_accept_submit: &'static str,
    pub request_decline_heading: &'static str,
    pub request_decline_submit: &'static str,
    pub request_rate_heading: &'static str,
    pub field_rating: &'static str,
    pub field_rating_comment: &'static str,
    pub request_rate_submit: &'static str,
    pub request_rating: &'static str,
    pub request_already_triaged: &'static str,
    pub request_cannot_rate: &'static str,
    pub request_progress: &'static str,
    pub col_requests: &'static str,
    pub col_requests_late: &'static str,
    pub col_rating: &'static str,
    pub service_heading: &'static str,
    pub dashboard_requests: &'static str,
    pub dashboard_requests_none: &'static str,
    pub update_for_investor: &'static str,
    pub shown_to_investor: &'static str,
    pub investors_heading: &'static str,
    pub investors_none: &'static str,
    pub field_investor_username: &'static str,
    pub investor_link_submit: &'static str,
    pub investor_unlink_submit: &'static str,
    pub investor_not_found: &'static str,
    // issue 9: password change
    pub nav_password: &'static str,
    pub password_title: &'static str,
    pub password_current: &'static str,
    pub password_new: &'static str,
    pub password_again: &'static str,
    pub password_end_others: &'static str,
    pub password_submit: &'static str,
    pub password_changed: &'static str,
    pub password_wrong_current: &'static str,
    pub password_too_short: &'static str,
    pub password_mismatch: &'static str,
    // issue 7: evidence-based closing
    pub item_submitted: &'static str,
    pub verification_heading: &'static str,
    pub waiting_working_days: &'static str,
    pub verification_overdue: &'static str,
    pub verify_note: &'static str,
    pub verify_submit: &'static str,
    pub send_back_heading: &'static str,
    pub send_back_reason: &'static str,
    pub send_back_submit: &'static str,
    pub submit_heading: &'static str,
    pub submit_intro: &'static str,
    pub submission_note: &'static str,
    pub submit_submit: &'static str,
    pub attachments_heading: &'static str,
    pub no_attachments: &'static str,
    pub for_investor: &'static str,
    pub attachment_file: &'static str,
    pub attachment_hint: &'static str,
    pub attachment_upload: &'static str,
    pub attachment_missing: &'static str,
    pub attachment_bad_type: &'static str,
    pub verify_queue_title: &'static str,
    pub verify_queue_intro: &'static str,
    pub verify_queue_empty: &'static str,
    pub nav_verifications: &'static str,
    pub col_waiting: &'static str,
    // issue 7: spreadsheets
    pub sheet_checklist: &'static str,
    pub sheet_project: &'static str,
    pub sheet_title: &'static str,
    pub sheet_unit: &'static str,
    pub sheet_deadline: &'static str,
    pub sheet_category: &'static str,
    pub sheet_state: &'static str,
    pub sheet_colour: &'static str,
    pub sheet_closed_on: &'static str,
    pub sheet_note: &'static str,
    pub sheet_unknown_unit: &'static str,
    pub sheet_missing_column: &'static str,
    pub sheet_no_rows: &'static str,
    pub sheet_unreadable: &'static str,
    pub field_problem: &'static str,
    pub api_unknown_field: &'static str,
    pub sheet_too_many_rows: &'static str,
    pub sheet_too_many_columns: &'static str,
    pub sheet_too_many_cells: &'static str,
    pub sheet_too_wide_grid: &'static str,
    pub sheet_too_many_sheets: &'static str,
    pub sheet_unpacks_too_large: &'static str,
    pub sheet_packed_too_tight: &'static str,
    pub sheet_too_many_parts: &'static str,
    pub sheet_too_slow: &'static str,
    pub import_title: &'static str,
    pub import_rejected: &'static str,
    pub import_col_row: &'static str,
    pub import_col_field: &'static str,
    pub import_col_problem: &'static str,
    pub import_intro: &'static str,
    pub import_file: &'static str,
    pub import_check: &'static str,
    pub import_sample: &'static str,
    pub import_preview_title: &'static str,
    pub import_confirm_label: &'static str,
    pub import_again: &'static str,
    pub export_xlsx: &'static str,
    pub export_csv: &'static str,
    pub sheet_investment_wan: &'static str,
    pub import_link: &'static str,
    // issue 7: checklist templates
    pub templates_title: &'static str,
    pub templates_intro: &'static str,
    pub templates_empty: &'static str,
    pub template_new: &'static str,
    pub template_edit: &'static str,
    pub template_name: &'static str,
    pub template_offset: &'static str,
    pub template_lines_hint: &'static str,
    pub template_delete: &'static str,
    pub template_lines_count: &'static str,
    pub nav_templates: &'static str,
    pub template_start: &'static str,
    pub template_start_date: &'static str,
    pub template_load: &'static str,
    pub template_items: &'static str,
    pub template_items_hint: &'static str,
    pub template_none: &'static str,
    // issue 7: importing projects
    pub import_projects_title: &'static str,
    pub import_projects_intro: &'static str,
    pub import_projects_preview_title: &'static str,
    pub import_projects_confirm_label: &'static str,
    pub import_projects_link: &'static str,
    // issue 8: notifications, webhooks, digest, supervision orders
    /// Per domain::notification::EventKind, in its order: a label, and the text of one event
    /// with `{subject}` `{project}` `{unit}` `{deadline}` `{days}`.
    pub event_kinds: [&'static str; EventKind::ALL.len()],
    pub event_texts: [&'static str; EventKind::ALL.len()],
    pub nav_inbox: &'static str,
    pub nav_webhooks: &'static str,
    pub inbox_title: &'static str,
    pub inbox_empty: &'static str,
    pub inbox_mark_read: &'static str,
    pub inbox_mark_all_read: &'static str,
    pub unread_n: &'static str,
    pub prefs_title: &'static str,
    pub prefs_intro: &'static str,
    pub digest_of: &'static str,
    pub digest_intro: &'static str,
    pub digest_flagged: &'static str,
    pub digest_due_week: &'static str,
    pub digest_none: &'static str,
    pub digest_link: &'static str,
    pub webhooks_title: &'static str,
    pub webhooks_intro: &'static str,
    pub webhooks_none: &'static str,
    pub webhook_url: &'static str,
    pub webhook_format: &'static str,
    pub webhook_message: &'static str,
    pub webhook_unit: &'static str,
    pub webhook_county_wide: &'static str,
    pub webhook_secret: &'static str,
    pub webhook_secret_hint: &'static str,
    pub webhook_add: &'static str,
    pub webhook_signed: &'static str,
    pub webhook_disable: &'static str,
    pub webhook_enable: &'static str,
    pub webhook_disabled: &'static str,
    pub webhook_deliveries: &'static str,
    pub deliveries_none: &'static str,
    pub webhook_wecom: &'static str,
    pub webhook_dingtalk: &'static str,
    pub webhook_plain_text: &'static str,
    pub delivery_sent: &'static str,
    pub delivery_pending: &'static str,
    pub delivery_failing: &'static str,
    pub col_attempts: &'static str,
    pub col_last_attempt: &'static str,
    pub col_next_try: &'static str,
    pub col_last_error: &'static str,
    pub supervision_title: &'static str,
    pub supervision_none: &'static str,
    pub supervision_issued_by: &'static str,
    pub supervision_reply: &'static str,
    pub supervision_awaiting: &'static str,
    pub supervision_send_reply: &'static str,
    pub supervision_issue: &'static str,
    pub supervision_not_red: &'static str,
    pub supervision_already_open: &'static str,
    pub supervision_already_replied: &'static str,
    pub field_demand: &'static str,
    pub field_reply_due: &'static str,
    pub field_rectification: &'static str,
    pub reply_late_by: &'static str,
    pub col_orders: &'static str,
    pub col_orders_late: &'static str,
    pub notice_supervision: &'static str,
    /// Audit actions and changed fields of this block, looked up after the main tables.
    pub notification_actions: &'static [(&'static str, &'static str)],
    pub notification_fields: &'static [(&'static str, &'static str)],
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
    pub not_accepted: &'static str,
}

impl Catalog {
    pub fn stage(&self, s: Stage) -> &'static str {
        self.stages[s.index()]
    }

    pub fn category(&self, c: &Category) -> &'static str {
        self.categories[c.index()]
    }

    pub fn source(&self, s: &Source) -> &'static str {
        self.sources[s.index()]
    }

    pub fn item_state(&self, s: &ItemState) -> &'static str {
        self.item_states[*s as usize]
    }

    /// An item's state in words, "awaiting verification" included.
    pub fn phase(&self, p: Phase) -> &'static str {
        match p {
            Phase::Open => self.item_state(&ItemState::Open),
            Phase::Submitted => self.item_submitted,
            Phase::Done => self.item_state(&ItemState::Done),
            Phase::Cancelled => self.item_state(&ItemState::Cancelled),
        }
    }

    pub fn waiting_days(&self, days: &i64) -> String {
        fill(self.waiting_working_days, &[("days", &days.to_string())])
    }

    /// Why a file past a reading bound was not imported, and what to do about it.
    pub fn sheet_too_large(&self, bound: Bound) -> String {
        let (template, found, limit) = match bound {
            Bound::Rows { found, limit } => (self.sheet_too_many_rows, found, u64::from(limit)),
            Bound::Columns { found, limit } => (self.sheet_too_many_columns, found, u64::from(limit)),
            Bound::Cells { limit } => (self.sheet_too_many_cells, 0, limit as u64),
            Bound::Grid { limit } => (self.sheet_too_wide_grid, 0, limit),
            Bound::Sheets { limit } => (self.sheet_too_many_sheets, 0, limit as u64),
            Bound::Unpacked { limit_mb } => (self.sheet_unpacks_too_large, 0, limit_mb),
            Bound::Ratio { limit } => (self.sheet_packed_too_tight, 0, limit),
            Bound::Parts { limit } => (self.sheet_too_many_parts, 0, limit as u64),
            Bound::Time { seconds } => (self.sheet_too_slow, 0, seconds),
        };
        fill(
            template,
            &[("found", &found.to_string()), ("limit", &limit.to_string())],
        )
    }

    pub fn sheet_unknown_unit_named(&self, unit: &str) -> String {
        fill(self.sheet_unknown_unit, &[("unit", unit)])
    }

    pub fn template_lines(&self, count: &i64) -> String {
        fill(self.template_lines_count, &[("count", &count.to_string())])
    }

    pub fn import_projects_preview(&self, count: usize) -> String {
        fill(self.import_projects_preview_title, &[("count", &count.to_string())])
    }

    pub fn import_projects_confirm(&self, count: usize) -> String {
        fill(self.import_projects_confirm_label, &[("count", &count.to_string())])
    }

    pub fn import_preview(&self, count: usize) -> String {
        fill(self.import_preview_title, &[("count", &count.to_string())])
    }

    pub fn import_confirm(&self, count: usize) -> String {
        fill(self.import_confirm_label, &[("count", &count.to_string())])
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
        self.sorts[Sort::ALL.iter().position(|x| *x == s).unwrap_or(0)]
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
        Self::lookup(self.actions, key)
            .or_else(|| Self::lookup(self.notification_actions, key))
            .map_or_else(|| key.to_string(), str::to_string)
    }

    pub fn actor(&self, key: &str) -> String {
        Self::lookup(self.actors, key).map_or_else(|| key.to_string(), str::to_string)
    }

    pub fn yes_no(&self, b: bool) -> &'static str {
        if b { self.yes } else { self.no }
    }

    /// A field's problem named with the field, for a message away from the field itself.
    pub fn field_problem(&self, field: &str, problem: Problem) -> String {
        fill(
            self.field_problem,
            &[("field", &self.field_label(field)), ("problem", &self.problem(problem))],
        )
    }

    pub fn field_label(&self, key: &str) -> String {
        Self::lookup(self.field_labels, key)
            .or_else(|| Self::lookup(self.notification_fields, key))
            .map_or_else(|| key.to_string(), str::to_string)
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

    pub fn as_of(&self, date: &NaiveDate) -> String {
        fill(self.as_of_date, &[("date", &date.to_string())])
    }

    /// Under a black list cut short; `None` when all of it is shown.
    pub fn black_list_cut(&self, total: usize, shown: usize) -> Option<String> {
        (shown < total).then(|| {
            fill(
                self.black_list_more,
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
            self.dash_flagged_more,
            &[("total", &total.to_string()), ("shown", &shown.to_string())],
        )
    }

    pub fn run_info(&self, at: &str, as_of: NaiveDate, ms: i32) -> String {
        fill(
            self.last_run,
            &[("at", at), ("as_of", &as_of.to_string()), ("ms", &ms.to_string())],
        )
    }

    pub fn stale(&self, minutes: i64) -> String {
        fill(self.run_stale, &[("minutes", &minutes.to_string())])
    }

    pub fn red_rule(&self, size: i32) -> String {
        fill(self.rankings_rule_red, &[("size", &size.to_string())])
    }

    pub fn place(&self, list: Option<&str>, position: Option<i32>) -> String {
        let n = position.unwrap_or(0).to_string();
        match list {
            Some("red") => fill(self.place_red, &[("n", &n)]),
            Some("black") => fill(self.place_black, &[("n", &n)]),
            _ => self.place_none.to_string(),
        }
    }

    pub fn since(&self, date: NaiveDate) -> String {
        fill(self.since_intro, &[("date", &date.to_string())])
    }

    pub fn meeting_kind(&self, k: &MeetingKind) -> &'static str {
        self.meeting_kinds[k.index()]
    }

    pub fn outcome(&self, o: Outcome) -> &'static str {
        self.outcomes[o.index()]
    }

    pub fn notice_no(&self, year: i32, number: i32) -> String {
        fill(
            self.notice_number,
            &[("year", &year.to_string()), ("number", &number.to_string())],
        )
    }

    pub fn notice_title(&self, county: &str) -> String {
        fill(self.notice_heading, &[("county", county)])
    }

    pub fn project_history(&self, project: &str) -> String {
        fill(self.project_history_title, &[("project", project)])
    }

    pub fn queue(&self, unit: &str) -> String {
        fill(self.queue_title, &[("unit", unit)])
    }

    /// Why an item has its colour today.
    pub fn item_reason(&self, status: Option<ItemStatus>, red_after_days: i64) -> String {
        let Some(s) = status else {
            return self.item_reason_closed.to_string();
        };
        let (days, limit) = (s.overdue_days.abs().to_string(), red_after_days.to_string());
        let values = [("days", days.as_str()), ("limit", limit.as_str())];
        match s.colour {
            Colour::Red => fill(self.item_reason_red, &values),
            Colour::Yellow => fill(self.item_reason_yellow, &values),
            Colour::Green if s.overdue_days == 0 => self.item_reason_today.to_string(),
            Colour::Green => fill(self.item_reason_green, &values),
        }
    }

    pub fn colour(&self, c: Colour) -> &'static str {
        self.colours[c as usize]
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
        fill(self.login_throttled, &[("minutes", &minutes.to_string())])
    }

    pub fn demo_body(&self, password: &str) -> String {
        fill(self.login_demo_body, &[("password", password)])
    }

    pub fn request_standing(&self, s: Standing) -> &'static str {
        self.request_standings[s as usize]
    }

    pub fn line_problem(&self, line: usize, p: Problem) -> String {
        fill(
            self.line_problem,
            &[("n", &line.to_string()), ("problem", &self.problem(p))],
        )
    }

    pub fn working_days_n(&self, n: i64) -> String {
        fill(self.working_days, &[("n", &n.to_string())])
    }

    pub fn promise(&self, level: &ServiceLevel) -> String {
        fill(
            self.requests_promise,
            &[
                ("triage", &level.triage_days.to_string()),
                ("resolve", &level.resolve_days.to_string()),
            ],
        )
    }

    pub fn request_intro(&self, level: &ServiceLevel) -> String {
        fill(self.request_new_intro, &[("triage", &level.triage_days.to_string())])
    }

    pub fn progress_line(&self, total: usize, done: usize, open: usize) -> String {
        fill(
            self.portal_progress_line,
            &[
                ("total", &total.to_string()),
                ("done", &done.to_string()),
                ("open", &open.to_string()),
            ],
        )
    }

    pub fn due_by(&self, resolve: bool, date: NaiveDate) -> String {
        let template = if resolve { self.resolve_by } else { self.triage_by };
        fill(template, &[("date", &date.to_string())])
    }

    pub fn overdue(&self, days: i64) -> String {
        fill(self.overdue_by, &[("days", &days.to_string())])
    }

    pub fn left(&self, days: i64) -> String {
        fill(self.days_left, &[("days", &days.to_string())])
    }

    pub fn duration(&self, from: Stage, to: Stage, days: i64) -> String {
        fill(
            self.duration_between,
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
            Colour::Red => self.reason_red,
            Colour::Yellow => self.reason_yellow,
            Colour::Green => self.reason_green,
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
            None => self.reason_green.to_string(),
        }
    }

    pub fn money(&self, wan: i64) -> String {
        (self.investment)(wan)
    }
}

// issue 8: notifications, webhooks, digest, supervision orders
impl Catalog {
    pub fn event_kind(&self, k: EventKind) -> &'static str {
        self.event_kinds[k.index()]
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
                    SheetProblem::MissingColumn => self.sheet_missing_column.to_string(),
                    SheetProblem::NoRows => self.sheet_no_rows.to_string(),
                    SheetProblem::Unreadable => self.sheet_unreadable.to_string(),
                    SheetProblem::TooLarge(bound) => self.sheet_too_large(*bound),
                },
            })
            .collect()
    }

    /// Why nothing was attached, as the item page and the API say it.
    pub fn not_attached(&self, why: NotAttached) -> &'static str {
        match why {
            NotAttached::Closed => self.item_not_allowed,
            NotAttached::NoFile => self.attachment_missing,
            NotAttached::UnknownType => self.attachment_bad_type,
        }
    }

    /// One notification in words.
    pub fn event_text(&self, n: &EventFacts) -> String {
        let deadline = n.deadline.map(|d| d.to_string()).unwrap_or_default();
        let days = n.overdue_days.map(|d| d.to_string()).unwrap_or_default();
        fill(
            self.event_texts[n.kind.index()],
            &[
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

    pub fn unread_count(&self, n: &i64) -> String {
        fill(self.unread_n, &[("n", &n.to_string())])
    }

    pub fn digest_heading(&self, unit: &str) -> String {
        fill(self.digest_of, &[("unit", unit)])
    }

    pub fn delivery_state(&self, sent: bool, attempts: i32) -> &'static str {
        match (sent, attempts) {
            (true, _) => self.delivery_sent,
            (false, 0) => self.delivery_pending,
            (false, _) => self.delivery_failing,
        }
    }

    pub fn webhook_format_name(&self, f: &WebhookFormat) -> &'static str {
        match f {
            WebhookFormat::Wecom => self.webhook_wecom,
            WebhookFormat::Dingtalk => self.webhook_dingtalk,
        }
    }

    pub fn supervision_issued(&self, date: &NaiveDate, name: &str) -> String {
        fill(
            self.supervision_issued_by,
            &[("date", &date.to_string()), ("name", name)],
        )
    }

    pub fn reply_late(&self, days: &i64) -> String {
        fill(self.reply_late_by, &[("days", &days.to_string())])
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
        assert_eq!(t.item_reason(s(Colour::Green, 0), 7), t.item_reason_today);
        assert_eq!(t.item_reason(None, 7), t.item_reason_closed);
    }

    #[test]
    fn audit_names_have_labels_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            let t = lang.catalog();
            assert_eq!(t.actions.len(), Lang::Zh.catalog().actions.len());
            assert_eq!(t.field_labels.len(), Lang::Zh.catalog().field_labels.len());
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
