//! English, on request.

use super::{Catalog, Lang, decimal};

fn investment(wan: i64) -> String {
    let yuan = wan as f64 * 10_000.0;
    if yuan >= 1e9 {
        format!("CNY {} bn", decimal(yuan / 1e9))
    } else {
        format!("CNY {} m", decimal(yuan / 1e6))
    }
}

pub static CATALOG: Catalog = Catalog {
    lang: Lang::En,
    html_lang: "en",
    switch_to_other: "中文",
    app_name: "Zhuanban",
    app_tagline: "Task forces for key industrial projects",
    skip_to_content: "Skip to content",

    nav_home: "Home",
    nav_projects: "Projects",
    nav_logout: "Log out",
    nav_signed_in_as: "Signed in as",

    login_title: "Log in",
    login_username: "Username",
    login_password: "Password",
    login_submit: "Log in",
    login_failed: "Wrong username or password.",
    login_username_invalid: "Enter a valid username (letters, digits, dot, underscore or hyphen).",
    login_password_missing: "Enter your password.",
    login_throttled: "Too many failed logins. Try again in about {minutes} minutes.",
    login_demo_heading: "Demo system",
    login_demo_body: "This is a demo database with invented data. Demo accounts: admin, official (dispatch office), lead (task-force liaison), member (county natural resources bureau), investor (Qixiang New Energy); the password of each is {password}.",
    logged_out: "You have logged out.",
    session_expired: "Your session has expired. Please log in again.",

    home_title: "Projects",
    home_intro_all: "The county's key industrial projects and how their task forces are doing.",
    home_intro_own: "The projects you may see.",
    home_empty: "There are no projects for you to see.",
    col_project: "Project",
    col_company: "Company",
    col_stage: "Stage",
    col_lead_unit: "Lead unit",
    col_leader: "Task-force leader",
    col_investment: "Total investment",
    col_status: "Status",
    col_open_items: "Open items",
    col_park: "Park",

    project_task_force: "Project task force",
    project_leader: "Leader",
    project_lead_unit: "Lead unit",
    project_member_units: "Member units",
    project_timeline: "Lifecycle",
    project_planned: "Planned",
    project_actual: "Actual",
    project_open_items: "Checklist (open)",
    project_no_open_items: "Every checklist item is closed.",
    col_item: "Matter",
    col_unit: "Responsible unit",
    col_deadline: "Deadline",
    due_soon: "Due soon",
    overdue_by: "{days} days overdue",
    days_left: "{days} days left",

    duration_between: "{from} to {to}: {days} days",
    project_overview: "Overview",
    col_investment_code: "Project code",
    col_industry: "Industry",
    col_note: "Note",
    stage_current: "Current stage",

    reason_red: "Red because “{item}” is {days} days overdue (deadline {deadline}, unit {unit})",
    reason_yellow: "Yellow because “{item}” is {days} days overdue (deadline {deadline}, unit {unit})",
    reason_green: "Green: no open item is overdue",

    stages: [
        "Negotiating",
        "Signed",
        "Filed",
        "Land secured",
        "Construction started",
        "Completed",
        "In production",
    ],
    colours: ["Green", "Yellow (warning)", "Red (notice)"],
    roles: [
        "Administrator",
        "County official",
        "Task-force lead",
        "Unit staff",
        "Investor",
    ],
    investment,

    error_back_home: "Back to the home page",
    error_400: ("Bad request", "The request was not in the expected form."),
    error_401: ("Login required", "Please log in first."),
    error_403: ("Not allowed", "Your account may not do this."),
    error_404: (
        "Not found",
        "The page or object you asked for does not exist.",
    ),
    error_405: (
        "Not supported",
        "This address does not take that kind of request.",
    ),
    error_408: ("Timed out", "The server took too long. Please try again."),
    error_409: (
        "Changed by someone else",
        "What you edited was changed by someone else. Reload and try again.",
    ),
    error_413: ("Too large", "What you sent is larger than allowed."),
    error_422: (
        "Cannot process",
        "What you sent could not be processed. Check it and try again.",
    ),
    error_429: ("Too many requests", "Please try again later."),
    error_500: (
        "Something went wrong",
        "An error occurred and was logged. Please try again later.",
    ),
    error_503: (
        "Temporarily unavailable",
        "The database cannot be reached right now. Please try again later.",
    ),
    error_csrf: "The form has expired or came from elsewhere. Go back, reload the page and submit again.",
};
