//! `GET /healthz`: 200 when the server and its database answer, 503 when the database does not.
//! The body also says whether the status recomputation is running, so a monitor can watch for
//! stopped runs without failing the load balancer's check.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};

use super::AppState;
use super::dashboard::STALE_MINUTES;

pub async fn healthz(State(state): State<AppState>) -> (StatusCode, String) {
    let last_run = sqlx::query_scalar::<_, Option<DateTime<Utc>>>(
        "SELECT max(greatest(started_at, checked_at)) FROM recompute_runs",
    )
    .fetch_one(&state.db);
    match tokio::time::timeout(Duration::from_secs(3), last_run).await {
        Ok(Ok(last)) => {
            let runs = match last {
                None => "recompute: not run yet".to_string(),
                Some(at) => {
                    let age = (Utc::now() - at).num_seconds();
                    let verdict = if age >= STALE_MINUTES * 60 { "stale" } else { "ok" };
                    format!("recompute: {verdict}, last checked {age} s ago")
                }
            };
            (StatusCode::OK, format!("ok\n{runs}\n"))
        }
        _ => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n".into()),
    }
}
