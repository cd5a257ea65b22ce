//! Running the server: open the database (starting the private cluster if needed), serve until
//! Ctrl-C or SIGTERM, then close the database and stop the cluster.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_sessions::ExpiredDeletion;
use tower_sessions_sqlx_store::PostgresStore;

use crate::config::Config;
use crate::db::{Database, settings};
use crate::routes;
use crate::web::AppState;
use crate::web::login::DEMO_PASSWORD;
use crate::{demo, jobs};

/// Opens the database the way every command does; a private cluster created just now gets the demo.
pub async fn open_database(config: &Config) -> anyhow::Result<Database> {
    let db = Database::open(config).await?;
    if db.created_now {
        demo::seed(&db.pool).await.context("cannot load the demo dataset")?;
    }
    Ok(db)
}

pub async fn serve(config: Config) -> anyhow::Result<()> {
    let db = open_database(&config).await?;
    let listener = TcpListener::bind(config.addr).await.with_context(|| {
        format!(
            "cannot listen on {} (set ZHUANBAN_ADDR to another address)",
            config.addr
        )
    })?;
    if settings::load(&db.pool).await?.is_demo {
        print_demo_accounts();
    }
    println!(
        "Zhuanban is running at http://{}  (Ctrl-C stops it)",
        listener.local_addr()?
    );

    let sweeper =
        tokio::spawn(PostgresStore::new(db.pool.clone()).continuously_delete_expired(Duration::from_secs(600)));
    let folder = tokio::spawn(fold_changes(db.pool.clone()));
    let (stop, stopped) = watch::channel(false);
    let public_url = config.public_url.clone();
    let state = AppState::new(db.pool.clone(), config);
    let job = tokio::spawn(jobs::recompute::run_forever(
        db.pool.clone(),
        state.runs.clone(),
        stopped.clone(),
    ));
    let outbox = tokio::spawn(jobs::webhooks::run_forever(db.pool.clone(), public_url, stopped));
    let served = axum::serve(
        listener,
        routes::router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await;
    tracing::info!("shutting down");
    sweeper.abort();
    folder.abort();
    let _ = stop.send(true);
    // A run in progress finishes (or the database rolls it back when we stop waiting).
    let _ = tokio::time::timeout(Duration::from_secs(10), job).await;
    // A delivery being sent finishes, or its transaction is rolled back and it is sent later.
    let _ = tokio::time::timeout(Duration::from_secs(10), outbox).await;
    db.close().await?;
    served.context("server error")
}

/// Folds the marks of change every minute (`db::changes::fold`): a busy project's count then sums
/// at most a minute of marks.
async fn fold_changes(pool: sqlx::PgPool) {
    loop {
        tokio::time::sleep(Duration::from_secs(60)).await;
        if let Err(e) = crate::db::changes::fold(&pool).await {
            tracing::warn!("folding the marks of change failed: {e}");
        }
    }
}

fn print_demo_accounts() {
    println!("Demo database (演示数据库). Accounts, each with the password {DEMO_PASSWORD}:");
    for (username, name, role, _) in demo::ACCOUNTS {
        println!("  {username:<10} {:<9} {name}", role.as_str());
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
