//! The webhook worker: sends the outbox's due deliveries to the group robots, retrying failures
//! with exponential back-off (domain::notification::retry_after_secs) until they are accepted.
//! Each robot is sent to in a turn of its own, several robots at once, and a new turn starts for
//! any robot whose last one is over, so a robot that hangs delays only its own messages; a robot
//! gets at most 20 a minute (its service's limit), one after another.
//! Each delivery is claimed and its outcome recorded in one transaction, so a restart or a second
//! instance never sends an accepted delivery again. It also prunes old login attempts.

use std::collections::HashMap;
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

/// The robots being sent to, each in a task of its own, at most [`ROBOTS_AT_ONCE`] at a time.
struct Robots {
    pool: PgPool,
    sender: Sender,
    at_once: Arc<Semaphore>,
    running: JoinSet<anyhow::Result<Sent>>,
    busy: HashMap<tokio::task::Id, Uuid>,
}

impl Robots {
    fn new(pool: &PgPool, sender: &Sender) -> Robots {
        Robots {
            pool: pool.clone(),
            sender: sender.clone(),
            at_once: Arc::new(Semaphore::new(ROBOTS_AT_ONCE)),
            running: JoinSet::new(),
            busy: HashMap::new(),
        }
    }

    /// Starts a turn for every robot with deliveries due that has none running.
    async fn start_due(&mut self) -> anyhow::Result<()> {
        for (robot, recent) in webhooks::due_robots(&self.pool).await? {
            if self.busy.values().any(|r| *r == robot) {
                continue;
            }
            let (pool, sender, at_once) = (self.pool.clone(), self.sender.clone(), self.at_once.clone());
            let task = self.running.spawn(async move {
                let _turn = at_once.acquire_owned().await?;
                send_to(&pool, &sender, robot, robot_allowance(recent)).await
            });
            self.busy.insert(task.id(), robot);
        }
        Ok(())
    }

    /// What a finished turn did (`None` when none has finished; waits for one when `wait`).
    async fn finished(&mut self, wait: bool) -> Option<anyhow::Result<Sent>> {
        let done = if wait {
            self.running.join_next_with_id().await?
        } else {
            self.running.try_join_next_with_id()?
        };
        Some(match done {
            Ok((id, sent)) => {
                self.busy.remove(&id);
                sent
            }
            Err(e) => {
                self.busy.remove(&e.id());
                Err(anyhow::anyhow!("a robot's turn failed: {e}"))
            }
        })
    }
}

/// Sends every delivery that is due now, once each, each robot on its own; returns when all
/// robots' turns are over.
pub async fn run_once(pool: &PgPool, sender: &Sender) -> anyhow::Result<Sent> {
    let mut robots = Robots::new(pool, sender);
    robots.start_due().await?;
    let mut sent = Sent::default();
    while let Some(one) = robots.finished(true).await {
        let one = one?;
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

/// Runs until `stop` turns true: every few seconds, a turn for each robot with deliveries due and
/// none running, so a robot that hangs never holds back another's next message.
pub async fn run_forever(pool: PgPool, public_url: Option<String>, mut stop: watch::Receiver<bool>) {
    let mut robots = Robots::new(&pool, &client().linking(public_url));
    let mut ticks = 0u64;
    loop {
        while let Some(one) = robots.finished(false).await {
            match one {
                Ok(s) if s != Sent::default() => tracing::info!("webhooks: {} sent, {} failed", s.delivered, s.failed),
                Ok(_) => {}
                Err(e) => tracing::warn!("webhook delivery failed: {e:#}"),
            }
        }
        if let Err(e) = robots.start_due().await {
            tracing::warn!("cannot look for due webhook deliveries: {e:#}");
        }
        // About hourly.
        if ticks.is_multiple_of(720)
            && let Err(e) = users::prune_login_attempts(&pool).await
        {
            tracing::warn!("cannot prune login attempts: {e:#}");
        }
        ticks += 1;
        let stopping = tokio::select! {
            changed = stop.changed() => changed.is_err() || *stop.borrow(),
            () = tokio::time::sleep(POLL) => false,
        };
        if stopping {
            // A message being sent is recorded as sent before the worker stops (a turn ends at
            // its robot's first refusal, so this waits at most one timeout per robot).
            while robots.finished(true).await.is_some() {}
            return;
        }
    }
}
