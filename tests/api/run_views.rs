//! The county pages read what the status engine left: the projects list its per-project figures,
//! the dashboard and rankings each run's results, kept by every instance until the next run.

use chrono::Days;
use reqwest::StatusCode;
use sqlx::postgres::PgListener;
use std::time::Duration;

use crate::harness::{Client, TestApp, serve, spawn_demo_app};

const QISHENG: &str = "祺胜新材料项目";
const CNNC: &str = "中核南方新材料独居石项目";

/// The black list of a page (dashboard or rankings).
fn black_list(body: &str) -> &str {
    let start = body.find("class=\"list black-list\"").expect("a black list");
    let end = body[start..].find("</section>").unwrap() + start;
    &body[start..end]
}

/// The rows of the rankings' table of every task force's figures.
fn figures_rows(body: &str) -> usize {
    let start = body.find("aria-labelledby=\"all\"").expect("the figures table");
    let end = body[start..].find("</section>").unwrap() + start;
    body[start..end].matches("<tr class=\"row-").count()
}

/// Gives the project an item `days` overdue, as a lead would on its checklist.
async fn overdue_item(app: &TestApp, project: &str, title: &str, days: u64) {
    let deadline = app.today().await - Days::new(days);
    sqlx::query(
        "INSERT INTO checklist_items (project_id, title, responsible_unit_id, deadline, original_deadline)
         SELECT p.id, $2, (SELECT id FROM units WHERE code = 'zrzyj'), $3, $3 FROM projects p WHERE p.name = $1",
    )
    .bind(project)
    .bind(title)
    .bind(deadline)
    .execute(&app.pool)
    .await
    .unwrap();
}

async fn status_rows(app: &TestApp) -> Vec<(String, String)> {
    sqlx::query_as("SELECT project_id::text, xmin::text FROM project_status ORDER BY project_id")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_projects_list_shows_the_engines_figures_and_catches_up_after_each_run() {
    let app = spawn_demo_app().await;
    app.recompute().await;
    let official = app.demo_login("official").await;
    let (_, red) = official.get_text("/projects?colour=red").await;
    assert!(!red.contains(QISHENG), "祺胜 is green in the demo");

    overdue_item(&app, QISHENG, "补办林地使用手续", 30).await;
    let (_, red) = official.get_text("/projects?colour=red").await;
    assert!(!red.contains(QISHENG), "the list waits for the engine");
    let qisheng = app.project_id(QISHENG).await;
    let (_, page) = official.get_text(&format!("/projects/{qisheng}")).await;
    assert!(
        page.contains("补办林地使用手续") && page.contains("已逾期 30 天"),
        "the project's own page counts its items now"
    );
    app.recompute().await;
    let (_, red) = official.get_text("/projects?colour=red").await;
    assert!(red.contains(QISHENG) && red.contains("补办林地使用手续"), "{red}");

    // A run that finds nothing new writes nothing.
    let before = status_rows(&app).await;
    app.recompute().await;
    assert_eq!(status_rows(&app).await, before, "unchanged rows are not rewritten");

    // A project with no open item left has no figures row and lists as green (once its
    // investment, 20 points behind the time line in the demo, does not colour it either).
    let cnnc = app.project_id(CNNC).await;
    sqlx::query("DELETE FROM investment_plans WHERE project_id = $1")
        .bind(cnnc)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE checklist_items SET state = 'done', closing_note = '已办', closed_on = $2, closed_at = now()
         WHERE project_id = $1 AND state = 'open'",
    )
    .bind(cnnc)
    .bind(app.today().await)
    .execute(&app.pool)
    .await
    .unwrap();
    app.recompute().await;
    assert!(!status_rows(&app).await.iter().any(|(id, _)| *id == cnnc.to_string()));
    let (_, green) = official.get_text("/projects?colour=green").await;
    assert!(green.contains(CNNC));
}

#[tokio::test]
async fn the_dashboard_and_rankings_follow_each_run_on_every_instance() {
    let app = spawn_demo_app().await;
    app.recompute().await;
    let first = app.demo_login("official").await;
    // A second instance on the same database, with the same session cookie.
    let second = Client {
        base: serve(app.pool.clone()).await,
        http: first.http.clone(),
    };
    for client in [&first, &second] {
        for path in ["/dashboard", "/rankings"] {
            let (status, body) = client.get_text(path).await;
            assert_eq!(status, StatusCode::OK);
            assert!(black_list(&body).contains(CNNC) && !black_list(&body).contains(QISHENG));
        }
    }
    overdue_item(&app, QISHENG, "补办林地使用手续", 40).await;
    overdue_item(&app, QISHENG, "补办取水许可", 40).await;
    overdue_item(&app, QISHENG, "补办排污许可", 40).await;
    let (_, body) = second.get_text("/dashboard").await;
    assert!(
        !black_list(&body).contains(QISHENG),
        "as of the last run until the next"
    );
    app.recompute().await;
    for client in [&first, &second] {
        for path in ["/dashboard", "/rankings"] {
            let (_, body) = client.get_text(path).await;
            let black = black_list(&body);
            let (qisheng, cnnc) = (black.find(QISHENG), black.find(CNNC));
            assert!(
                qisheng.is_some() && qisheng < cnnc,
                "three red items rank before two: {path}"
            );
        }
    }
}

/// The live run's snapshot.
async fn live(app: &TestApp) -> Option<uuid::Uuid> {
    sqlx::query_scalar("SELECT id FROM ranking_snapshots WHERE kind = 'current'")
        .fetch_optional(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_job_leaves_each_run_read_for_its_instances_pages() {
    let app = spawn_demo_app().await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let job = tokio::spawn(zhuanban::jobs::recompute::run_forever(
        app.pool.clone(),
        app.runs.clone(),
        stopped,
    ));
    // No page is asked for in this test: only the job can have put a run's view at hand.
    let mut seen = Vec::new();
    for round in 0..2 {
        let first = wait_for(|| async { live(&app).await.filter(|id| !seen.contains(id)) }).await;
        let kept = wait_for(|| async { app.runs.kept(first).map(|_| ()) }).await;
        assert_eq!(kept, (), "run {round}");
        // The run before stays at hand for the requests that began before this one committed.
        assert!(seen.iter().all(|before| app.runs.kept(*before).is_some()));
        seen.push(first);
        overdue_item(&app, QISHENG, &format!("补办手续 {round}"), 10).await;
    }
    let (_, page) = app.demo_login("official").await.get_text("/dashboard").await;
    assert!(page.contains(QISHENG), "the kept view is the one the pages show");
    stop.send(true).unwrap();
    job.await.unwrap();
}

/// Polls `probe` until it gives something (the job runs on its own time), for at most a minute.
async fn wait_for<T, F, Fut>(probe: F) -> T
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..600 {
        if let Some(found) = probe().await {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("not within a minute");
}

#[tokio::test]
async fn long_lists_and_tables_are_cut_short_with_a_way_to_all_of_them() {
    let app = spawn_demo_app().await;
    sqlx::query(
        "WITH p AS (
             INSERT INTO projects (name, company, stage)
             SELECT '补充项目' || lpad(g::text, 2, '0'), '补充企业' || g, 'signed' FROM generate_series(1, 55) g
             RETURNING id, name),
         f AS (
             INSERT INTO task_forces (project_id, name, leader_name, lead_unit_id)
             SELECT id, name || '专班', '副县长', (SELECT id FROM units WHERE code = 'zrzyj') FROM p)
         INSERT INTO checklist_items (project_id, title, responsible_unit_id, deadline, original_deadline)
         SELECT id, '逾期事项', (SELECT id FROM units WHERE code = 'zrzyj'), $1::date - 30, $1::date - 30 FROM p",
    )
    .bind(app.today().await)
    .execute(&app.pool)
    .await
    .unwrap();
    app.recompute().await;
    let official = app.demo_login("official").await;
    let (_, ranks) = official.get_text("/rankings").await;
    let black = black_list(&ranks);
    assert_eq!(black.matches("<li>").count(), 50);
    assert!(black.contains("共 57 个专班，列出前 50 个"), "{black}");
    assert!(black.contains("href=\"/rankings?black=all#black-list-rank\""));
    let (_, all) = official.get_text("/rankings?black=all").await;
    assert_eq!(black_list(&all).matches("<li>").count(), 57);
    assert!(!black_list(&all).contains("列出前"));
    // The figures of the 60 task forces: the worst 50, and all of them on asking.
    assert_eq!(figures_rows(&ranks), 50);
    assert!(ranks.contains("共 60 个，列出前 50 个") && ranks.contains("href=\"/rankings?tables=all#all\""));
    let (_, tables) = official.get_text("/rankings?tables=all").await;
    assert_eq!(figures_rows(&tables), 60);
    assert!(!tables.contains("共 60 个，列出前"));
    let (_, dashboard) = official.get_text("/dashboard").await;
    let black = black_list(&dashboard);
    assert_eq!(black.matches("<li>").count(), 10);
    assert!(black.contains("共 57 个专班，列出前 10 个"));
}

#[tokio::test]
async fn changes_to_projects_and_requests_wake_the_engine() {
    let app = spawn_demo_app().await;
    let mut listener = PgListener::connect_with(&app.pool).await.unwrap();
    listener.listen("zhuanban_recompute").await.unwrap();
    for change in [
        "UPDATE projects SET stage = 'filed' WHERE name = '祺胜新材料项目'",
        "UPDATE investor_requests SET decline_reason = decline_reason",
    ] {
        sqlx::query(change).execute(&app.pool).await.unwrap();
        let woke = tokio::time::timeout(Duration::from_secs(30), listener.recv()).await;
        assert!(matches!(woke, Ok(Ok(_))), "{change}");
    }
}
