//! Investment against the time line: plans, monthly reports, the county's figures and the
//! month's statement up.

pub struct Investment {
    pub heading: &'static str,
    pub nav: &'static str,
    pub county_title: &'static str,
    /// 1月 … 12月.
    pub months: [&'static str; 12],
    /// `{year}`, `{month}`: "2026年11月".
    pub month_name: &'static str,
    /// `{m}`: "1–11月".
    pub through: &'static str,
    pub annual_plan: &'static str,
    /// `{m}`: "1–11月累计完成投资".
    pub completed_through: &'static str,
    pub completed_since_start: &'static str,
    pub completion_rate: &'static str,
    pub time_progress: &'static str,
    pub deviation: &'static str,
    /// `{n}`.
    pub ahead: &'static str,
    pub behind: &'static str,
    pub level: &'static str,
    pub planned_starts: &'static str,
    pub started: &'static str,
    pub start_rate: &'static str,
    /// `{n}`, `{total}`.
    pub reported_count: &'static str,
    pub no_plan: &'static str,
    pub none_yet: &'static str,
    pub plan_heading: &'static str,
    /// `{year}`.
    pub plan_for_year: &'static str,
    pub field_annual: &'static str,
    pub field_monthly: &'static str,
    pub field_monthly_hint: &'static str,
    pub field_start_month: &'static str,
    pub field_start_month_hint: &'static str,
    pub save_plan: &'static str,
    pub reports_heading: &'static str,
    pub report_heading: &'static str,
    pub field_month: &'static str,
    pub field_completed: &'static str,
    pub field_progress: &'static str,
    pub field_problems: &'static str,
    pub field_problems_hint: &'static str,
    pub field_correction: &'static str,
    pub field_correction_hint: &'static str,
    pub submit_report: &'static str,
    pub submit_draft: &'static str,
    pub draft_hint: &'static str,
    pub confirm_draft: &'static str,
    pub state_confirmed: &'static str,
    pub state_draft: &'static str,
    pub col_month: &'static str,
    pub col_completed: &'static str,
    pub col_by: &'static str,
    pub col_state: &'static str,
    pub corrections: &'static str,
    /// `{at}`, `{by}`, `{before}`, `{after}`, `{reason}`.
    pub correction_line: &'static str,
    pub to_item: &'static str,
    /// `{month}`: the new item's note, naming the report its problem came from.
    pub problem_note: &'static str,
    pub already_confirmed: &'static str,
    pub chart_title: &'static str,
    pub chart_desc: &'static str,
    pub legend_plan: &'static str,
    pub legend_done: &'static str,
    pub open_panel: &'static str,
    /// `{n}`, `{m}`: an overall colour's reason.
    pub reason_behind: &'static str,
    pub reason_ok: &'static str,
    pub behind_first: &'static str,
    pub by_park: &'static str,
    pub by_industry: &'static str,
    pub by_stage: &'static str,
    pub col_group: &'static str,
    pub col_projects: &'static str,
    pub show_month: &'static str,
    /// `{month}`, `{due}`.
    pub missing_due: &'static str,
    /// `{month}`.
    pub missing_late: &'static str,
    pub missing_heading: &'static str,
    pub drafts_waiting: &'static str,
    pub statement_title: &'static str,
    pub statements_heading: &'static str,
    /// `{year}`, `{n}`.
    pub statement_number: &'static str,
    pub statement_draft: &'static str,
    /// `{at}`, `{by}`.
    pub statement_frozen: &'static str,
    pub freeze: &'static str,
    pub freeze_hint: &'static str,
    pub not_over: &'static str,
    pub print: &'static str,
    pub county_total: &'static str,
    /// The statement's columns, in order.
    pub statement_columns: [&'static str; 13],
    /// `{through}`, `{completed}`, `{plan}` (亿元), `{rate}`, `{deviation}`, `{planned}`, `{started}`,
    /// `{start_rate}`: the sentence a report upward opens with.
    pub summary_line: &'static str,
    pub wan: &'static str,
    pub yi: &'static str,
}
