//! The user-facing text: one catalog per language (`zh.rs`, `en.rs`), both filling the same
//! struct, so a missing translation is a compile error. Simplified Chinese is the default.

mod en;
mod zh;

use chrono::NaiveDate;

use crate::domain::lifecycle::Stage;
use crate::domain::role::Role;
use crate::domain::status::Colour;

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

    pub stages: [&'static str; 7],
    pub colours: [&'static str; 3],
    pub roles: [&'static str; 5],
    /// Shows a total investment given in 万元 (10,000 yuan) the way readers of the language count money.
    pub investment: fn(i64) -> String,

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
}

impl Catalog {
    pub fn stage(&self, s: Stage) -> &'static str {
        self.stages[s.index()]
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
    pub fn colour_reason(
        &self,
        colour: Colour,
        worst: Option<(&str, i64, NaiveDate, &str)>,
    ) -> String {
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

/// `value` with at most two decimals and no trailing zeros.
fn decimal(value: f64) -> String {
    let shown = format!("{value:.2}");
    shown
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_string()
}

/// Replaces each `{name}` in `template` by its value.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
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
            assert!(
                reason.contains("12")
                    && reason.contains("2026-11-10")
                    && reason.contains("县自然资源局")
            );
            assert!(!reason.contains('{'), "{reason}");
            assert!(!t.throttled(3).contains('{'));
            assert!(!t.demo_body("pw").contains('{'));
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
    fn languages_round_trip() {
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(Lang::Zh.other(), Lang::En);
        assert_eq!(Lang::En.catalog().lang, Lang::En);
        assert_eq!(Lang::Zh.catalog().lang, Lang::Zh);
    }
}
