//! The public disclosure (亮屏): the latest published lists and the county's figures without login,
//! nothing internal, 404 when turned off, and a limit per address.

use reqwest::StatusCode;

use crate::harness::{TestApp, spawn_demo_app, zh};

/// Every internal text of the demo long enough to be recognised: items and their notes, progress,
/// requests, meetings, and people's names.
async fn internal_texts(app: &TestApp) -> Vec<String> {
    let texts: Vec<String> = sqlx::query_scalar(
        "SELECT t FROM (
             SELECT title AS t FROM checklist_items UNION SELECT note FROM checklist_items
             UNION SELECT closing_note FROM checklist_items UNION SELECT body FROM progress_updates
             UNION SELECT title FROM investor_requests UNION SELECT body FROM investor_requests
             UNION SELECT title FROM meetings UNION SELECT minutes FROM meetings
             UNION SELECT display_name FROM users) x
         WHERE t IS NOT NULL AND char_length(t) >= 3",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(texts.len() > 20, "the demo has internal texts to look for");
    texts
}

#[tokio::test]
async fn the_public_page_shows_last_weeks_lists_and_figures_and_nothing_internal() {
    let app = spawn_demo_app().await;
    app.recompute().await;
    let sessions = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM tower_sessions.session")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    let before = sessions().await;
    let anyone = app.client();
    let r = anyone.get("/public").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "public, max-age=60");
    // A visit without a cookie starts no session: no cookie on a shared answer, no row written.
    assert!(r.headers().get("set-cookie").is_none(), "{:?}", r.headers());
    let r = anyone.get("/public/screen").await;
    assert!(r.headers().get("set-cookie").is_none(), "{:?}", r.headers());
    assert_eq!(sessions().await, before);
    let page = r.text().await.unwrap();
    let t = zh();
    assert!(page.contains(&t.public_title("崇义县")), "{page}");
    assert!(page.contains(t.standings.black_list) && page.contains("中核南方新材料独居石项目"));
    assert!(page.contains(t.standings.public_investment), "the demo has plans");
    let week: chrono::NaiveDate =
        sqlx::query_scalar("SELECT as_of FROM ranking_snapshots WHERE kind = 'weekly' ORDER BY as_of DESC LIMIT 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(page.contains(&t.public_week(&week)), "the latest published week");
    let screen = anyone.get("/public/screen").await.text().await.unwrap();
    assert!(
        screen.contains(r#"class="screen" data-refresh="60""#),
        "it reloads itself (static/app.js)"
    );
    for text in internal_texts(&app).await {
        assert!(
            !page.contains(&text) && !screen.contains(&text),
            "internal text shown: {text}"
        );
    }
    // The login form still gets its token (and with it a session).
    let r = anyone.get("/login").await;
    assert!(r.headers().get("set-cookie").is_some(), "{:?}", r.headers());
    assert_eq!(sessions().await, before + 1);
    // A signed-in official's copy names them: no shared cache may keep it.
    let official = app.demo_login("official").await;
    let r = official.get("/public").await;
    assert_eq!(r.headers()["cache-control"], "private, max-age=60");
}

#[tokio::test]
async fn the_public_pages_are_not_found_when_turned_off() {
    let app = spawn_demo_app().await;
    sqlx::query("UPDATE settings SET public_disclosure = 0")
        .execute(&app.pool)
        .await
        .unwrap();
    let anyone = app.client();
    for path in ["/public", "/public/screen"] {
        assert_eq!(anyone.get(path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let official = app.demo_login("official").await;
    assert_eq!(official.get("/public").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn one_address_asking_too_often_is_told_to_wait() {
    let app = spawn_demo_app().await;
    let anyone = app.client();
    let limit = zhuanban::domain::rate::PUBLIC.requests;
    for n in 0..limit {
        assert_eq!(anyone.get("/public").await.status(), StatusCode::OK, "request {n}");
    }
    let r = anyone.get("/public/screen").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["retry-after"], "60");
    assert!(
        r.text().await.unwrap().contains(zh().error_429.1),
        "the page says to wait"
    );
}
