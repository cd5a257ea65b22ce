//! A project's whole history: its audit trail and its items', newest first, a hundred entries a
//! page (the project page shows the latest). Internal users only, like the history on the page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use uuid::Uuid;

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::extract::{IdPath, PageParam, PageQuery};
use super::history::{self, HistoryView};
use super::layout::Layout;
use crate::auth::{CurrentUser, policy};
use crate::db::projects;
use crate::links;

const PAGE_SIZE: i64 = 100;

#[derive(Template, WebTemplate)]
#[template(path = "projects/history.html")]
pub struct HistoryPage {
    layout: Layout,
    heading: String,
    project_id: Uuid,
    project_name: String,
    history: Vec<HistoryView>,
    newer_href: Option<String>,
    older_href: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
    PageQuery(q): PageQuery<PageParam>,
) -> AppResult<HistoryPage> {
    let names = projects::visible_names(&state.db, policy::project_scope(&user), &[id]).await?;
    let Some((_, name)) = names.into_iter().next() else {
        return Err(AppError::NotFound);
    };
    if !policy::sees_internal(&user) {
        return Err(AppError::Forbidden);
    }
    let page = q.number();
    let mut entries = projects::history(&state.db, id, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE).await?;
    let older = entries.len() as i64 > PAGE_SIZE;
    entries.truncate(PAGE_SIZE as usize);
    let (t, tz) = (ctx.t(), ctx.settings(&state.db).await?.tz());
    let names = history::unit_names(&state.db, &entries).await?;
    let href = |to: i64| format!("{}/history?page={to}", links::project(id));
    Ok(HistoryPage {
        layout: Layout::new(&ctx),
        heading: t.project_history(&name),
        project_id: id,
        project_name: name,
        history: entries.iter().map(|h| HistoryView::new(h, t, tz, &names)).collect(),
        newer_href: (page > 1).then(|| href(page - 1)),
        older_href: older.then(|| href(page + 1)),
    })
}
