//! The one store: PostgreSQL. Opening it means either connecting to `DATABASE_URL` or running the
//! private cluster; either way the embedded migrations are applied before anything else runs.

pub mod attachments;
pub mod audit;
pub mod calendar;
pub mod changes;
pub mod cluster;
pub mod constraint;
pub mod form_keys;
pub mod investment;
pub mod investors;
pub mod items;
pub mod meetings;
pub mod notices;
pub mod notifications;
pub mod pending_imports;
pub mod project_edits;
pub mod projects;
pub mod recompute;
pub mod requests;
pub mod run_view;
pub mod scope;
pub mod seen;
pub mod sessions;
pub mod settings;
pub mod since;
pub mod standings;
pub mod supervision;
pub mod templates;
pub mod todo;
pub mod units;
pub mod users;
pub mod webhooks;

use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgPool};

use crate::config::Config;
use cluster::{Cluster, Durability};

pub struct Database {
    pub pool: PgPool,
    cluster: Option<Cluster>,
    /// True when the private cluster was created by this start: the demo dataset goes in.
    pub created_now: bool,
}

impl Database {
    pub async fn open(config: &Config) -> anyhow::Result<Database> {
        let (options, cluster) = match &config.database_url {
            Some(url) => {
                let options: PgConnectOptions = url.parse().context("DATABASE_URL is not a PostgreSQL URL")?;
                (options, None)
            }
            None => {
                let data_dir = config.data_dir.clone();
                let cluster = tokio::task::spawn_blocking(move || Cluster::open(&data_dir, Durability::Durable))
                    .await?
                    .context("cannot run the private PostgreSQL cluster")?;
                ensure_database(&cluster, cluster::DATABASE).await?;
                (cluster.connect_options(cluster::DATABASE), Some(cluster))
            }
        };
        let pool = pool(options, config.pool_size)
            .await
            .context("cannot connect to the database")?;
        migrate(&pool).await?;
        let created_now = cluster.as_ref().is_some_and(|c| c.created_now);
        Ok(Database {
            pool,
            cluster,
            created_now,
        })
    }

    /// Closes the pool, then stops the private cluster if this process started it.
    pub async fn close(mut self) -> anyhow::Result<()> {
        self.pool.close().await;
        if let Some(mut cluster) = self.cluster.take() {
            tokio::task::spawn_blocking(move || cluster.stop()).await??;
        }
        Ok(())
    }
}

/// How long a pooled connection may sit idle before it is checked before use.
const IDLE_CHECK: Duration = Duration::from_secs(1);

/// Prepared statements kept per connection.
const STATEMENTS_KEPT: usize = 1000;

pub async fn pool(options: PgConnectOptions, size: u32) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(size)
        // Short, so a database outage answers 503 quickly instead of hanging requests.
        .acquire_timeout(Duration::from_secs(3))
        // sqlx pings every connection on release; pinging it again on acquire would add a third
        // round trip to every statement. Only a connection that sat idle (possibly across a
        // database restart) is checked before use.
        .test_before_acquire(false)
        // A connection is kept for as long as it works (sqlx would close each after 30 minutes):
        // a new one starts cold (PostgreSQL's caches, every statement prepared and planned anew,
        // a few milliseconds each), and under load the requests queue behind its warm-up.
        .max_lifetime(None)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > IDLE_CHECK {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        // Every statement of the application stays prepared (and its plan cached) on each
        // connection: there are a few hundred, more than sqlx keeps by default.
        .connect_with(options.statement_cache_capacity(STATEMENTS_KEPT))
        .await
}

/// Applies the embedded migrations and the session store's table.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::migrate!("./migrations")
        .run(pool)
        .await
        .context("cannot apply migrations")?;
    tower_sessions_sqlx_store::PostgresStore::new(pool.clone())
        .migrate()
        .await
        .context("cannot create the session table")?;
    Ok(())
}

/// Creates `name` in the private cluster unless it exists.
pub async fn ensure_database(cluster: &Cluster, name: &str) -> anyhow::Result<()> {
    let mut conn = sqlx::PgConnection::connect_with(&cluster.connect_options("postgres")).await?;
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(name)
        .fetch_one(&mut conn)
        .await?;
    if !exists {
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut conn)
            .await?;
    }
    conn.close().await?;
    Ok(())
}
