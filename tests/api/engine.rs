//! The status engine: recomputation, lists, weekly snapshots, the job, and the pages that read them.

use std::time::Duration;

use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;
use zhuanban::db::{recompute, settings};
use zhuanban::domain::ranking::{self, ItemFacts};
use zhuanban::domain::status::ItemState;
use zhuanban::jobs::recompute::{Attempt, poll_once, run_forever, run_once};

use crate::harness::{TestApp, spawn_demo_app, zh};

const CNNC: &str = "中核南方新材料独居石项目";
const JINZHU: &str = "金竹矿业萤石矿项目";
const QISHENG: &str = "祺胜新材料项目";
const ZHANGYUAN: &str = "章源钨业三期碳化钨粉项目";

async fn today(app: &TestApp) -> NaiveDate {
    settings::load(&app.pool).await.unwrap().today()
}

async fn add_item(app: &TestApp, project: &str, title: &str, deadline: NaiveDate) -> Uuid {
    sqlx::query_scalar(
        "INSERT INTO checklist_items (project_id, title, responsible_unit_id, deadline, original_deadline)
         SELECT p.id, $2, (SELECT id FROM units WHERE code = 'zrzyj'), $3, $3 FROM projects p WHERE p.name = $1
         RETURNING id",
    )
    .bind(project)
    .bind(title)
    .bind(deadline)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn lists(app: &TestApp) -> (Vec<String>, Vec<String>) {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT e.list, p.name FROM ranking_entries e JOIN ranking_snapshots s ON s.id = e.snapshot_id
         JOIN projects p ON p.id = e.project_id WHERE s.kind = 'current' AND e.list IS NOT NULL ORDER BY e.list_position",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let of = |l: &str| rows.iter().filter(|(x, _)| x == l).map(|(_, n)| n.clone()).collect();
    (of("red"), of("black"))
}

#[tokio::test]
async fn the_demo_shows_both_lists_and_every_colour() {
    let app = spawn_demo_app().await;
    let run = run_once(&app.pool, None)
        .await
        .unwrap()
        .expect("no other run holds the lock");
    assert_eq!((run.red_items, run.yellow_items), (3, 2), "{run}");
    let (red, black) = lists(&app).await;
    assert_eq!(red, vec![QISHENG, ZHANGYUAN], "祺胜 100% on time before 章源 5 of 6");
    assert_eq!(black, vec![CNNC, JINZHU], "two red items before one");
    assert!(run.weekly_frozen.is_some(), "the first run freezes last week");
    assert!(run.to_string().starts_with("recomputed as of "));
}

/// The colour rule written once in SQL (`item_colour`, migration 0012) is the domain's, at every
/// boundary: due today, one day late, the last yellow day and the first red one, for several
/// thresholds.
#[tokio::test]
async fn the_sql_colour_rule_is_the_domains() {
    use zhuanban::domain::status::{Thresholds, colour_for_overdue};
    let app = spawn_demo_app().await;
    let day = today(&app).await;
    for red_after in [1i64, 3, 7, 30] {
        let th = Thresholds {
            red_after_days: red_after,
            ..settings::load(&app.pool).await.unwrap().thresholds()
        };
        for late in [
            -30,
            -1,
            0,
            1,
            2,
            red_after - 1,
            red_after,
            red_after + 1,
            red_after + 30,
        ] {
            let deadline = day - chrono::Duration::days(late);
            let sql: String = sqlx::query_scalar("SELECT item_colour($1, $2, $3)")
                .bind(day)
                .bind(deadline)
                .bind(red_after as i32)
                .fetch_one(&app.pool)
                .await
                .unwrap();
            assert_eq!(
                sql,
                colour_for_overdue(late, th).as_str(),
                "{late} days late, red after {red_after}"
            );
        }
    }
}

/// An item's state, deadline, closing day, recording day and exemption's last day.
type FactsRow = (String, NaiveDate, Option<NaiveDate>, NaiveDate, Option<NaiveDate>);

#[tokio::test]
async fn sql_figures_agree_with_the_domain_rules() {
    let app = spawn_demo_app().await;
    let day = today(&app).await;
    // Extra items at the boundaries: due today, 1, 7 and 8 days late, closed late, cancelled.
    for (title, late) in [("边界0", 0), ("边界1", 1), ("边界7", 7), ("边界8", 8)] {
        add_item(&app, QISHENG, title, day - chrono::Duration::days(late)).await;
    }
    // Closed while red (the clean week: 6 and 7 days ago) or yellow, and due at the period's first day.
    for (title, deadline, closed) in [
        ("红办6", 20, 6),
        ("红办7", 20, 7),
        ("黄办", 5, 1),
        ("期初", 55, 50),
        ("期前", 56, 50),
    ] {
        let id = add_item(&app, QISHENG, title, day - chrono::Duration::days(deadline)).await;
        sqlx::query(
            "UPDATE checklist_items SET state = 'done', closing_note = '已办', closed_on = $2, closed_at = $2::timestamptz,
                 created_at = now() - interval '90 days'
             WHERE id = $1",
        )
        .bind(id)
        .bind(day - chrono::Duration::days(closed))
        .execute(&app.pool)
        .await
        .unwrap();
    }
    // Exempt through a day between the dates compared: left out, then counted again.
    let exempt = add_item(&app, QISHENG, "豁免", day - chrono::Duration::days(20)).await;
    sqlx::query("UPDATE checklist_items SET exempt_until = $2, exempt_reason = '不可抗力' WHERE id = $1")
        .bind(exempt)
        .bind(day + chrono::Duration::days(3))
        .execute(&app.pool)
        .await
        .unwrap();
    let s = settings::load(&app.pool).await.unwrap();
    for as_of in [day, day - chrono::Duration::days(40), day + chrono::Duration::days(9)] {
        let mut conn = app.pool.acquire().await.unwrap();
        let sql = recompute::standings(&mut conn, as_of, s.thresholds(), &s.time_zone, s.red_rule())
            .await
            .unwrap();
        for standing in &sql {
            let facts: Vec<FactsRow> = sqlx::query_as(
                "SELECT state, deadline, closed_on, (created_at AT TIME ZONE 'Asia/Shanghai')::date, exempt_until
                 FROM checklist_items WHERE project_id = $1",
            )
            .bind(standing.key.1)
            .fetch_all(&app.pool)
            .await
            .unwrap();
            let facts: Vec<ItemFacts> = facts
                .into_iter()
                .map(|(state, deadline, closed_on, created_on, exempt_until)| ItemFacts {
                    state: ItemState::parse(&state).unwrap(),
                    deadline,
                    closed_on,
                    created_on,
                    exempt_until,
                })
                .collect();
            assert_eq!(
                standing.figures,
                ranking::figures(&facts, as_of, s.thresholds(), s.red_rule()),
                "{} as of {as_of}",
                standing.name
            );
        }
    }
}

#[tokio::test]
async fn lateness_moves_colours_and_lists_and_closing_moves_them_back() {
    let app = spawn_demo_app().await;
    let day = today(&app).await;
    run_once(&app.pool, None).await.unwrap();
    let frozen: Vec<(Uuid, i32, i32)> = sqlx::query_as(
        "SELECT e.task_force_id, e.red, e.yellow FROM ranking_entries e JOIN ranking_snapshots s ON s.id = e.snapshot_id
         WHERE s.kind = 'weekly' ORDER BY 1",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();

    let yesterday = add_item(&app, QISHENG, "昨天到期的事项", day - chrono::Duration::days(1)).await;
    run_once(&app.pool, None).await.unwrap();
    let colour: Option<String> = sqlx::query_scalar("SELECT colour FROM item_status WHERE item_id = $1")
        .bind(yesterday)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(colour.as_deref(), Some("yellow"));
    let (red, _) = lists(&app).await;
    assert_eq!(red, vec![ZHANGYUAN], "a yellow item takes 祺胜 off the red list");

    let late = add_item(&app, QISHENG, "逾期八天的事项", day - chrono::Duration::days(8)).await;
    run_once(&app.pool, None).await.unwrap();
    let (_, black) = lists(&app).await;
    assert!(black.contains(&QISHENG.to_string()), "{black:?}");

    for id in [late, yesterday] {
        sqlx::query(
            "UPDATE checklist_items SET state = 'done', closing_note = '已办', closed_on = $2, closed_at = now(),
                 version = version + 1 WHERE id = $1",
        )
        .bind(id)
        .bind(day)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    run_once(&app.pool, None).await.unwrap();
    let (_, black) = lists(&app).await;
    assert!(
        !black.contains(&QISHENG.to_string()),
        "closing moves it off the black list"
    );
    let still: Vec<(Uuid, i32, i32)> = sqlx::query_as(
        "SELECT e.task_force_id, e.red, e.yellow FROM ranking_entries e JOIN ranking_snapshots s ON s.id = e.snapshot_id
         WHERE s.kind = 'weekly' ORDER BY 1",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(frozen, still, "last week's snapshot stays as it was");
}

#[tokio::test]
async fn only_one_instance_computes_at_a_time() {
    let app = spawn_demo_app().await;
    let mut other = app.pool.begin().await.unwrap();
    assert!(recompute::try_lock(&mut other).await.unwrap());
    assert!(
        run_once(&app.pool, None).await.unwrap().is_none(),
        "the second instance backs off"
    );
    let runs: i64 = sqlx::query_scalar("SELECT count(*) FROM recompute_runs")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(runs, 0);
    other.rollback().await.unwrap();
    assert!(run_once(&app.pool, None).await.unwrap().is_some());
}

#[tokio::test]
async fn the_job_follows_a_change_within_seconds() {
    let app = spawn_demo_app().await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let job = tokio::spawn(run_forever(app.pool.clone(), app.runs.clone(), stopped));
    let day = today(&app).await;
    // Wait for the first run, then change something and watch the colour follow.
    within_seconds(|| async { runs(&app).await > 0 }).await;
    let id = add_item(&app, QISHENG, "刚录入的逾期事项", day - chrono::Duration::days(10)).await;
    let mut colour = None;
    for _ in 0..300 {
        colour = sqlx::query_scalar::<_, Option<String>>("SELECT colour FROM item_status WHERE item_id = $1")
            .bind(id)
            .fetch_optional(&app.pool)
            .await
            .unwrap()
            .flatten();
        if colour.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let runs = runs(&app).await;
    assert_eq!(
        colour.as_deref(),
        Some("red"),
        "recomputed within seconds of the change ({runs} runs)"
    );
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(30), job)
        .await
        .expect("the job stops when told")
        .unwrap();
}

/// The health check's body.
async fn health(app: &TestApp) -> String {
    reqwest::get(format!("{}/healthz", app.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn runs(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM recompute_runs")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Waits up to five seconds for `done`.
/// Whether `done` comes true within half a minute (a loaded machine is slow; a passing run waits
/// only as long as it takes).
async fn within_seconds<F: AsyncFn() -> bool>(done: F) -> bool {
    for _ in 0..300 {
        if done().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn the_minutes_poll_computes_only_when_something_changed() {
    let app = spawn_demo_app().await;
    // Before any run, the poll computes.
    assert!(matches!(poll_once(&app.pool).await.unwrap(), Attempt::Ran(_)));
    assert_eq!(runs(&app).await, 1);
    // Nothing changed: it only notes that it looked, which keeps the health check and the
    // dashboard from calling the colours stale.
    sqlx::query("UPDATE recompute_runs SET started_at = started_at - interval '1 hour'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(matches!(poll_once(&app.pool).await.unwrap(), Attempt::Unchanged));
    assert_eq!(runs(&app).await, 1);
    let health = health(&app).await;
    assert!(health.contains("recompute: ok"), "{health}");
    // A change (a checklist item, a project, a request: anything that wakes the engine) is computed.
    let day = today(&app).await;
    let id = add_item(&app, QISHENG, "轮询发现的逾期事项", day - chrono::Duration::days(10)).await;
    assert!(matches!(poll_once(&app.pool).await.unwrap(), Attempt::Ran(_)));
    let colour: Option<String> = sqlx::query_scalar("SELECT colour FROM item_status WHERE item_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(colour.as_deref(), Some("red"));
    sqlx::query("UPDATE projects SET name = name || '（改名）' WHERE name = $1")
        .bind(QISHENG)
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(matches!(poll_once(&app.pool).await.unwrap(), Attempt::Ran(_)));
    assert!(matches!(poll_once(&app.pool).await.unwrap(), Attempt::Unchanged));
    // A run by hand (the command, a test) always computes.
    assert!(run_once(&app.pool, None).await.unwrap().is_some());
    assert_eq!(runs(&app).await, 4);
}

#[tokio::test]
async fn the_job_runs_when_its_listener_was_cut_off_and_not_otherwise() {
    let app = spawn_demo_app().await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let job = tokio::spawn(run_forever(app.pool.clone(), app.runs.clone(), stopped));
    let listening = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap()
            == 1
    };
    assert!(within_seconds(|| async { runs(&app).await == 1 && listening().await }).await);
    // Nothing changes: nothing runs.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(runs(&app).await, 1);
    // Its connection cut, the job cannot know what it missed: it runs, and listens again.
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(
        within_seconds(|| async { runs(&app).await == 2 }).await,
        "ran after losing its listener"
    );
    assert!(within_seconds(listening).await, "listens again");
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(30), job)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn a_week_is_frozen_once() {
    let app = spawn_demo_app().await;
    run_once(&app.pool, None).await.unwrap();
    let first = zhuanban::jobs::recompute::freeze_this_week(&app.pool, None)
        .await
        .unwrap();
    assert!(first.is_some());
    let second = zhuanban::jobs::recompute::freeze_this_week(&app.pool, None)
        .await
        .unwrap();
    assert!(second.is_none(), "the week already has its snapshot");
    let runs_again = run_once(&app.pool, None).await.unwrap().unwrap();
    assert!(runs_again.weekly_frozen.is_none());
}

#[tokio::test]
async fn the_dashboard_shows_counts_lists_and_charts_with_words() {
    let app = spawn_demo_app().await;
    run_once(&app.pool, None).await.unwrap();
    let official = app.demo_login("official").await;
    let home = official.get("/").await;
    assert_eq!(home.headers()["location"], "/dashboard");
    let (status, body) = official.get_text("/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains(zh().standings.dashboard_title)
            && body.contains(zh().standings.red_list)
            && body.contains(zh().standings.black_list)
    );
    assert!(
        body.contains("伴生放射性监测方案备案") && body.contains("逾期 20 天"),
        "red items with their lateness"
    );
    assert!(
        body.contains("<svg")
            && body.contains("<title id=\"trend-title\">")
            && body.contains(zh().standings.dash_trend)
    );
    assert!(
        body.contains(zh().columns.col_filed_to_production) && body.contains("37 天"),
        "measured durations"
    );
    assert!(body.contains("26.5亿元"), "investment by stage");
    for user in ["lead", "member", "investor"] {
        assert_eq!(
            app.demo_login(user).await.get("/dashboard").await.status(),
            StatusCode::FORBIDDEN,
            "{user}"
        );
    }
}

#[tokio::test]
async fn the_rankings_page_explains_the_rule_and_keeps_past_weeks() {
    let app = spawn_demo_app().await;
    let run = run_once(&app.pool, None).await.unwrap().unwrap();
    let member = app.demo_login("member").await;
    let (status, body) = member.get_text("/rankings").await;
    assert_eq!(status, StatusCode::OK);
    // The rule with memory, written out with its settings.
    let rule = zh().red_rule(Some(zhuanban::domain::ranking::RedRule::DEFAULT), 3);
    assert!(
        rule.contains("近 8 周内至少有 3 项") && rule.contains("不低于 90%"),
        "{rule}"
    );
    assert!(body.contains(&rule) && body.contains(zh().columns.col_overdue_total));
    assert!(body.contains("黑榜第 1 名") && body.contains("红榜第 1 名"));
    assert!(
        body.contains("市生态环境局崇义分局"),
        "the unit view names who holds red items"
    );
    let week = run.weekly_frozen.unwrap();
    assert!(body.contains(&format!("/rankings?week={week}")));
    let (status, past) = member.get_text(&format!("/rankings?week={week}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(past.contains(&format!("截至 {week}")));
    let run_line = zh().standings.last_run.split('{').next().unwrap();
    assert!(
        body.contains(run_line) && !past.contains(run_line),
        "a frozen week has no live run line"
    );
    assert_eq!(
        member.get("/rankings?week=1999-01-01").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.demo_login("investor").await.get("/rankings").await.status(),
        StatusCode::FORBIDDEN
    );
    let project = app.project_id(CNNC).await;
    let (_, page) = member.get_text(&format!("/projects/{project}")).await;
    assert!(
        page.contains(zh().projects.project_figures) && page.contains("黑榜第 1 名"),
        "a task force's place on its page"
    );
}

#[tokio::test]
async fn since_last_week_lists_what_changed() {
    let app = spawn_demo_app().await;
    run_once(&app.pool, None).await.unwrap();
    let day = today(&app).await;
    add_item(&app, QISHENG, "上周之后新增的事项", day - chrono::Duration::days(9)).await;
    run_once(&app.pool, None).await.unwrap();
    let (status, body) = app.demo_login("official").await.get_text("/since").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(zh().standings.since_title) && body.contains("上周之后新增的事项"));
    assert!(body.contains("新增") && body.contains("转为红色"));
}

#[tokio::test]
async fn settings_are_for_admins_and_take_effect_at_the_next_run() {
    let app = spawn_demo_app().await;
    run_once(&app.pool, None).await.unwrap();
    assert_eq!(
        app.demo_login("official").await.get("/settings").await.status(),
        StatusCode::FORBIDDEN
    );
    let admin = app.demo_login("admin").await;
    let (status, form) = admin.get_text("/settings").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("value=\"7\"") && form.contains("Asia/Shanghai"));
    let fields = |red_after: &'static str, tz: &'static str| {
        vec![
            ("red_after_days", red_after),
            ("due_soon_days", "3"),
            ("red_list_size", "3"),
            ("red_min_due", "3"),
            ("red_min_rate", "90"),
            ("ranking_weeks", "8"),
            ("ranking_method", "0"),
            ("score_red_item", "10"),
            ("score_overdue_day", "1"),
            ("score_overdue_cap", "30"),
            ("score_late_request", "5"),
            ("score_late_order", "5"),
            ("score_on_time_item", "2"),
            ("score_investment_ahead", "5"),
            ("time_zone", tz),
            ("request_triage_days", "2"),
            ("request_resolve_days", "5"),
            ("session_idle_minutes", "30"),
            ("session_max_hours", "12"),
            ("county_name", "崇义县"),
            ("notice_issuer", "崇义县项目专班办公室"),
            ("import_max_rows", "2000"),
            ("report_due_day", "5"),
            ("investment_yellow_points", "10"),
            ("investment_red_points", "30"),
            ("investment_colour", "1"),
            ("public_disclosure", "0"),
        ]
    };
    let bad = admin.submit("/settings", &fields("999", "Mars/Olympus")).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = bad.text().await.unwrap();
    assert!(
        body.contains("应为 0 到 365 之间的整数") && body.contains("Olympus"),
        "{body}"
    );
    let ok = admin.submit("/settings", &fields("2", "Asia/Shanghai")).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let (_, shown) = admin.get_text(ok.headers()["location"].to_str().unwrap()).await;
    let said = zhuanban::domain::done::Flash::one(zhuanban::domain::done::Done::SettingsSaved);
    assert!(
        shown.contains(&crate::harness::zh().flash(said)),
        "said on the settings page"
    );
    let limit: i32 = sqlx::query_scalar("SELECT import_max_rows FROM settings")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(limit, 2000, "the import row limit is a setting");
    let run = run_once(&app.pool, None).await.unwrap().unwrap();
    assert_eq!(
        (run.red_items, run.yellow_items),
        (5, 0),
        "the 3- and 4-day-late items are red after 2 days"
    );
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'settings.update'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn the_api_gives_rankings_and_dashboard_counts() {
    let app = spawn_demo_app().await;
    run_once(&app.pool, None).await.unwrap();
    let official = app.demo_login("official").await;
    let r: Value = official.get("/api/v1/rankings").await.json().await.unwrap();
    assert_eq!(r["source"], "live");
    let black: Vec<&str> = r["black_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(black, vec![CNNC, JINZHU]);
    assert_eq!(r["black_list"][0]["red"], 2);
    assert_eq!(r["red_list"][0]["rate"], 1.0);
    let past: Value = official
        .get("/api/v1/rankings?as_of=2020-01-01")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(past["source"], "computed");
    assert_eq!(past["black_list"].as_array().unwrap().len(), 0, "nothing existed yet");
    assert_eq!(
        official.get("/api/v1/rankings?as_of=someday").await.status(),
        StatusCode::BAD_REQUEST
    );
    let d: Value = official.get("/api/v1/dashboard").await.json().await.unwrap();
    assert_eq!(d["projects_by_colour"]["red"], 2);
    assert_eq!(d["red_items"], 3);
    let investor = app.demo_login("investor").await;
    assert_eq!(investor.get("/api/v1/rankings").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(investor.get("/api/v1/dashboard").await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn healthz_reports_whether_the_job_runs() {
    let app = spawn_demo_app().await;
    let before = health(&app).await;
    assert!(before.contains("recompute: not run yet"), "{before}");
    run_once(&app.pool, None).await.unwrap();
    let after = health(&app).await;
    assert!(after.contains("recompute: ok"), "{after}");
    sqlx::query("UPDATE recompute_runs SET started_at = started_at - interval '1 hour'")
        .execute(&app.pool)
        .await
        .unwrap();
    let stale = health(&app).await;
    assert!(stale.contains("recompute: stale"), "{stale}");
}

/// Closes an item on `closed`, done.
async fn close_on(app: &TestApp, item: Uuid, closed: NaiveDate) {
    sqlx::query(
        "UPDATE checklist_items SET state = 'done', closing_note = '已办', closed_on = $2,
             closed_at = $2::timestamp AT TIME ZONE 'Asia/Shanghai'
         WHERE id = $1",
    )
    .bind(item)
    .bind(closed)
    .execute(&app.pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_red_list_honours_delivery_over_the_period_and_a_clean_week() {
    let app = spawn_demo_app().await;
    let day = today(&app).await;
    let ago = |n| day - chrono::Duration::days(n);
    // 祺胜 closes eight more of the period's matters a day late: 4 of 12 on time (33%), nothing
    // open, and no longer honoured.
    for n in 0..8 {
        let item = add_item(&app, QISHENG, &format!("晚一天{n}"), ago(30 - n)).await;
        close_on(&app, item, ago(29 - n)).await;
    }
    // 金竹 closes its red items today, late: off the black list, and not honoured this week.
    let late: Vec<Uuid> = sqlx::query_scalar(
        "SELECT i.id FROM checklist_items i JOIN projects p ON p.id = i.project_id
         WHERE p.name = $1 AND i.state = 'open' AND i.deadline < $2",
    )
    .bind(JINZHU)
    .bind(day)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(!late.is_empty());
    for item in late {
        close_on(&app, item, day).await;
    }
    run_once(&app.pool, None).await.unwrap();
    let (red, black) = lists(&app).await;
    assert_eq!(red, vec![ZHANGYUAN], "33% on time is not honour");
    assert!(!black.contains(&JINZHU.to_string()) && !red.contains(&JINZHU.to_string()));
    let s = settings::load(&app.pool).await.unwrap();
    let recently_red = |as_of: NaiveDate| {
        let (pool, s) = (app.pool.clone(), &s);
        async move {
            let mut conn = pool.acquire().await.unwrap();
            let all = recompute::standings(&mut conn, as_of, s.thresholds(), &s.time_zone, s.red_rule())
                .await
                .unwrap();
            all.into_iter().find(|t| t.name == JINZHU).unwrap().figures.recently_red
        }
    };
    assert!(recently_red(ago(0)).await >= 1, "closed red today");
    assert!(recently_red(day + chrono::Duration::days(6)).await >= 1, "six days on");
    assert_eq!(
        recently_red(day + chrono::Duration::days(7)).await,
        0,
        "a whole week on"
    );
    // The live snapshot keeps the rule it was computed with.
    let kept: Value = sqlx::query_scalar("SELECT red_rule FROM ranking_snapshots WHERE kind = 'current'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(kept["min_rate_percent"], 90);
    assert_eq!(kept["weeks"], 8);
}

#[tokio::test]
async fn rank_changes_against_last_week_show_on_the_page_in_the_api_and_in_notices() {
    let app = spawn_demo_app().await;
    let day = today(&app).await;
    run_once(&app.pool, None).await.unwrap().unwrap();
    // 祺胜 turns red this week: new on the black list; 中核 keeps last week's first place.
    add_item(&app, QISHENG, "逾期九天的事项", day - chrono::Duration::days(9)).await;
    run_once(&app.pool, None).await.unwrap();
    let official = app.demo_login("official").await;
    let r: Value = official.get("/api/v1/rankings").await.json().await.unwrap();
    let change = |name: &str| {
        r["black_list"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .map(|e| e["rank_change"].clone())
    };
    assert_eq!(change(QISHENG), Some(Value::from("new")), "{r}");
    assert_eq!(change(CNNC), Some(Value::from("0")), "{r}");
    assert_eq!(r["method"]["min_due"], 3);
    let (_, page) = official.get_text("/rankings").await;
    assert!(page.contains(zh().standings.rank_new) && page.contains(zh().standings.rank_same));
    // A notice published now says so too.
    let draft = zhuanban::app::notices::draft(&app.pool, &[app.project_id(QISHENG).await], None)
        .await
        .unwrap();
    assert_eq!(draft.content.black_list[0].rank_change.as_deref(), Some("new"));
}
