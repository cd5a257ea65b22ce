//! The admin's settings page: thresholds, list size, time zone, request service levels and session
//! limits. A change takes effect at the next recomputation (the change itself wakes the job).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::context::RequestContext;
use super::dashboard::{RunStatus, run_status};
use super::error::{AppError, AppResult};
use super::flash;
use super::form::{Fields, Messages};
use super::layout::Layout;
use crate::auth::{CurrentUser, policy};
use crate::db::audit::Actor;
use crate::db::settings::{self, FIELDS};
use crate::domain::done::Done;
use crate::domain::input::{self, FieldErrors, Problem};
use crate::domain::working_days;
use tower_sessions::Session;

pub struct SettingField {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub numeric: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    layout: Layout,
    fields: Vec<SettingField>,
    errors: Messages,
    /// The holidays and worked weekend days, as typed.
    working_days: String,
    working_days_error: Option<String>,
    run: RunStatus,
}

/// What the form sent besides the settings row: the working-day calendar, and its problem.
struct Calendar {
    text: String,
    error: Option<String>,
}

fn require_admin(user: &CurrentUser) -> AppResult<()> {
    if policy::may_change_settings(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn page(
    state: &AppState,
    ctx: &RequestContext,
    values: Vec<String>,
    errors: &FieldErrors,
    calendar: Calendar,
) -> AppResult<SettingsPage> {
    let t = ctx.t();
    let tz = settings::load(&state.db).await?.tz();
    Ok(SettingsPage {
        layout: Layout::new(ctx),
        fields: FIELDS
            .iter()
            .zip(values)
            .enumerate()
            .map(|(i, ((name, bounds), value))| SettingField {
                name,
                label: t.settings.settings_fields[i],
                value,
                numeric: bounds.is_some(),
            })
            .collect(),
        errors: Messages::new(errors, t),
        working_days: calendar.text,
        working_days_error: calendar.error,
        run: run_status(state, ctx, tz).await?,
    })
}

pub async fn show(State(state): State<AppState>, ctx: RequestContext, user: CurrentUser) -> AppResult<SettingsPage> {
    require_admin(&user)?;
    let values = settings::form_values(&state.db).await?;
    let calendar = Calendar {
        text: settings::load(&state.db).await?.service_level().calendar.to_text(),
        error: None,
    };
    page(&state, &ctx, values, &FieldErrors::default(), calendar).await
}

/// Checks each setting against its range; a time zone must be one the tz database knows.
pub fn check(values: &[String]) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for ((name, bounds), value) in FIELDS.iter().zip(values) {
        let result = match (name, bounds) {
            (_, Some((min, max))) => input::int_in_range(value, *min, *max).map(drop),
            (&"time_zone", None) => value
                .trim()
                .parse::<chrono_tz::Tz>()
                .map(drop)
                .map_err(|_| Problem::UnknownChoice),
            _ => input::required_text(value, 100).map(drop),
        };
        errors.check(name, result);
    }
    // Red is further behind the time line than yellow.
    let points = |name: &str| {
        let i = FIELDS.iter().position(|(n, _)| *n == name)?;
        values.get(i)?.trim().parse::<i64>().ok()
    };
    if let (Some(yellow), Some(red)) = (points("investment_yellow_points"), points("investment_red_points"))
        && red < yellow
        && errors.get("investment_red_points").is_none()
    {
        errors.add("investment_red_points", Problem::OutOfRange(yellow, 100));
    }
    errors
}

pub async fn save(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    fields: Fields,
) -> AppResult<Response> {
    require_admin(&user)?;
    let values: Vec<String> = FIELDS
        .iter()
        .map(|(name, _)| fields.get(name).trim().to_string())
        .collect();
    let errors = check(&values);
    let text = fields.get("working_days");
    let parsed = working_days::parse_calendar(&text);
    match parsed {
        Ok(calendar) if errors.is_empty() => {
            settings::save(&state.db, &values, &calendar, Actor::User(user.id)).await?;
        }
        _ => {
            let t = ctx.t();
            let calendar = Calendar {
                error: parsed.err().map(|(line, p)| t.line_problem(line, p)),
                text,
            };
            let page = page(&state, &ctx, values, &errors, calendar).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    }
    flash::done(&session, "/settings", Done::SettingsSaved).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field of the form, in its order, typed as an admin would.
    fn values(red_after: &str, tz: &str) -> Vec<String> {
        FIELDS
            .iter()
            .map(|(name, _)| match *name {
                "red_after_days" => red_after,
                "time_zone" => tz,
                "county_name" => "崇义县",
                "notice_issuer" => "崇义县项目专班办公室",
                "investment_red_points" => "30",
                "red_min_rate" => "90",
                "session_idle_minutes" => "30",
                "investment_colour" => "1",
                "public_disclosure" | "ranking_method" => "0",
                _ => "3",
            })
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn good_settings_pass() {
        assert!(check(&values("7", "Asia/Shanghai")).is_empty());
        assert!(check(&values("0", "Asia/Urumqi")).is_empty());
    }

    #[test]
    fn bad_settings_are_named() {
        let e = check(&values("366", "Mars/Olympus"));
        assert_eq!(e.get("red_after_days"), Some(Problem::OutOfRange(0, 365)));
        assert_eq!(e.get("time_zone"), Some(Problem::UnknownChoice));
        assert_eq!(e.get("due_soon_days"), None);
        let mut rate = values("7", "Asia/Shanghai");
        let at = FIELDS.iter().position(|(n, _)| *n == "red_min_rate").unwrap();
        rate[at] = "101".into();
        assert_eq!(check(&rate).get("red_min_rate"), Some(Problem::OutOfRange(0, 100)));
    }
}
