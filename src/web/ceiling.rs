//! The load benchmark's ceiling: one trivial query and a one-line template behind the same
//! middleware as every page. Mounted only when `ZHUANBAN_BENCH_CEILING=1`, so production servers
//! never expose it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::AppState;
use super::error::AppResult;

#[derive(Template, WebTemplate)]
#[template(source = "ceiling {{ n }}", ext = "txt")]
pub struct Ceiling {
    n: i32,
}

pub async fn show(State(state): State<AppState>) -> AppResult<Ceiling> {
    let n = sqlx::query_scalar("SELECT 1").fetch_one(&state.db).await?;
    Ok(Ceiling { n })
}
