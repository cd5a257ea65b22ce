//! What every page shares: the layout's data (navigation by role, language switch, logout form)
//! and the error page.

use askama::Template;
use askama_web::WebTemplate;

use super::context::{RequestContext, urlencode};
use crate::auth::CurrentUser;
use crate::domain::role::Role;
use crate::i18n::Catalog;
use crate::links;

/// Bumped with each release so browsers fetch the new stylesheet.
pub const ASSET_VERSION: &str = env!("CARGO_PKG_VERSION");

pub struct NavLink {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

pub struct Layout {
    pub t: &'static Catalog,
    /// Internal users have a calendar feed.
    pub calendar: bool,
    pub user: Option<CurrentUser>,
    pub csrf_token: String,
    pub nav: Vec<NavLink>,
    pub switch_href: String,
    pub asset_version: &'static str,
    /// Unread notifications, shown on the bell.
    pub unread: i64,
    pub todo: i64,
    /// What the last form did, in words.
    pub flash: Option<String>,
}

impl Layout {
    pub fn new(ctx: &RequestContext) -> Layout {
        let t = ctx.t();
        let current_path = ctx.path.split('?').next().unwrap_or("/");
        let queue = |u: &CurrentUser| u.unit_code.as_ref().map(|c| (links::unit(c), t.nav_my_queue));
        let projects = ("/projects".to_string(), t.nav_projects);
        let rankings = ("/rankings".to_string(), t.nav_rankings);
        let meetings = ("/meetings".to_string(), t.nav_meetings);
        let notices = ("/notices".to_string(), t.nav_notices);
        let requests = ("/requests".to_string(), t.nav_requests);
        let links: Vec<(String, &'static str)> = match &ctx.user {
            None => vec![],
            Some(u) => match u.role {
                Role::Official => vec![
                    ("/dashboard".into(), t.nav_dashboard),
                    ("/investment".into(), t.investment.nav),
                    projects,
                    requests.clone(),
                    ("/verifications".into(), t.nav_verifications),
                    ("/meetings".into(), t.nav_meetings),
                    ("/notices".into(), t.nav_notices),
                    ("/rankings".into(), t.nav_rankings),
                    ("/since".into(), t.nav_since),
                    ("/units".into(), t.nav_units),
                    ("/webhooks".into(), t.nav_webhooks),
                ],
                Role::Admin => vec![
                    ("/dashboard".into(), t.nav_dashboard),
                    ("/investment".into(), t.investment.nav),
                    projects,
                    ("/units".into(), t.nav_units),
                    ("/templates".into(), t.nav_templates),
                    ("/webhooks".into(), t.nav_webhooks),
                    ("/settings".into(), t.nav_settings),
                ],
                Role::Member => queue(u).into_iter().chain([projects, rankings, notices]).collect(),
                Role::Lead => [projects, ("/verifications".into(), t.nav_verifications)]
                    .into_iter()
                    .chain(queue(u))
                    .chain([requests, meetings, rankings, notices])
                    .collect(),
                Role::Investor => vec![("/portal".into(), t.nav_portal), requests],
            },
        };
        let nav = links
            .into_iter()
            .map(|(href, label)| NavLink {
                current: href == current_path,
                href,
                label,
            })
            .collect();
        Layout {
            t,
            calendar: ctx.user.as_ref().is_some_and(crate::auth::policy::sees_internal),
            user: ctx.user.clone(),
            csrf_token: ctx.csrf_token.clone(),
            nav,
            switch_href: format!("/lang/{}?next={}", ctx.lang.other().code(), urlencode(&ctx.path)),
            asset_version: ASSET_VERSION,
            unread: ctx.unread,
            todo: ctx.todo,
            flash: ctx.flash.map(|f| t.flash(f)),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub status: u16,
    pub title: &'static str,
    pub message: String,
}

impl ErrorPage {
    pub fn new(ctx: &RequestContext, status: u16, title: &'static str, message: String) -> ErrorPage {
        ErrorPage {
            layout: Layout::new(ctx),
            status,
            title,
            message,
        }
    }
}
