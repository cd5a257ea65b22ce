//! The webhook worker: sends the outbox's due deliveries to the group robots, retrying failures
//! with exponential back-off (domain::notification::retry_after_secs) until they are accepted.
//! Each robot is sent to on its own, several robots at once, so a robot that hangs delays only
//! its own messages; a robot gets at most 20 a minute (its service's limit), one after another.
//! Each delivery is claimed and its outcome recorded in one transaction, so a restart or a second
//! instance never sends an accepted delivery again. It also prunes old login attempts.

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::db::{notifications, users, webhooks};
use crate::domain::notification::{self, robot_accepted, robot_allowance, robot_message};
use crate::i18n::Lang;

/// How long a robot may take to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How often the worker looks for due deliveries.
const POLL: Duration = Duration::from_secs(5);
/// Robots sent to at once.
const ROBOTS_AT_ONCE: usize = 8;

/// What one run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Sent {
    pub delivered: usize,
    pub failed: usize,
}

/// How messages go out: the HTTP client, and the address the pages are served at
/// (`ZHUANBAN_PUBLIC_URL`), which each message links back to.
#[derive(Clone)]
pub struct Sender {
    http: reqwest::Client,
    public_url: Option<String>,
}

impl Sender {
    /// This sender, its messages linking to the pages under `public_url`.
    pub fn linking(self, public_url: Option<String>) -> Sender {
        Sender {
            public_url: public_url.map(|u| u.trim_end_matches('/').to_string()),
            ..self
        }
    }
}

/// A sender whose messages carry no link.
pub fn client() -> Sender {
    Sender {
        http: reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client with rustls builds"),
        public_url: None,
    }
}

/// Sends every delivery that is due now, once each, each robot on its own.
pub async fn run_once(pool: &PgPool, sender: &Sender) -> anyhow::Result<Sent> {
    let robots = webhooks::due_robots(pool).await?;
    let at_once = Arc::new(Semaphore::new(ROBOTS_AT_ONCE));
    let mut running = JoinSet::new();
    for (robot, recent) in robots {
        let (pool, sender, at_once) = (pool.clone(), sender.clone(), at_once.clone());
        running.spawn(async move {
            let _turn = at_once.acquire_owned().await?;
            send_to(&pool, &sender, robot, robot_allowance(recent)).await
        });
    }
    let mut sent = Sent::default();
    while let Some(done) = running.join_next().await {
        let one = done??;
        sent.delivered += one.delivered;
        sent.failed += one.failed;
    }
    Ok(sent)
}

/// Sends robot `robot`'s due deliveries in order, at most `allowance` of them; a refusal stops
/// the robot's turn (its next tries wait for their back-off).
async fn send_to(pool: &PgPool, sender: &Sender, robot: Uuid, allowance: i64) -> anyhow::Result<Sent> {
    let mut sent = Sent::default();
    for _ in 0..allowance {
        let mut tx = pool.begin().await?;
        let Some(d) = webhooks::claim(&mut tx, robot).await? else {
            tx.rollback().await?;
            break;
        };
        let event = notifications::event(&mut tx, d.event_id).await?;
        // Group robots are county groups: messages are in the county's language.
        let t = Lang::Zh.catalog();
        let link = sender
            .public_url
            .as_ref()
            .zip(event.href())
            .map(|(base, path)| format!("{base}{path}"));
        let body = robot_message(
            d.format,
            d.message,
            t.event_kind(event.kind),
            &t.event_lines(&event.facts()),
            link.as_deref().map(|url| (t.notify.robot_open_link, url)),
        );
        let url = match d.secret.as_deref() {
            Some(secret) if d.format == notification::WebhookFormat::Dingtalk => {
                notification::dingtalk_signed_url(&d.url, secret, chrono::Utc::now().timestamp_millis())
            }
            _ => d.url.clone(),
        };
        let outcome = match sender.http.post(&url).json(&body).send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let text = response.text().await.unwrap_or_default();
                robot_accepted(status, &text)
            }
            Err(e) => Err(e.without_url().to_string()),
        };
        let failed = outcome.is_err();
        webhooks::finish(&mut tx, d.id, outcome, notification::retry_after_secs(d.attempts + 1)).await?;
        tx.commit().await?;
        if failed {
            sent.failed += 1;
            break;
        }
        sent.delivered += 1;
    }
    Ok(sent)
}

/// Runs until `stop` turns true.
pub async fn run_forever(pool: PgPool, public_url: Option<String>, mut stop: watch::Receiver<bool>) {
    let http = client().linking(public_url);
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
