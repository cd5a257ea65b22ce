//! One-time form keys: every page form carries a fresh key beside its CSRF token; the first
//! submission claims it, and a second one (a double click, a browser sending the form again) is not
//! run: it waits for the first and is led where the first one led, saying so. A submission that
//! changed nothing (an error, a form shown again) gives its key back.

use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::Session;
use uuid::Uuid;

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::flash::{self, SESSION_FLASH};
use crate::db::form_keys::{self, Claimed};
use crate::domain::done::Flash;

/// The form field that carries the key.
pub const FIELD: &str = "once";

/// How long a second submission waits for the first one to finish.
const WAIT: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(100);

/// A fresh key, for a form being rendered.
pub fn key() -> String {
    Uuid::new_v4().to_string()
}

/// The key a submitted form carried (read with its CSRF token).
#[derive(Clone, Copy, Debug)]
pub struct FormKey(pub Uuid);

impl FormKey {
    pub fn parse(value: &str) -> Option<FormKey> {
        Uuid::parse_str(value.trim()).ok().map(FormKey)
    }
}

/// Runs a signed-in user's form submission once per key.
pub async fn guard(
    State(state): State<AppState>,
    ctx: RequestContext,
    session: Session,
    req: Request,
    next: Next,
) -> AppResult<Response> {
    let key = req.extensions().get::<FormKey>().copied();
    let (Some(user), Some(FormKey(key))) = (ctx.user.as_ref(), key) else {
        return Ok(next.run(req).await);
    };
    let waited_until = Instant::now() + WAIT;
    loop {
        if form_keys::claim(&state.db, user.id, key).await? {
            let response = next.run(req).await;
            let led = response
                .status()
                .is_redirection()
                .then(|| response.headers().get(header::LOCATION))
                .flatten()
                .and_then(|l| l.to_str().ok());
            let kept = match led {
                Some(location) => {
                    let said = session.get::<Flash>(SESSION_FLASH).await.ok().flatten();
                    form_keys::settle(&state.db, user.id, key, location, said).await
                }
                None => form_keys::release(&state.db, user.id, key).await,
            };
            if let Err(e) = kept {
                tracing::warn!("form key not kept: {e}");
            }
            return Ok(response);
        }
        match form_keys::claimed(&state.db, user.id, key).await? {
            Claimed::Led { location, flash } => {
                return flash::redirect(&session, &location, Flash::repeated(flash)).await;
            }
            // The first one gave the key back: this one runs.
            Claimed::Free => {}
            Claimed::Running if Instant::now() >= waited_until => return Err(AppError::StillRunning),
            Claimed::Running => tokio::time::sleep(POLL).await,
        }
    }
}
