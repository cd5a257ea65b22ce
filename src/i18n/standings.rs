//! The dashboard, rankings and the week's changes.

pub struct Standings {
    pub dashboard_title: &'static str,
    pub not_computed: &'static str,
    pub dash_by_colour: &'static str,
    pub dash_by_stage: &'static str,
    pub dash_flagged: &'static str,
    /// `{total}`, `{shown}`.
    pub dash_flagged_more: &'static str,
    pub red_list: &'static str,
    pub black_list: &'static str,
    /// `{total}`, `{shown}`: under a black list cut short.
    pub black_list_more: &'static str,
    pub black_list_all: &'static str,
    pub dash_trend: &'static str,
    pub dash_trend_desc: &'static str,
    pub dash_funnel: &'static str,
    pub dash_funnel_desc: &'static str,
    pub dash_durations: &'static str,
    pub now_label: &'static str,
    /// `{at}`, `{as_of}`, `{ms}`.
    pub last_run: &'static str,
    /// `{minutes}`.
    pub run_stale: &'static str,
    pub legend_red: &'static str,
    pub legend_yellow: &'static str,
    pub rankings_title: &'static str,
    /// `{size}`.
    /// `{weeks}`, `{min_due}`, `{rate}`, `{size}`: the rule with memory.
    pub rankings_rule_red: &'static str,
    /// `{size}`: the rule of the weeks frozen before it had memory.
    pub rankings_rule_red_plain: &'static str,
    pub rankings_rule_black: &'static str,
    /// A place against the week before: new on the list, `{n}` places up or down, the same.
    pub rank_new: &'static str,
    pub rank_up: &'static str,
    pub rank_down: &'static str,
    pub rank_same: &'static str,
    pub rankings_all: &'static str,
    pub rankings_units: &'static str,
    pub rankings_weekly: &'static str,
    /// `{date}`.
    pub as_of_date: &'static str,
    pub live: &'static str,
    pub freeze_week: &'static str,
    pub week_frozen: &'static str,
    pub week_already: &'static str,
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
    pub dashboard_requests: &'static str,
    pub dashboard_requests_none: &'static str,
    pub exemptions_heading: &'static str,
    pub exemptions_intro: &'static str,
    pub exemptions_none: &'static str,
    pub col_exempt_until: &'static str,
    pub col_exempt_reason: &'static str,
    pub col_exempt_by: &'static str,
    /// `{county}`.
    pub public_title: &'static str,
    pub public_intro: &'static str,
    /// `{date}`: the frozen week's day.
    pub public_week: &'static str,
    pub public_no_week: &'static str,
    pub public_projects: &'static str,
    pub public_investment: &'static str,
    pub public_screen: &'static str,
    pub public_refreshes: &'static str,
    /// `{red}`, `{day}`, `{cap}`, `{request}`, `{order}`, `{on_time}`, `{investment}`, `{size}`: the scored method.
    pub score_rule: &'static str,
    pub col_score: &'static str,
    /// `{red}`, `{overdue}`, `{requests}`, `{orders}`, `{on_time}`, `{investment}`: signed points.
    pub score_breakdown: &'static str,
}
