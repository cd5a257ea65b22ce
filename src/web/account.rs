//! The signed-in user's own account: changing the password (the old one is required, the new one
//! needs `password::MIN_LENGTH` characters) and, on request, ending every other session.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use super::AppState;
use super::context::{RequestContext, SESSION_EPOCH};
use super::error::{AppError, AppResult};
use super::flash;
use super::form::Fields;
use super::layout::Layout;
use super::security_log;
use crate::auth::login::{self, Outcome};
use crate::auth::{CurrentUser, password};
use crate::db::users;
use crate::domain::done::Done;
use crate::domain::names::Username;

#[derive(Template, WebTemplate)]
#[template(path = "password.html")]
pub struct PasswordPage {
    layout: Layout,
    errors: PasswordErrors,
    end_others: bool,
}

/// One message per field; the password fields themselves are never sent back.
#[derive(Default)]
pub struct PasswordErrors {
    pub current: Option<String>,
    pub new: Option<&'static str>,
    pub again: Option<&'static str>,
}

impl PasswordErrors {
    fn is_empty(&self) -> bool {
        self.current.is_none() && self.new.is_none() && self.again.is_none()
    }
}

pub async fn form(ctx: RequestContext, _user: CurrentUser) -> PasswordPage {
    PasswordPage {
        layout: Layout::new(&ctx),
        errors: PasswordErrors::default(),
        end_others: true,
    }
}

pub async fn change(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    session: Session,
    fields: Fields,
) -> AppResult<Response> {
    let t = ctx.t();
    let (current, new, again) = (fields.get("current"), fields.get("new"), fields.get("again"));
    let end_others = fields.get("end_others") == "1";
    let mut errors = PasswordErrors::default();
    if new.chars().count() < password::MIN_LENGTH {
        errors.new = Some(t.account.password_too_short);
    } else if new != again {
        errors.again = Some(t.account.password_mismatch);
    }
    // Checked as a login is (throttled and recorded), so the page cannot be used to guess.
    let username = Username::parse(&user.username).ok_or(AppError::Forbidden)?;
    match login::attempt(&state.db, &username, &current, &ctx.address).await? {
        Outcome::Success(id, _) if id == user.id => {}
        Outcome::Throttled(wait, limit) => {
            security_log::login_throttled(&username, &ctx.address, wait, limit);
            errors.current = Some(t.throttled(wait.as_secs().div_ceil(60).max(1)));
        }
        _ => {
            security_log::password_change_refused(&user, &ctx.address);
            errors.current = Some(t.account.password_wrong_current.to_string());
        }
    }
    if !errors.is_empty() {
        let page = PasswordPage {
            layout: Layout::new(&ctx),
            errors,
            end_others,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let hash = password::hash(&new).await?;
    let epoch = users::change_password(&state.db, user.id, &hash, end_others).await?;
    // This session stays open in the new epoch; a fresh id too, as at login.
    session.insert(SESSION_EPOCH, epoch).await?;
    session.cycle_id().await?;
    security_log::password_changed(&user, &ctx.address, end_others);
    flash::done(&session, "/account/password", Done::PasswordChanged).await
}
