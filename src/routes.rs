//! Every URL of the application, in one place, with the middleware stack around them.

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::routing::{self, MethodRouter};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use utoipa_axum::router::OpenApiRouter;

use crate::api;
use crate::db::sessions::Sessions;
use crate::web::middleware as pipeline;
use crate::web::upload::UPLOAD_BODY_LIMIT;
use crate::web::{
    AppState, BODY_LIMIT, SESSION_COOKIE, account, assets, attachments, calendar, ceiling, checklist_from_template,
    checklist_sheets, checklist_templates, dashboard, health, inbox, investment, item_forms, items, lang, list_sheets,
    login, meetings, monthly, notice_xlsx, notices, once, portal, project_forms, project_history, project_import,
    projects, public, rankings, requests, settings, since, supervision, units, verifications, webhooks,
};

/// A router that keeps its own table: every (method, path) it serves, as declared, so that the
/// authorization test covers exactly what is served ([`served`]).
struct Table {
    router: Router<AppState>,
    served: Vec<(&'static str, String)>,
}

impl Table {
    fn new() -> Table {
        Table {
            router: Router::new(),
            served: Vec::new(),
        }
    }

    fn add(mut self, method: &'static str, path: &'static str, route: MethodRouter<AppState>) -> Table {
        // Routes of one path with several methods merge into one method router.
        self.router = self.router.route(path, route);
        self.served.push((method, path.to_string()));
        self
    }

    /// The API's operations, routed by their OpenAPI annotations.
    fn api(mut self, api: OpenApiRouter<AppState>) -> Table {
        for (path, item) in &api.get_openapi().paths.paths {
            let methods = [
                ("GET", &item.get),
                ("POST", &item.post),
                ("PATCH", &item.patch),
                ("PUT", &item.put),
                ("DELETE", &item.delete),
            ];
            for (method, operation) in methods {
                if operation.is_some() {
                    self.served.push((method, path.clone()));
                }
            }
        }
        self.router = self.router.merge(api.split_for_parts().0);
        self
    }

    fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Table {
        self.add("GET", path, routing::get(handler))
    }

    fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Table {
        self.add("POST", path, routing::post(handler))
    }
}

/// Pages and API routes: these run with a session and the request context.
fn app_routes() -> Table {
    Table::new()
        .get("/", projects::home)
        .get("/login", login::form)
        .post("/login", login::submit)
        .post("/logout", login::logout)
        .get("/account/password", account::form)
        .post("/account/password", account::change)
        .get("/lang/{code}", lang::switch)
        .get("/public", public::show)
        .get("/public/screen", public::screen)
        .get("/projects", projects::list)
        .post("/projects", project_forms::create)
        .get("/projects/new", project_forms::new)
        .get("/projects/{id}", projects::show)
        .get("/projects/{id}/edit", project_forms::edit)
        .post("/projects/{id}/edit", project_forms::update)
        .get("/projects/{id}/history", project_history::show)
        .post("/projects/{id}/stage", project_forms::advance)
        .post("/projects/{id}/investors", project_forms::link_investor)
        .post("/projects/{id}/override", project_forms::set_colour)
        .post("/projects/{id}/override/lift", project_forms::lift_colour)
        .get("/projects/{id}/requests/new", requests::new)
        .post("/projects/{id}/requests", requests::create)
        .get("/portal", portal::show)
        .get("/requests", requests::list)
        .get("/requests/{id}", requests::show)
        .post("/requests/{id}/accept", requests::accept)
        .post("/requests/{id}/decline", requests::decline)
        .post("/requests/{id}/rate", requests::rate)
        .get("/projects/{id}/items/new", item_forms::new)
        .post("/projects/{id}/items", item_forms::create)
        .get("/items/{id}", items::show)
        .get("/items/{id}/edit", item_forms::edit)
        .post("/items/{id}/edit", item_forms::update)
        .post("/items/{id}/updates", items::post_update)
        .post("/items/{id}/close", items::close)
        .post("/items/{id}/reopen", items::reopen)
        .post("/items/{id}/cancel", items::cancel)
        .post("/items/{id}/submit", items::submit)
        .post("/items/{id}/verify", items::verify)
        .post("/items/{id}/send-back", items::send_back)
        .post("/items/{id}/exemption", items::exempt)
        .post("/items/{id}/exemption/lift", items::lift_exemption)
        .get("/attachments/{id}", attachments::download)
        .get("/verifications", verifications::show)
        .get("/templates", checklist_templates::index)
        .post("/templates", checklist_templates::create)
        .get("/templates/new", checklist_templates::new)
        .get("/templates/{id}", checklist_templates::edit)
        .post("/templates/{id}", checklist_templates::update)
        .post("/templates/{id}/delete", checklist_templates::delete)
        .get("/projects/{id}/template", checklist_from_template::show)
        .post("/projects/{id}/template", checklist_from_template::apply)
        .get("/projects/{id}/import", checklist_sheets::form)
        .get("/projects/import", project_import::form)
        .post("/projects/import/confirm", project_import::confirm)
        .get("/projects.csv", list_sheets::projects_csv)
        .get("/projects.xlsx", list_sheets::projects_xlsx)
        .get("/units/{code}/items.csv", list_sheets::queue_csv)
        .get("/units/{code}/items.xlsx", list_sheets::queue_xlsx)
        .post("/projects/{id}/import/confirm", checklist_sheets::confirm)
        .get("/calendar", calendar::show)
        .post("/calendar", calendar::renew)
        .post("/calendar/revoke", calendar::revoke)
        .get("/dashboard", dashboard::show)
        .get("/investment", investment::county)
        .get("/projects/{id}/investment", investment::project)
        .post("/projects/{id}/plan", investment::save_plan)
        .post("/projects/{id}/monthly-reports", investment::report)
        .post("/monthly-reports/{id}/confirm", investment::confirm)
        .get("/monthly/{month}", monthly::show)
        .post("/monthly/{month}/freeze", monthly::freeze)
        .get("/monthly/{month}/xlsx", monthly::xlsx)
        .get("/meetings", meetings::list)
        .post("/meetings", meetings::create)
        .get("/meetings/new", meetings::new)
        .get("/meetings/{id}", meetings::show)
        .post("/meetings/{id}/record", meetings::record)
        .post("/meetings/{id}/decisions", meetings::decide)
        .post("/meetings/{id}/publish", meetings::publish)
        .post("/meetings/{id}/points", meetings::add_point)
        .post("/meetings/{id}/points/move", meetings::move_point)
        .get("/notices", notices::list)
        .post("/notices", notices::publish_week)
        .get("/notices/{id}", notices::show)
        .get("/notices/{id}/xlsx", notice_xlsx::download)
        .get("/rankings", rankings::show)
        .post("/rankings/freeze", rankings::freeze)
        .get("/settings", settings::show)
        .post("/settings", settings::save)
        .get("/since", since::show)
        .get("/units", units::index)
        .get("/units/{code}", units::queue)
        .get("/units/{code}/digest", units::digest)
        .get("/inbox", inbox::list)
        .post("/inbox/read", inbox::read_all)
        .post("/inbox/{id}/read", inbox::read)
        .get("/inbox/preferences", inbox::preferences)
        .post("/inbox/preferences", inbox::save_preferences)
        .post("/items/{id}/supervision", supervision::issue)
        .post("/supervision/{id}/reply", supervision::reply)
        .get("/webhooks", webhooks::list)
        .post("/webhooks", webhooks::create)
        .get("/webhooks/{id}", webhooks::show)
        .post("/webhooks/{id}/active", webhooks::set_active)
        .post("/webhooks/{id}/address", webhooks::set_address)
        .get("/api/v1/openapi.json", api::openapi)
        .api(api::routes())
}

/// Routes that take files: a body limit of their own, the only ones above [`BODY_LIMIT`].
fn upload_routes() -> Table {
    Table::new()
        .post("/items/{id}/attachments", attachments::upload)
        .post("/projects/{id}/import", checklist_sheets::preview)
        .post("/projects/import", project_import::preview)
        .api(api::upload_routes())
}

/// Routes without a session: the health check, static files, the calendar feed (calendar apps
/// fetch it without a session: it must not start one on every poll).
fn open_routes() -> Table {
    Table::new()
        .get("/healthz", health::healthz)
        .get("/static/{name}", assets::file)
        .get("/ics/{file}", calendar::feed)
}

/// The load benchmark's reference page, served only with `ZHUANBAN_BENCH_CEILING=1`.
fn ceiling_route() -> Table {
    Table::new().get("/bench/ceiling", ceiling::show)
}

/// Every (method, path) the router can serve (the benchmark's ceiling included), in declared order.
pub fn served() -> Vec<(&'static str, String)> {
    [open_routes(), app_routes(), upload_routes(), ceiling_route()]
        .into_iter()
        .flat_map(|t| t.served)
        .collect()
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

pub fn router(state: AppState) -> Router {
    let sessions = SessionManagerLayer::new(Sessions::new(state.db.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies)
        // Anonymous sessions (a login form's token) are short; login sets the configured idle limit.
        .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::minutes(
            30,
        )));

    let mut app = app_routes().router.layer(RequestBodyLimitLayer::new(BODY_LIMIT));
    if state.config.bench_ceiling {
        app = app.merge(ceiling_route().router);
    }
    let uploads = upload_routes()
        .router
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(UPLOAD_BODY_LIMIT));
    let app = app
        .merge(uploads)
        .fallback(|| async { StatusCode::NOT_FOUND })
        // Innermost first: a form's one-time key is claimed once the origin check and the
        // form-token check passed; they run inside the context middleware, so their refusals are
        // rendered like every other error.
        .layer(middleware::from_fn_with_state(state.clone(), once::guard))
        .layer(CsrfLayer::new())
        .layer(middleware::from_fn(pipeline::require_csrf_token))
        .layer(middleware::from_fn_with_state(state.clone(), pipeline::middleware))
        .layer(sessions);

    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    open_routes()
        .router
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        // The application's routes carry their own limits, inside the context middleware so that a
        // refusal is rendered (a page, or JSON under /api) like every other error.
        .merge(app)
        .with_state(state)
        .layer(header(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::REFERRER_POLICY, "same-origin"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        // gzip's fastest level: a project page (40 KB) is 6.5 KB at the default level and a few
        // hundred bytes more at this one, for about half the server's time spent compressing it.
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CatchPanicLayer::new())
        .layer(TraceLayer::new_for_http())
}
