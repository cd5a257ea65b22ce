//! Every URL of the application, in one place, with the middleware stack around them.

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::api;
use crate::db::sessions::Sessions;
use crate::web::middleware as pipeline;
use crate::web::upload::UPLOAD_BODY_LIMIT;
use crate::web::{
    AppState, BODY_LIMIT, SESSION_COOKIE, account, assets, attachments, calendar, ceiling, checklist_sheets,
    checklist_templates, dashboard, health, inbox, item_forms, items, lang, list_sheets, login, meetings, notice_xlsx,
    notices, portal, project_forms, project_history, project_import, projects, rankings, requests, settings, since,
    supervision, units, verifications, webhooks,
};

/// Pages and API routes: these run with a session and the request context.
fn app_routes() -> Router<AppState> {
    Router::new()
        .route("/", get(projects::home))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/account/password", get(account::form).post(account::change))
        .route("/lang/{code}", get(lang::switch))
        .route("/projects", get(projects::list).post(project_forms::create))
        .route("/projects/new", get(project_forms::new))
        .route("/projects/{id}", get(projects::show))
        .route(
            "/projects/{id}/edit",
            get(project_forms::edit).post(project_forms::update),
        )
        .route("/projects/{id}/history", get(project_history::show))
        .route("/projects/{id}/stage", post(project_forms::advance))
        .route("/projects/{id}/investors", post(project_forms::link_investor))
        .route("/projects/{id}/requests/new", get(requests::new))
        .route("/projects/{id}/requests", post(requests::create))
        .route("/portal", get(portal::show))
        .route("/requests", get(requests::list))
        .route("/requests/{id}", get(requests::show))
        .route("/requests/{id}/accept", post(requests::accept))
        .route("/requests/{id}/decline", post(requests::decline))
        .route("/requests/{id}/rate", post(requests::rate))
        .route("/projects/{id}/items/new", get(item_forms::new))
        .route("/projects/{id}/items", post(item_forms::create))
        .route("/items/{id}", get(items::show))
        .route("/items/{id}/edit", get(item_forms::edit).post(item_forms::update))
        .route("/items/{id}/updates", post(items::post_update))
        .route("/items/{id}/close", post(items::close))
        .route("/items/{id}/reopen", post(items::reopen))
        .route("/items/{id}/cancel", post(items::cancel))
        .route("/items/{id}/submit", post(items::submit))
        .route("/items/{id}/verify", post(items::verify))
        .route("/items/{id}/send-back", post(items::send_back))
        .route("/attachments/{id}", get(attachments::download))
        .route("/verifications", get(verifications::show))
        .route(
            "/templates",
            get(checklist_templates::index).post(checklist_templates::create),
        )
        .route("/templates/new", get(checklist_templates::new))
        .route(
            "/templates/{id}",
            get(checklist_templates::edit).post(checklist_templates::update),
        )
        .route("/templates/{id}/delete", post(checklist_templates::delete))
        .route("/projects/{id}/import", get(checklist_sheets::form))
        .route("/projects/import", get(project_import::form))
        .route("/projects/import/confirm", post(project_import::confirm))
        .route("/projects.csv", get(list_sheets::projects_csv))
        .route("/projects.xlsx", get(list_sheets::projects_xlsx))
        .route("/units/{code}/items.csv", get(list_sheets::queue_csv))
        .route("/units/{code}/items.xlsx", get(list_sheets::queue_xlsx))
        .route("/projects/{id}/import/confirm", post(checklist_sheets::confirm))
        .route(
            "/api/v1/projects/{id}/items.csv",
            get(api::checklist_export::export_csv),
        )
        .route(
            "/api/v1/projects/{id}/items.xlsx",
            get(api::checklist_export::export_xlsx),
        )
        .route("/calendar", get(calendar::show).post(calendar::renew))
        .route("/calendar/revoke", post(calendar::revoke))
        .route("/dashboard", get(dashboard::show))
        .route("/meetings", get(meetings::list).post(meetings::create))
        .route("/meetings/new", get(meetings::new))
        .route("/meetings/{id}", get(meetings::show))
        .route("/meetings/{id}/record", post(meetings::record))
        .route("/meetings/{id}/decisions", post(meetings::decide))
        .route("/meetings/{id}/publish", post(meetings::publish))
        .route("/meetings/{id}/points", post(meetings::add_point))
        .route("/meetings/{id}/points/move", post(meetings::move_point))
        .route("/notices", get(notices::list).post(notices::publish_week))
        .route("/notices/{id}", get(notices::show))
        .route("/notices/{id}/xlsx", get(notice_xlsx::download))
        .route("/rankings", get(rankings::show))
        .route("/rankings/freeze", post(rankings::freeze))
        .route("/settings", get(settings::show).post(settings::save))
        .route("/since", get(since::show))
        .route("/units", get(units::index))
        .route("/units/{code}", get(units::queue))
        .route("/units/{code}/digest", get(units::digest))
        .route("/inbox", get(inbox::list))
        .route("/inbox/read", post(inbox::read_all))
        .route("/inbox/{id}/read", post(inbox::read))
        .route(
            "/inbox/preferences",
            get(inbox::preferences).post(inbox::save_preferences),
        )
        .route("/items/{id}/supervision", post(supervision::issue))
        .route("/supervision/{id}/reply", post(supervision::reply))
        .route("/webhooks", get(webhooks::list).post(webhooks::create))
        .route("/webhooks/{id}", get(webhooks::show))
        .route("/webhooks/{id}/active", post(webhooks::set_active))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/api/v1/me", get(api::me))
        .route("/api/v1/units", get(api::units::list).post(api::units::create))
        .route("/api/v1/projects", get(api::projects::list).post(api::projects::create))
        .route("/api/v1/projects/{id}", get(api::projects::show))
        .route(
            "/api/v1/projects/{id}/items",
            get(api::items::list).post(api::items::create),
        )
        .route("/api/v1/items/{id}", get(api::items::show).patch(api::items::patch))
        .route("/api/v1/items/{id}/close", post(api::items::close))
        .route("/api/v1/items/{id}/reopen", post(api::items::reopen))
        .route("/api/v1/items/{id}/updates", post(api::items::post_update))
        .route(
            "/api/v1/projects/{id}/requests",
            get(api::requests::list).post(api::requests::create),
        )
        .route("/api/v1/requests/{id}", get(api::requests::show))
        .route("/api/v1/requests/{id}/accept", post(api::requests::accept))
        .route("/api/v1/requests/{id}/decline", post(api::requests::decline))
        .route("/api/v1/requests/{id}/rating", post(api::requests::rate))
        .route("/api/v1/items/{id}/submit", post(api::items::submit))
        .route("/api/v1/items/{id}/verify", post(api::items::verify))
        .route("/api/v1/items/{id}/send-back", post(api::items::send_back))
        .route("/api/v1/attachments/{id}", get(api::attachments::download))
        .route("/api/v1/rankings", get(api::standings::rankings))
        .route("/api/v1/dashboard", get(api::standings::dashboard))
        .route("/api/v1/meetings", post(api::meetings::create))
        .route("/api/v1/meetings/{id}", get(api::meetings::show))
        .route("/api/v1/meetings/{id}/decisions", post(api::meetings::decide))
        .route("/api/v1/meetings/{id}/publish", post(api::meetings::publish))
        .route("/api/v1/notices/{id}", get(api::meetings::notice))
        .route("/api/v1/notifications", get(api::notifications::inbox))
        .route("/api/v1/webhooks", post(api::notifications::create))
        .route("/api/v1/webhooks/{id}/deliveries", get(api::notifications::deliveries))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
}

/// Routes that take files: a body limit of their own, the only ones above [`BODY_LIMIT`].
fn upload_routes() -> Router<AppState> {
    Router::new()
        .route("/items/{id}/attachments", post(attachments::upload))
        .route("/projects/{id}/import", post(checklist_sheets::preview))
        .route(
            "/api/v1/projects/{id}/items/import",
            post(api::checklist_import::import),
        )
        .route("/projects/import", post(project_import::preview))
        .route("/api/v1/projects/import", post(api::project_import::import))
        .route(
            "/api/v1/items/{id}/attachments",
            get(api::attachments::list).post(api::attachments::upload),
        )
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(UPLOAD_BODY_LIMIT))
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

    let mut app = app_routes();
    if state.config.bench_ceiling {
        app = app.route("/bench/ceiling", get(ceiling::show));
    }
    let app = app
        .merge(upload_routes())
        .fallback(|| async { StatusCode::NOT_FOUND })
        // Innermost first: the origin check and the form-token check run inside the context
        // middleware, so their refusals are rendered like every other error.
        .layer(CsrfLayer::new())
        .layer(middleware::from_fn(pipeline::require_csrf_token))
        .layer(middleware::from_fn_with_state(state.clone(), pipeline::middleware))
        .layer(sessions);

    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/static/{name}", get(assets::file))
        // Calendar apps fetch the feed without a session: it must not start one on every poll.
        .route("/ics/{file}", get(calendar::feed))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        // The application's routes carry their own limits, inside the context middleware so that a
        // refusal is rendered (a page, or JSON under /api) like every other error.
        .merge(app)
        .with_state(state)
        .layer(header(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::REFERRER_POLICY, "same-origin"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CatchPanicLayer::new())
        .layer(TraceLayer::new_for_http())
}
