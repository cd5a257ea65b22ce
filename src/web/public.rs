//! Public disclosure (亮屏): without login, the latest published week's red and black lists with
//! their rank changes, the county's projects by colour and stage, and its investment against the
//! time line; and the same for the hall's screen. Off unless an admin turns it on (404 then).
//! Nothing internal is read for it: no item, note, request or person.
//!
//! What it shows is worked out once per run of the engine and published week, and kept; each
//! address may ask [`rate::PUBLIC`] times a window.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use uuid::Uuid;

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::investment::Tiles;
use super::layout::Layout;
use crate::app::investment::{self, CountyFigures};
use crate::db::standings::{self, Entry, Snapshot};
use crate::domain::investment::{Month, reporting_month};
use crate::domain::lifecycle::Stage;
use crate::domain::rate::{self, Window};
use crate::domain::status::Colour;

/// What the public pages show, as of one run of the engine and one published week.
struct Disclosed {
    week: Option<Snapshot>,
    red: Vec<Entry>,
    black: Vec<Entry>,
    by_colour: [i64; 3],
    by_stage: Vec<(Stage, i64)>,
    invest: Arc<CountyFigures>,
    month: Month,
}

/// The run, the published week and the county's day the figures were worked out for.
type Key = (Option<Uuid>, Option<Uuid>, NaiveDate);

/// The public pages' memory: the last figures worked out, and each address's window.
#[derive(Default)]
pub struct PublicPages {
    last: RwLock<Option<(Key, Arc<Disclosed>)>>,
    windows: Mutex<HashMap<String, Window>>,
}

/// Addresses remembered before the windows that are over are forgotten.
const WINDOWS_KEPT: usize = 10_000;

impl PublicPages {
    /// Whether `address` may have another page now.
    fn admit(&self, address: &str) -> bool {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() >= WINDOWS_KEPT {
            windows.retain(|_, w| !w.over(now, rate::PUBLIC));
        }
        windows.entry(address.to_string()).or_default().admit(now, rate::PUBLIC)
    }

    fn cached(&self, key: &Key) -> Option<Arc<Disclosed>> {
        let last = self.last.read().unwrap_or_else(|e| e.into_inner());
        last.as_ref().filter(|(k, _)| k == key).map(|(_, d)| d.clone())
    }

    fn keep(&self, key: Key, disclosed: Arc<Disclosed>) {
        *self.last.write().unwrap_or_else(|e| e.into_inner()) = Some((key, disclosed));
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "public.html")]
pub struct PublicPage {
    layout: Layout,
    screen: bool,
    title: String,
    week: Option<String>,
    red_list: Vec<Entry>,
    black_list: Vec<Entry>,
    by_colour: Vec<(Colour, &'static str, i64)>,
    by_stage: Vec<(&'static str, i64)>,
    tiles: Option<Tiles>,
    completed_label: String,
    month: String,
}

pub async fn show(state: State<AppState>, ctx: RequestContext) -> AppResult<Response> {
    page(state, ctx, false).await
}

/// The hall's screen: large type, refreshes itself.
pub async fn screen(state: State<AppState>, ctx: RequestContext) -> AppResult<Response> {
    page(state, ctx, true).await
}

async fn page(State(state): State<AppState>, ctx: RequestContext, screen: bool) -> AppResult<Response> {
    let settings = ctx.settings(&state.db).await?;
    if settings.public_disclosure != 1 {
        return Err(AppError::NotFound);
    }
    let t = ctx.t();
    if !state.public.admit(&ctx.address) {
        // The error page says it (error_429); the header says how long to wait.
        let headers = [(header::RETRY_AFTER, rate::PUBLIC.seconds.to_string())];
        return Ok((StatusCode::TOO_MANY_REQUESTS, headers).into_response());
    }
    let view = ctx.run_view(&state).await?;
    let week = standings::weekly(&state.db, 1).await?.pop();
    let today = settings.today();
    let key = (view.as_ref().map(|v| v.snapshot.id), week.as_ref().map(|w| w.id), today);
    let d = match state.public.cached(&key) {
        Some(d) => d,
        None => {
            let lists = match &week {
                Some(w) => standings::lists(&state.db, w.id).await?,
                None => Vec::new(),
            };
            let month = reporting_month(today);
            let of = |colour: Colour| {
                let c = view
                    .as_ref()
                    .and_then(|v| v.by_colour.iter().find(|c| c.colour == colour.as_str()));
                c.map_or(0, |c| c.projects)
            };
            let disclosed = Arc::new(Disclosed {
                red: lists
                    .iter()
                    .filter(|e| e.list.as_deref() == Some("red"))
                    .cloned()
                    .collect(),
                black: lists
                    .iter()
                    .filter(|e| e.list.as_deref() == Some("black"))
                    .cloned()
                    .collect(),
                week,
                by_colour: [of(Colour::Red), of(Colour::Yellow), of(Colour::Green)],
                by_stage: Stage::ALL
                    .iter()
                    .map(|s| {
                        let c = view
                            .as_ref()
                            .and_then(|v| v.by_stage.iter().find(|c| c.stage == s.as_str()));
                        (*s, c.map_or(0, |c| c.projects))
                    })
                    .collect(),
                invest: match &view {
                    Some(v) => state.run_figures.of(v, &settings, month),
                    None => Arc::new(investment::county_of(Vec::new(), &settings, month)),
                },
                month,
            });
            state.public.keep(key, disclosed.clone());
            disclosed
        }
    };
    let planned = d.invest.rows.iter().any(|r| r.plan.is_some());
    let page = PublicPage {
        layout: Layout::new(&ctx),
        screen,
        title: t.public_title(&settings.county_name),
        week: d.week.as_ref().map(|w| t.public_week(&w.as_of)),
        red_list: d.red.clone(),
        black_list: d.black.clone(),
        by_colour: [Colour::Red, Colour::Yellow, Colour::Green]
            .into_iter()
            .zip(d.by_colour)
            .map(|(c, n)| (c, t.colour(c), n))
            .collect(),
        by_stage: d.by_stage.iter().map(|(s, n)| (t.stage(*s), *n)).collect(),
        tiles: planned.then(|| Tiles::new(&d.invest, t)),
        completed_label: t.completed_through(d.month),
        month: t.month(d.month),
    };
    // Kept for a minute, as the screen refreshes; by shared caches only when nobody is signed
    // in, since the layout then names the user and carries their form token.
    let cache = if ctx.user.is_some() {
        "private, max-age=60"
    } else {
        "public, max-age=60"
    };
    Ok(([(header::CACHE_CONTROL, cache)], page).into_response())
}
