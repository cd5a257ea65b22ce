//! English, on request.

use super::{Catalog, Lang, Problems, decimal};

fn investment(wan: i64) -> String {
    let yuan = wan as f64 * 10_000.0;
    if yuan >= 1e9 {
        format!("CNY {} bn", decimal(yuan / 1e9))
    } else {
        format!("CNY {} m", decimal(yuan / 1e6))
    }
}

mod account;
mod columns;
mod items;
mod labels;
mod meetings;
mod notify;
mod projects;
mod requests;
mod settings;
mod sheets;
mod standings;

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
    logged_out: "You have logged out.",
    session_expired: "Your session has expired. Please log in again.",
    roles: [
        "Administrator",
        "County official",
        "Task-force lead",
        "Unit staff",
        "Investor",
    ],
    nav_units: "Units",
    nav_my_queue: "My unit's queue",
    page_prev: "Previous",
    page_next: "Next",
    page_of: "Page {page} of {pages}, {total} in all",
    list_empty_filtered: "No project matches.",
    choose: "Choose…",
    save: "Save",
    cancel: "Cancel",
    form_has_errors: "Please correct the marked fields and submit again.",
    yes: "yes",
    no: "no",
    conflict_title: "Changed by someone else",
    conflict_body: "Since you opened the form, someone else changed and saved this. Below are the current values and yours; your input is still in the form: check it and save again.",
    conflict_current: "Current",
    conflict_yours: "Yours",
    conflict_field: "Field",
    problems: Problems {
        required: "Required.",
        too_long: "At most {max} characters.",
        not_a_date: "Enter a real date (year-month-day).",
        not_a_number: "Enter a whole number, 0 or more.",
        unknown_unit: "No such unit.",
        unknown_choice: "Choose from the list.",
        bad_investment_code: "A project code has 24 characters: year-6-digit region-2-digit industry-2-digit type-6-digit serial.",
        date_in_future: "The date cannot be later than today.",
        stage_not_later: "Only a later stage can be chosen.",
        taken_name: "Already taken.",
        bad_characters: "Contains characters that cannot be stored.",
        reason_required: "Give a reason.",
        closed_item: "A closed item's deadline cannot change; reopen it first.",
        out_of_range: "A whole number from {min} to {max}.",
        date_in_past: "The date cannot be before today.",
        not_a_web_address: "Enter a full address starting with http:// or https://.",
        not_accepted: "Not an accepted value.",
    },
    nav_dashboard: "Dashboard",
    nav_rankings: "Rankings",
    nav_since: "Since last week",
    nav_settings: "Settings",
    rows_more: "{total} in all; the first {shown} are listed",
    show_all: "Show all",
    days_n: "{n} days",
    list_empty: "None",
    nav_meetings: "Meetings",
    nav_notices: "Notices",
    nav_calendar: "Calendar",
    error_back_home: "Back to the home page",
    error_400: ("Bad request", "The request was not in the expected form."),
    error_401: ("Login required", "Please log in first."),
    error_403: ("Not allowed", "Your account may not do this."),
    error_404: ("Not found", "The page or object you asked for does not exist."),
    error_405: ("Not supported", "This address does not take that kind of request."),
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
    error_still_running: "This form was just sent and is still being handled. Reload the page in a moment to see the result; there is no need to send it again.",
    // issue 6: investor portal and requests
    nav_portal: "My projects",
    nav_requests: "Requests",
    line_problem: "Line {n}: {problem}",
    // issue 9: password change
    nav_password: "Password",
    nav_verifications: "To verify",
    api_unknown_field: "No such field.",
    nav_templates: "Templates",
    nav_inbox: "Inbox",
    nav_webhooks: "Group robots",
    done: [
        "Item added.",
        "Item saved.",
        "Progress recorded.",
        "Item closed.",
        "Item reopened.",
        "Item cancelled.",
        "Submitted for verification; the task force is told.",
        "Verified and closed.",
        "Sent back; the unit is told.",
        "Evidence uploaded.",
        "{n} items imported.",
        "Project and task force created.",
        "Project saved.",
        "Stage advanced.",
        "{n} projects imported.",
        "Request sent; the task force will triage it soon.",
        "Request accepted onto the checklist.",
        "Request accepted onto the checklist. Its deadline is after the promised resolution: the request will show as late from then.",
        "Request declined with the reason given.",
        "Thank you for the rating.",
        "Meeting scheduled.",
        "Record saved.",
        "{n} decisions of the meeting recorded.",
        "Point added.",
        "Notice published.",
        "Template saved.",
        "Template deleted.",
        "Robot added.",
        "Robot paused: nothing is sent to it.",
        "Robot resumed.",
        "Supervision order issued; the unit will be notified.",
        "Reply sent.",
        "Investor accounts updated.",
        "Calendar address revoked.",
        "This week's lists are frozen.",
        "Settings saved; they take effect at the next computation.",
        "Notification choices saved.",
        "Your password has been changed.",
        "{n} items added from the template.",
        "This form had been sent already; it was not done again.",
    ],
    account: account::ACCOUNT,
    columns: columns::COLUMNS,
    labels: labels::LABELS,
    sheets: sheets::SHEETS,
    notify: notify::NOTIFY,
    meetings: meetings::MEETINGS,
    standings: standings::STANDINGS,
    requests: requests::REQUESTS,
    items: items::ITEMS,
    projects: projects::PROJECTS,
    settings: settings::SETTINGS,
};
