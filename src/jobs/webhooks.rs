//! The webhook worker: sends the outbox's due deliveries to the group robots, retrying failures
//! with exponential back-off (domain::notification::retry_after_secs) until they are accepted.
//! Each delivery is claimed and its outcome recorded in one transaction, so a restart or a second
//! instance never sends an accepted delivery again. It also prunes old login attempts.

use std::time::Duration;

use sqlx::PgPool;
use tokio::sync::watch;

use crate::db::{notifications, users, webhooks};
use crate::domain::notification::{self, robot_accepted, robot_message};
use crate::i18n::Lang;

/// How long a robot may take to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How often the worker looks for due deliveries.
const POLL: Duration = Duration::from_secs(5);
/// At most this many attempts per run, so a long outbox never delays shutdown for long.
const BATCH: usize = 100;

/// What one run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sent {
    pub delivered: usize,
    pub failed: usize,
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client with rustls builds")
}

/// Sends every delivery that is due now, once each.
pub async fn run_once(pool: &PgPool, http: &reqwest::Client) -> anyhow::Result<Sent> {
    let mut sent = Sent::default();
    for _ in 0..BATCH {
        let mut tx = pool.begin().await?;
        let Some(d) = webhooks::claim(&mut tx).await? else {
            tx.rollback().await?;
            break;
        };
        let event = notifications::event(&mut tx, d.event_id).await?;
        // Group robots are county groups: messages are in the county's language.
        let t = Lang::Zh.catalog();
        let body = robot_message(
            d.format,
            d.message,
            t.event_kind(event.kind),
            &t.event_lines(&event.facts()),
        );
        let url = match d.secret.as_deref() {
            Some(secret) if d.format == notification::WebhookFormat::Dingtalk => {
                notification::dingtalk_signed_url(&d.url, secret, chrono::Utc::now().timestamp_millis())
            }
            _ => d.url.clone(),
        };
        let outcome = match http.post(&url).json(&body).send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let text = response.text().await.unwrap_or_default();
                robot_accepted(status, &text)
            }
            Err(e) => Err(e.without_url().to_string()),
        };
        if outcome.is_ok() {
            sent.delivered += 1;
        } else {
            sent.failed += 1;
        }
        webhooks::finish(&mut tx, d.id, outcome, notification::retry_after_secs(d.attempts + 1)).await?;
        tx.commit().await?;
    }
    Ok(sent)
}

/// Runs until `stop` turns true.
pub async fn run_forever(pool: PgPool, mut stop: watch::Receiver<bool>) {
    let http = client();
    let mut ticks = 0u64;
    loop {
        match run_once(&pool, &http).await {
            Ok(s) if s != Sent::default() => tracing::info!("webhooks: {} sent, {} failed", s.delivered, s.failed),
            Ok(_) => {}
            Err(e) => tracing::warn!("webhook delivery failed: {e:#}"),
        }
        // About hourly.
        if ticks.is_multiple_of(720)
            && let Err(e) = users::prune_login_attempts(&pool).await
        {
            tracing::warn!("cannot prune login attempts: {e:#}");
        }
        ticks += 1;
        tokio::select! {
            _ = stop.changed() => return,
            () = tokio::time::sleep(POLL) => {}
        }
        if *stop.borrow() {
            return;
        }
    }
}
