//! Faults: the database stopping under load, the recomputation dying halfway, and two server
//! instances writing to one database.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;
use tokio::sync::watch;
use uuid::Uuid;
use zhuanban::auth::token;
use zhuanban::db::cluster::{Cluster, DATABASE, Durability};
use zhuanban::db::users;
use zhuanban::domain::names::Username;
use zhuanban::jobs::recompute;

use crate::harness::{Client, serve, spawn_demo_app};

const QIXIANG: &str = "祺祥新能源年产2万吨电池级碳酸锂项目";

async fn bearer(pool: &PgPool, username: &str) -> String {
    let t = token::new_api_token();
    users::add_api_token(pool, &Username::parse(username).unwrap(), &token::api_token_hash(&t))
        .await
        .unwrap();
    t
}

async fn open_items(pool: &PgPool, n: i64) -> Vec<Uuid> {
    sqlx::query_scalar("SELECT id FROM checklist_items WHERE state = 'open' ORDER BY id LIMIT $1")
        .bind(n)
        .fetch_all(pool)
        .await
        .unwrap()
}

/// What one request of the load saw.
struct Answer {
    status: u16,
    took: Duration,
    /// The progress text posted, for writes.
    marker: Option<String>,
    body: String,
}

/// With its own cluster: stopping the database must not disturb the other tests. A durable one,
/// since "answered 201" must mean "stored" across the crash (the shared test cluster trades
/// commit durability for speed).
#[tokio::test]
async fn a_database_outage_answers_503_promptly_and_service_resumes_without_a_restart() {
    let dir = std::env::temp_dir().join(format!("zhuanban-outage-{}", std::process::id()));
    let mut cluster = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || Cluster::open(&dir, Durability::Durable)
    })
    .await
    .unwrap()
    .unwrap();
    cluster.stop_when_process_exits(std::process::id()).unwrap();
    zhuanban::db::ensure_database(&cluster, DATABASE).await.unwrap();
    let pool = zhuanban::db::pool(cluster.connect_options(DATABASE), 5).await.unwrap();
    zhuanban::db::migrate(&pool).await.unwrap();
    zhuanban::demo::seed(&pool).await.unwrap();
    let base = serve(pool.clone()).await;
    let api = bearer(&pool, "official").await;
    let items = open_items(&pool, 10).await;
    let browser = Arc::new(Client {
        base: base.clone(),
        http: reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
    });
    assert_eq!(
        browser
            .login("official", zhuanban::web::login::DEMO_PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    // Eight clients: half read pages with the session, half post progress through the API.
    let (stop, stopped) = watch::channel(false);
    let mut load = Vec::new();
    for n in 0..8 {
        let (browser, base, api, stopped) = (browser.clone(), base.clone(), api.clone(), stopped.clone());
        let item = items[n % items.len()];
        load.push(tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap();
            let mut answers = Vec::new();
            let mut i = 0;
            while !*stopped.borrow() {
                i += 1;
                let started = Instant::now();
                let (status, marker, body) = if n % 2 == 0 {
                    let r = browser.get("/projects").await;
                    (r.status().as_u16(), None, r.text().await.unwrap_or_default())
                } else {
                    let marker = format!("outage-{n}-{i}");
                    let r = http
                        .post(format!("{base}/api/v1/items/{item}/updates"))
                        .bearer_auth(&api)
                        .json(&json!({ "body": marker }))
                        .send()
                        .await
                        .unwrap();
                    (r.status().as_u16(), Some(marker), r.text().await.unwrap_or_default())
                };
                answers.push(Answer {
                    status,
                    took: started.elapsed(),
                    marker,
                    body,
                });
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            answers
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut cluster = tokio::task::spawn_blocking(move || {
        cluster.force_stop().unwrap();
        cluster
    })
    .await
    .unwrap();
    let down_at = Instant::now();
    tokio::time::sleep(Duration::from_secs(10)).await;
    let cluster = tokio::task::spawn_blocking(move || {
        cluster.start().unwrap();
        cluster
    })
    .await
    .unwrap();
    let up_after = down_at.elapsed();
    // Service resumes on its own: wait for the first good page, then keep the load a while.
    let resumed = Instant::now();
    loop {
        if browser.get("/projects").await.status() == StatusCode::OK {
            break;
        }
        assert!(resumed.elapsed() < Duration::from_secs(90), "service did not resume");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let _ = stop.send(true);
    let mut answers = Vec::new();
    for task in load {
        answers.extend(task.await.unwrap());
    }

    // Every answer came (well before the clients' 30 s timeout, which would have failed the
    // request: the pool gives up after 3 s) and was either served or a clear 503.
    let slowest = answers.iter().map(|a| a.took).max().unwrap();
    assert!(slowest < Duration::from_secs(25), "a request hung for {slowest:?}");
    for a in &answers {
        assert!(
            matches!(a.status, 200 | 201 | 503),
            "unexpected {} during the outage: {:.200}",
            a.status,
            a.body
        );
        if a.status == 503 {
            let clear = if a.marker.is_some() {
                a.body.contains("\"error\"")
            } else {
                a.body.contains("服务暂不可用")
            };
            assert!(clear, "a clear 503: {:.200}", a.body);
        }
    }
    let unavailable = answers.iter().filter(|a| a.status == 503).count();
    assert!(
        unavailable > 10,
        "the outage of {up_after:?} was seen: {unavailable} answers of 503"
    );
    let last_good = answers.iter().rev().take(8).filter(|a| a.status < 300).count();
    assert!(last_good >= 6, "normal service at the end");
    assert_eq!(
        browser.get("/projects").await.status(),
        StatusCode::OK,
        "the session outlived the outage"
    );

    // Nothing half-applied: each progress update stored has its audit entry, and every one
    // answered 201 is stored.
    let stored: Vec<(String, i64)> = sqlx::query_as(
        "SELECT pu.body, (SELECT count(*) FROM audit_log a WHERE a.action = 'item.progress'
                           AND a.entity_id = pu.item_id AND a.after->>'progress' = pu.body)
         FROM progress_updates pu WHERE pu.body LIKE 'outage-%'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        stored.iter().all(|(_, audits)| *audits == 1),
        "an update without its audit entry"
    );
    for a in answers.iter().filter(|a| a.status == 201) {
        let marker = a.marker.as_deref().unwrap();
        assert!(
            stored.iter().any(|(b, _)| b == marker),
            "{marker} answered 201 but is not stored"
        );
    }
    pool.close().await;
    tokio::task::spawn_blocking(move || drop(cluster)).await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

/// Colours, figures and lists as the pages read them.
type Results = (Vec<(Uuid, Option<String>)>, Vec<(Uuid, String, i32)>, i64);

async fn results(pool: &PgPool) -> Results {
    let colours = sqlx::query_as("SELECT item_id, colour FROM item_status ORDER BY item_id")
        .fetch_all(pool)
        .await
        .unwrap();
    let lists = sqlx::query_as(
        "SELECT e.task_force_id, coalesce(e.list, '-'), coalesce(e.list_position, 0)
         FROM ranking_entries e JOIN ranking_snapshots s ON s.id = e.snapshot_id
         WHERE s.kind = 'current' ORDER BY e.task_force_id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let runs = sqlx::query_scalar("SELECT count(*) FROM recompute_runs")
        .fetch_one(pool)
        .await
        .unwrap();
    (colours, lists, runs)
}

#[tokio::test]
async fn a_recomputation_aborted_or_killed_halfway_leaves_the_previous_results() {
    let app = spawn_demo_app().await;
    recompute::run_once(&app.pool, None).await.unwrap().unwrap();
    let before = results(&app.pool).await;
    // A green item goes 40 days overdue: the next run would make it red and its task force black.
    let qixiang = app.project_id(QIXIANG).await;
    let item: Uuid = sqlx::query_scalar(
        "SELECT i.id FROM checklist_items i JOIN item_status s ON s.item_id = i.id
         WHERE i.project_id = $1 AND s.colour = 'green' LIMIT 1",
    )
    .bind(qixiang)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query("UPDATE checklist_items SET deadline = $2::date - 40 WHERE id = $1")
        .bind(item)
        .bind(app.today().await)
        .execute(&app.pool)
        .await
        .unwrap();

    // Aborted: the run's last statement fails, after colours and lists were written in its transaction.
    sqlx::query(
        "CREATE FUNCTION fail_run() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN RAISE EXCEPTION 'injected failure'; END $$",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("CREATE TRIGGER fail_run BEFORE INSERT ON recompute_runs FOR EACH ROW EXECUTE FUNCTION fail_run()")
        .execute(&app.pool)
        .await
        .unwrap();
    let err = recompute::run_once(&app.pool, None).await.unwrap_err();
    assert!(format!("{err:#}").contains("injected failure"), "{err:#}");
    assert_eq!(results(&app.pool).await, before, "an aborted run changes nothing");
    let lock_free: bool = sqlx::query_scalar(
        "SELECT NOT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database
         WHERE l.locktype = 'advisory' AND d.datname = current_database())",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(lock_free, "an aborted run gives its lock back at once");

    // Killed: the run's session is terminated while it sits in its last statement.
    sqlx::query(
        "CREATE OR REPLACE FUNCTION fail_run() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN PERFORM pg_sleep(120); RETURN NEW; END $$",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let pool = app.pool.clone();
    let run = tokio::spawn(async move { recompute::run_once(&pool, None).await });
    let mut killed = false;
    // A minute at most: the run waits for a pooled connection and does all its work first.
    for _ in 0..600 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        killed = sqlx::query_scalar(
            "SELECT coalesce(bool_or(pg_terminate_backend(pid)), false) FROM pg_stat_activity
             WHERE datname = current_database() AND query LIKE 'INSERT INTO recompute_runs%'",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        if killed {
            break;
        }
    }
    assert!(killed, "the run was caught in its last statement");
    assert!(run.await.unwrap().is_err(), "the killed run reports its failure");
    assert_eq!(results(&app.pool).await, before, "a killed run changes nothing");

    // Once the fault is gone, the next run (the lock died with the session) brings the change.
    sqlx::query("DROP TRIGGER fail_run ON recompute_runs")
        .execute(&app.pool)
        .await
        .unwrap();
    recompute::run_once(&app.pool, None)
        .await
        .unwrap()
        .expect("not locked out");
    let colour: Option<String> = sqlx::query_scalar("SELECT colour FROM item_status WHERE item_id = $1")
        .bind(item)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(colour.as_deref(), Some("red"));
    assert_eq!(results(&app.pool).await.2, before.2 + 1);
}

/// How long the two instances run side by side.
const SIDE_BY_SIDE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn two_instances_on_one_database_lose_no_update_and_recompute_one_at_a_time() {
    let app = spawn_demo_app().await;
    let second_pool = zhuanban::db::pool(app.database_url.parse().unwrap(), 5).await.unwrap();
    let bases = [app.base.clone(), serve(second_pool.clone()).await];
    let (stop, stopped) = watch::channel(false);
    let jobs = [
        tokio::spawn(recompute::run_forever(
            app.pool.clone(),
            app.runs.clone(),
            stopped.clone(),
        )),
        tokio::spawn(recompute::run_forever(
            second_pool.clone(),
            Default::default(),
            stopped.clone(),
        )),
    ];
    let started: chrono::DateTime<chrono::Utc> = sqlx::query_scalar("SELECT now()").fetch_one(&app.pool).await.unwrap();
    let token = bearer(&app.pool, "official").await;
    let contested = open_items(&app.pool, 1).await[0];
    let version_before: i32 = sqlx::query_scalar("SELECT version FROM checklist_items WHERE id = $1")
        .bind(contested)
        .fetch_one(&app.pool)
        .await
        .unwrap();

    // Three writers per instance edit the same item with optimistic locking (re-reading on 409),
    // and post progress; each remembers what it got through.
    let mut writers = Vec::new();
    for w in 0..6 {
        let base = bases[w % 2].clone();
        let token = token.clone();
        writers.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let deadline = Instant::now() + SIDE_BY_SIDE;
            let (mut edits, mut conflicts, mut posts) = (Vec::new(), 0, 0);
            let mut n = 0;
            while Instant::now() < deadline {
                n += 1;
                let item: Value = http
                    .get(format!("{base}/api/v1/items/{contested}"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let title = format!("争抢事项 w{w} n{n}");
                let r = http
                    .patch(format!("{base}/api/v1/items/{contested}"))
                    .bearer_auth(&token)
                    .json(&json!({ "version": item["version"], "title": title }))
                    .send()
                    .await
                    .unwrap();
                match r.status() {
                    StatusCode::OK => edits.push(title),
                    StatusCode::CONFLICT => conflicts += 1,
                    other => panic!("edit answered {other}: {}", r.text().await.unwrap()),
                }
                let r = http
                    .post(format!("{base}/api/v1/items/{contested}/updates"))
                    .bearer_auth(&token)
                    .json(&json!({ "body": format!("进展 w{w} n{n}") }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::CREATED);
                posts += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            (edits, conflicts, posts)
        }));
    }
    let (mut edits, mut conflicts, mut posts) = (Vec::new(), 0, 0);
    for w in writers {
        let (e, c, p) = w.await.unwrap();
        edits.extend(e);
        conflicts += c;
        posts += p;
    }
    let _ = stop.send(true);
    for job in jobs {
        let _ = tokio::time::timeout(Duration::from_secs(10), job).await;
    }

    assert!(conflicts > 0, "the writers did contend ({} edits)", edits.len());
    // No lost update: every accepted edit moved the version by one and left its audit entry.
    let version: i32 = sqlx::query_scalar("SELECT version FROM checklist_items WHERE id = $1")
        .bind(contested)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(version - version_before, edits.len() as i32);
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT after->>'title' FROM audit_log WHERE entity_id = $1 AND action = 'item.update' AND at >= $2",
    )
    .bind(contested)
    .bind(started)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let (mut a, mut b) = (audited.clone(), edits.clone());
    a.sort();
    b.sort();
    assert_eq!(a, b, "each accepted edit audited once, none lost");
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM progress_updates WHERE item_id = $1 AND body LIKE '进展 w%'")
            .bind(contested)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, posts as i64);

    // Recomputations ran, and never two at once.
    let runs: Vec<(chrono::DateTime<chrono::Utc>, i32)> =
        sqlx::query_as("SELECT started_at, duration_ms FROM recompute_runs WHERE started_at >= $1 ORDER BY started_at")
            .bind(started)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert!(runs.len() >= 2, "the jobs ran during the minute: {}", runs.len());
    // Each run is timed from taking the lock to just before its commit.
    for pair in runs.windows(2) {
        let first_end = pair[0].0 + chrono::Duration::milliseconds(i64::from(pair[0].1));
        assert!(first_end <= pair[1].0, "two runs overlapped: {pair:?}");
    }
    second_pool.close().await;
}
