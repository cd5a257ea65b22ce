use crate::i18n::settings::Settings;

pub const SETTINGS: Settings = Settings {
    settings_title: "Settings",
    settings_fields: [
        "Red after more than this many days overdue",
        "Due soon within days",
        "Red list size",
        "Red list: items due in the period, at least",
        "Red list: on-time rate over the period, at least (%)",
        "Red list: the rolling period (weeks)",
        "Time zone (e.g. Asia/Shanghai)",
        "Request triage limit (working days)",
        "Request resolution limit (working days)",
        "Log out after idle minutes",
        "Longest session in hours",
        "County name",
        "Issuing office (at the foot of notices)",
        "Most items (rows) one import may create",
        "Monthly reports due by this day of the next month",
        "Investment yellow when behind the time line by more than (points)",
        "Investment red when behind the time line by more than (points)",
        "Investment counts in a project's colour (1 yes, 0 no)",
        "Public disclosure (1 on, 0 off): when on, /public shows the latest published lists and project figures without login",
    ],
    settings_working_days: "Public holidays and worked weekend days",
    settings_working_days_hint: "One per line: a date or a span, then “off” (a public holiday) or “work” (a weekend day worked in exchange), e.g. 2026-10-01~2026-10-07 off, 2026-10-10 work. Other days count Monday to Friday. Investors' requests are promised in working days.",
};
