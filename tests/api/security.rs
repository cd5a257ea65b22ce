//! Hostile and broken input, CSRF on every state-changing route, sessions, password change,
//! the hourly cap on failed logins and the security log. `docs/security.md` maps each test to the
//! OWASP ASVS 4.0.3 requirement it covers.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;
use zhuanban::domain::role::Role;

use crate::harness::{Client, PASSWORD, TestApp, session_cookie, spawn_app, spawn_demo_app, zh};

const QIXIANG: &str = "祺祥新能源年产2万吨电池级碳酸锂项目";

/// What attackers and careless pastes send. Each is either stored exactly or refused with a named
/// field; none may cause a 500.
fn hostile() -> Vec<String> {
    vec![
        r#"<script>alert("x")</script>"#.into(),
        "<img src=x onerror=alert(1)>".into(),
        "'; DROP TABLE projects; --".into(),
        "\" OR 1=1 -- %_\\".into(),
        "长".repeat(10_000),
        "坏\0字".into(),
        "🚧👷‍♀️🏗️ 工地".into(),
        "مشروع \u{202E}gpj.exe 项目".into(),
    ]
}

/// A raw, unescaped form of `value` must not appear in a page; for markup the escaped form must.
fn assert_rendered_escaped(page: &str, value: &str, what: &str) {
    if value.contains('<') {
        assert!(!page.contains(value), "{what}: raw markup in the page");
        assert!(
            page.contains("&lt;") || page.contains("&#60;"),
            "{what}: markup escaped"
        );
    }
}

async fn count(app: &TestApp, sql: &str, value: &str) -> i64 {
    sqlx::query_scalar(sql).bind(value).fetch_one(&app.pool).await.unwrap()
}

async fn open_item(app: &TestApp, project: Uuid) -> Uuid {
    sqlx::query_scalar("SELECT id FROM checklist_items WHERE project_id = $1 AND state = 'open' ORDER BY title LIMIT 1")
        .bind(project)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// A form target: the path, its other (valid) fields, the hostile field, and how to find it stored.
struct Target {
    path: String,
    fields: Vec<(&'static str, String)>,
    field: &'static str,
    stored: &'static str,
}

#[tokio::test]
async fn hostile_text_in_forms_is_stored_exactly_rendered_escaped_and_never_a_500() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let qixiang = app.project_id(QIXIANG).await;
    let tomorrow = format!("{}T09:00", app.today().await + chrono::Duration::days(2));
    let project = |field| Target {
        path: "/projects".into(),
        fields: vec![
            ("name", "项目".into()),
            ("company", "公司".into()),
            ("stage", "signed".into()),
            ("leader_name", "副县长".into()),
            ("lead_unit", "gxj".into()),
        ],
        field,
        stored: match field {
            "name" => "SELECT count(*) FROM projects WHERE name = $1",
            "company" => "SELECT count(*) FROM projects WHERE company = $1",
            "park" => "SELECT count(*) FROM projects WHERE park = $1",
            _ => "SELECT count(*) FROM task_forces WHERE leader_name = $1",
        },
    };
    let mut targets = vec![
        project("name"),
        project("company"),
        project("park"),
        project("leader_name"),
        Target {
            path: format!("/projects/{qixiang}/items"),
            fields: vec![
                ("responsible_unit", "zrzyj".into()),
                ("deadline", "2026-12-31".into()),
                ("category", "land".into()),
            ],
            field: "title",
            stored: "SELECT count(*) FROM checklist_items WHERE title = $1",
        },
        Target {
            path: "/meetings".into(),
            fields: vec![("kind", "special".into()), ("starts_at", tomorrow)],
            field: "title",
            stored: "SELECT count(*) FROM meetings WHERE title = $1",
        },
    ];
    let item = open_item(&app, qixiang).await;
    targets.push(Target {
        path: format!("/items/{item}/updates"),
        fields: vec![],
        field: "body",
        stored: "SELECT count(*) FROM progress_updates WHERE body = $1",
    });
    for target in &targets {
        for value in hostile() {
            let mut fields: Vec<(&str, &str)> = target.fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            // Project names must be unique: the hostile value is the name, or makes it unique.
            let unique_name = format!("项目{}", Uuid::new_v4());
            if target.path == "/projects" && target.field != "name" {
                fields.retain(|(k, _)| *k != "name");
                fields.push(("name", unique_name.as_str()));
            }
            fields.retain(|(k, _)| *k != target.field);
            fields.push((target.field, value.as_str()));
            let r = official.submit(&target.path, &fields).await;
            let status = r.status();
            let what = format!("{} {} = {:.40?}", target.path, target.field, value);
            assert!(
                status == StatusCode::SEE_OTHER || status == StatusCode::UNPROCESSABLE_ENTITY,
                "{what}: {status}"
            );
            if status == StatusCode::SEE_OTHER {
                assert_eq!(count(&app, target.stored, &value).await, 1, "{what}: stored exactly");
                let shown = r.headers()["location"].to_str().unwrap().to_string();
                let (page_status, page) = official.get_text(&shown).await;
                assert_eq!(page_status, StatusCode::OK, "{what}");
                assert_rendered_escaped(&page, &value, &what);
                if value.chars().count() < 300 && !value.contains('<') && !value.contains('"') && !value.contains('\'')
                {
                    assert!(page.contains(&value), "{what}: shown as typed");
                }
            } else {
                let page = r.text().await.unwrap();
                assert!(page.contains("field-error"), "{what}: the field is named");
                assert_rendered_escaped(&page, &value, &what);
            }
        }
    }
    // Filters and searches take anything too (URLs are kept under the 8 KB servers accept).
    for value in hostile() {
        let value: String = value.chars().take(1000).collect();
        let q = zhuanban::web::context::urlencode(&value);
        let (status, page) = official.get_text(&format!("/projects?q={q}&stage={q}&sort={q}")).await;
        assert!(
            status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
            "{status}"
        );
        assert_rendered_escaped(&page, &value, "projects search");
    }
    // The login form too: the username comes back escaped, never a 500.
    for value in hostile() {
        let r = app.client().login(&value, &value).await;
        assert!(r.status().is_client_error(), "login {:.40?}: {}", value, r.status());
        assert_rendered_escaped(&r.text().await.unwrap(), &value, "login");
    }
}

#[tokio::test]
async fn hostile_text_through_the_api_is_stored_exactly_or_a_json_422() {
    let app = spawn_demo_app().await;
    let token = app.bearer("official").await;
    let http = reqwest::Client::new();
    let qixiang = app.project_id(QIXIANG).await;
    let item = open_item(&app, qixiang).await;
    for value in hostile() {
        let calls = [
            (
                format!("/api/v1/projects/{qixiang}/items"),
                json!({"title": value, "responsible_unit": "zrzyj", "deadline": "2026-12-31", "note": value}),
                "SELECT count(*) FROM checklist_items WHERE title = $1",
            ),
            (
                format!("/api/v1/items/{item}/updates"),
                json!({"body": value}),
                "SELECT count(*) FROM progress_updates WHERE body = $1",
            ),
            (
                "/api/v1/units".to_string(),
                json!({"code": format!("h{}", &Uuid::new_v4().simple().to_string()[..8]), "name": value}),
                "SELECT count(*) FROM units WHERE name = $1",
            ),
        ];
        for (path, body, stored) in calls {
            let r = http
                .post(format!("{}{path}", app.base))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = r.status();
            let what = format!("{path} {:.40?}", value);
            let answer: Value = r.json().await.unwrap_or_else(|_| panic!("{what}: a JSON body"));
            match status {
                StatusCode::CREATED | StatusCode::OK => {
                    assert_eq!(count(&app, stored, &value).await, 1, "{what}: stored exactly");
                }
                StatusCode::UNPROCESSABLE_ENTITY => {
                    assert_eq!(answer["error"], "validation", "{what}");
                    assert!(answer["fields"].as_object().is_some_and(|f| !f.is_empty()), "{what}");
                }
                other => panic!("{what}: {other} {answer}"),
            }
        }
    }
    // Read back through the API, text is JSON-escaped data, never altered.
    let (status, list): (StatusCode, Value) = {
        let r = http
            .get(format!("{}/api/v1/projects/{qixiang}/items", app.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap())
    };
    assert_eq!(status, StatusCode::OK);
    assert!(list.to_string().contains(r#"<script>alert(\"x\")</script>"#));
}

/// A state-changing request without the session's token, or with another session's, changes
/// nothing: every such route of the pages.
#[tokio::test]
async fn every_state_changing_form_refuses_a_missing_or_foreign_token() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let admin = app.demo_login("admin").await;
    let stranger = app.demo_login("lead").await;
    let foreign = stranger.csrf_token().await;
    let qixiang = app.project_id(QIXIANG).await;
    let item = open_item(&app, qixiang).await;
    let meeting: Uuid = sqlx::query_scalar("SELECT id FROM meetings ORDER BY starts_at LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let audit_before: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let paths = [
        "/logout".to_string(),
        "/account/password".into(),
        "/projects".into(),
        format!("/projects/{qixiang}/edit"),
        format!("/projects/{qixiang}/stage"),
        format!("/projects/{qixiang}/items"),
        format!("/items/{item}/edit"),
        format!("/items/{item}/updates"),
        format!("/items/{item}/close"),
        format!("/items/{item}/reopen"),
        format!("/items/{item}/cancel"),
        "/calendar".into(),
        "/calendar/revoke".into(),
        "/meetings".into(),
        format!("/meetings/{meeting}/record"),
        format!("/meetings/{meeting}/decisions"),
        format!("/meetings/{meeting}/publish"),
        format!("/meetings/{meeting}/points"),
        format!("/meetings/{meeting}/points/move"),
        "/notices".into(),
        "/rankings/freeze".into(),
        "/settings".into(),
    ];
    for path in &paths {
        let client = if path == "/settings" { &admin } else { &official };
        let fields = [("title", "伪造"), ("body", "伪造"), ("text", "伪造"), ("version", "1")];
        let missing = client.post_form(path, &fields).await;
        assert_eq!(missing.status(), StatusCode::FORBIDDEN, "{path} without a token");
        let mut with_foreign = vec![("csrf_token", foreign.as_str())];
        with_foreign.extend_from_slice(&fields);
        let r = client.post_form(path, &with_foreign).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path} with another session's token");
        assert!(
            r.text().await.unwrap().contains("表单已过期"),
            "{path}: the page says why"
        );
        // The token also travels as a header for scripts; a wrong one is refused the same.
        let r = client
            .http
            .post(format!("{}{path}", client.base))
            .header("x-csrf-token", &foreign)
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path} with a foreign header token");
        // Labelled JSON and sent without an Origin header, as a script would: a form route
        // checks the token all the same, whatever the body holds.
        for body in [
            r#"{"title":"伪造","body":"伪造","text":"伪造"}"#,
            "title=伪造&body=伪造&text=伪造",
        ] {
            let r = client
                .http
                .post(format!("{}{path}", client.base))
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path} as JSON without a token");
        }
    }
    // With the session's own token a form route still takes forms only.
    let own = official.csrf_token().await;
    let r = official
        .http
        .post(format!("{}/items/{item}/updates", official.base))
        .header("content-type", "application/json")
        .header("x-csrf-token", &own)
        .body("body=伪造")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let audit_after: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(audit_before, audit_after, "nothing changed");
    assert!(
        official.get_text("/projects").await.1.contains(zh().nav_logout),
        "still signed in"
    );
}

#[tokio::test]
async fn oversized_bodies_are_413_malformed_json_400_and_wrong_types_415_with_json_errors() {
    let app = spawn_demo_app().await;
    let token = app.bearer("official").await;
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/units", app.base);
    let big = format!(r#"{{"code":"big","name":"{}"}}"#, "x".repeat(2 * 1024 * 1024));
    let r = http
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Streamed without a length, the limit still holds.
    let auth = format!("Bearer {token}");
    let (status, answer) = post_chunked(
        &app.base,
        "/api/v1/units",
        &[("Authorization", &auth), ("Content-Type", "application/json")],
        big.as_bytes(),
    )
    .await;
    assert_eq!(status, 413, "{answer:.300}");
    assert!(answer.contains("\"error\""), "a JSON error: {answer:.300}");

    let r = http
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(r#"{"code": "x1", "name": "#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "bad_request");
    assert!(
        body["message"].as_str().unwrap().len() > 5,
        "says what is wrong: {body}"
    );

    let r = http
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body(r#"{"code": "x1", "name": "某局"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "unsupported_media_type");

    // A page form past the limit, streamed so no length announces it.
    let official = app.demo_login("official").await;
    let token = official.csrf_token().await;
    let form = format!("csrf_token={token}&body={}", "x".repeat(2 * 1024 * 1024));
    let item = open_item(&app, app.project_id(QIXIANG).await).await;
    let r = official
        .http
        .post(format!("{}/items/{item}/updates", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.text().await.unwrap().contains("内容过大"), "the error page says why");
    let (status, _) = post_chunked(
        &app.base,
        &format!("/items/{item}/updates"),
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    )
    .await;
    assert_eq!(status, 413, "not mistaken for a bad form token");
}

/// Posts `body` with `Transfer-Encoding: chunked` (no length announced) over a raw connection,
/// returning the status and the response head and body as text.
async fn post_chunked(base: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let mut head =
        format!("POST {path} HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    for chunk in body.chunks(64 * 1024) {
        // The server may answer and close before the whole body is sent.
        if stream
            .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .await
            .is_err()
            || stream.write_all(chunk).await.is_err()
            || stream.write_all(b"\r\n").await.is_err()
        {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer).to_string();
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, answer)
}

async fn change_password(
    client: &Client,
    current: &str,
    new: &str,
    again: &str,
    end_others: bool,
) -> reqwest::Response {
    let mut fields = vec![("current", current), ("new", new), ("again", again)];
    if end_others {
        fields.push(("end_others", "1"));
    }
    client.submit("/account/password", &fields).await
}

async fn signed_in(client: &Client) -> bool {
    client.get_text("/projects").await.1.contains(zh().nav_logout)
}

#[tokio::test]
async fn a_password_change_needs_the_old_password_and_twelve_characters() {
    let app = spawn_app().await;
    app.add_user("wang", Role::Official, None, &[]).await;
    let client = app.login("wang").await;
    let (status, page) = client.get_text("/account/password").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(zh().account.password_current) && page.contains("name=\"end_others\""));

    let r = change_password(
        &client,
        "not-my-password",
        "a-new-long-password",
        "a-new-long-password",
        false,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("当前密码不正确"));
    assert!(!page.contains("a-new-long-password"), "passwords are never sent back");

    let r = change_password(&client, PASSWORD, "short-pw", "short-pw", false).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("至少需要12个字符"));

    let r = change_password(&client, PASSWORD, "a-new-long-password", "a-new-long-passw0rd", false).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("不一致"));

    let r = change_password(&client, PASSWORD, "a-new-long-password", "a-new-long-password", false).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(signed_in(&client).await, "the session that changed it stays");
    assert_eq!(
        app.client().login("wang", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.client().login("wang", "a-new-long-password").await.status(),
        StatusCode::SEE_OTHER
    );
    let audit: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'change_password' AND after::text NOT LIKE '%argon%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audit, 1, "recorded, without the hash");
}

#[tokio::test]
async fn a_password_change_can_end_the_other_sessions() {
    let app = spawn_app().await;
    app.add_user("wang", Role::Official, None, &[]).await;
    let phone = app.login("wang").await;
    let desk = app.login("wang").await;
    let laptop = app.login("wang").await;
    // Without the option, the other sessions go on.
    let r = change_password(&desk, PASSWORD, "first-new-password", "first-new-password", false).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(signed_in(&phone).await && signed_in(&laptop).await);
    // With it, they end on the server; this one goes on with a new id.
    let r = change_password(
        &desk,
        "first-new-password",
        "second-new-password",
        "second-new-password",
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(session_cookie(&r).is_some(), "a new session id");
    assert!(signed_in(&desk).await);
    assert!(!signed_in(&phone).await && !signed_in(&laptop).await);
    let r = phone.get("/").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "sent to log in again");
    // A new login afterwards is a session of the new epoch.
    let again = app.client();
    assert_eq!(
        again.login("wang", "second-new-password").await.status(),
        StatusCode::SEE_OTHER
    );
    assert!(signed_in(&again).await);
}

#[tokio::test]
async fn an_idle_session_ends_after_the_idle_limit() {
    let app = spawn_app().await;
    app.add_user("wang", Role::Official, None, &[]).await;
    let client = app.login("wang").await;
    assert!(signed_in(&client).await);
    // The store's expiry is the idle limit from the last request: thirty minutes from now.
    let minutes: f64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM max(expiry_date) - now())::float8 / 60 FROM tower_sessions.session",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!((29.0..=30.5).contains(&minutes), "idle limit {minutes} minutes");
    // Thirty-one minutes later (moved in the store rather than waited for), the session is gone.
    sqlx::query("UPDATE tower_sessions.session SET expiry_date = now() - interval '1 minute'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(!signed_in(&client).await);
}

#[tokio::test]
async fn a_session_in_use_outlives_the_idle_limit_counted_from_sign_in() {
    let app = spawn_app().await;
    app.add_user("wang", Role::Official, None, &[]).await;
    let client = app.login("wang").await;
    let expiry_minutes = || async {
        sqlx::query_scalar::<_, f64>(
            "SELECT extract(epoch FROM max(expiry_date) - now())::float8 / 60 FROM tower_sessions.session",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };
    // A request within the minute after sign-in writes nothing.
    assert!(signed_in(&client).await);
    let written: String = sqlx::query_scalar("SELECT max(expiry_date)::text FROM tower_sessions.session")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let response = client.get("/projects").await;
    assert!(response.headers().get("set-cookie").is_none(), "nothing to write yet");
    let unchanged: String = sqlx::query_scalar("SELECT max(expiry_date)::text FROM tower_sessions.session")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(written, unchanged);
    // Twenty-five minutes of work later (moved in the store rather than waited for), the session
    // has five minutes left; the next request gives it thirty again, in the store and the cookie.
    sqlx::query("UPDATE tower_sessions.session SET expiry_date = now() + interval '5 minutes'")
        .execute(&app.pool)
        .await
        .unwrap();
    let response = client.get("/projects").await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response
        .headers()
        .get("set-cookie")
        .expect("the cookie's lifetime renewed");
    assert!(cookie.to_str().unwrap().contains("Max-Age=1800"), "{cookie:?}");
    let minutes = expiry_minutes().await;
    assert!((29.0..=30.5).contains(&minutes), "renewed to {minutes} minutes");
    assert!(signed_in(&client).await);
}

#[tokio::test]
async fn a_session_ended_meanwhile_is_not_brought_back_by_a_later_write() {
    use tower_sessions::SessionStore;
    use tower_sessions::session::{Id, Record};
    let app = spawn_app().await;
    let store = zhuanban::db::sessions::Sessions::new(app.pool.clone());
    let expiry =
        tower_sessions::cookie::time::OffsetDateTime::now_utc() + tower_sessions::cookie::time::Duration::minutes(30);
    let mut record = Record {
        id: Id::default(),
        data: [("user_id".to_string(), json!(Uuid::new_v4()))].into(),
        expiry_date: expiry,
    };
    store.create(&mut record).await.unwrap();
    assert!(store.load(&record.id).await.unwrap().is_some());
    // A request that read the session, then its logout, then the request's write.
    store.delete(&record.id).await.unwrap();
    store.save(&record).await.unwrap();
    assert!(store.load(&record.id).await.unwrap().is_none(), "the logout stands");
    // A session still there is written as usual.
    let mut other = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: expiry,
    };
    store.create(&mut other).await.unwrap();
    other.data.insert("csrf".into(), json!("t"));
    store.save(&other).await.unwrap();
    assert_eq!(store.load(&other.id).await.unwrap().unwrap().data["csrf"], json!("t"));
}

#[tokio::test]
async fn an_account_takes_at_most_a_hundred_failed_logins_an_hour() {
    let app = spawn_app().await;
    app.add_user("target", Role::Official, None, &[]).await;
    // Ninety-nine failures spread over the last hour, from many addresses, each too old for the
    // quick doubling waits: the hundredth attempt is still allowed (and fails).
    sqlx::query(
        "INSERT INTO login_attempts (username, address, succeeded, at)
         SELECT 'target', '10.0.' || (g / 200) || '.' || (g % 200), false, now() - interval '50 minutes' + g * interval '15 seconds'
         FROM generate_series(1, 99) g",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("UPDATE login_attempts SET at = at - interval '30 minutes' WHERE username = 'target' AND at > now() - interval '16 minutes'")
        .execute(&app.pool)
        .await
        .unwrap();
    let client = app.client();
    assert_eq!(
        client.login("target", "wrong-wrong-wrong").await.status(),
        StatusCode::UNAUTHORIZED
    );
    // That was the hundredth within the hour: now even the right password waits.
    let r = client.login("target", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // A success in between does not reset the cap (it resets only the quick waits).
    sqlx::query("INSERT INTO login_attempts (username, address, succeeded) VALUES ('target', '10.9.9.9', true)")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        client.login("target", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // When the oldest failures are more than an hour old, logins work again.
    sqlx::query("UPDATE login_attempts SET at = at - interval '1 hour' WHERE username = 'target'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(client.login("target", PASSWORD).await.status(), StatusCode::SEE_OTHER);
}

/// The security events of this test binary, captured from the global tracing dispatcher.
fn security_log() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = Arc::clone(&buffer);
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("security=info"))
            .with_ansi(false)
            .with_writer(move || SharedWriter(Arc::clone(&writer)))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other global subscriber in the tests");
        buffer
    })
    .clone()
}

struct SharedWriter(Arc<Mutex<Vec<u8>>>);

impl Write for SharedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn lines_about(log: &Arc<Mutex<Vec<u8>>>, needle: &str) -> Vec<String> {
    String::from_utf8_lossy(&log.lock().unwrap())
        .lines()
        .filter(|l| l.contains(needle))
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn logins_refusals_and_rejected_input_are_logged_without_secrets() {
    let log = security_log();
    let app = spawn_demo_app().await;
    let name = format!("audit{}", &Uuid::new_v4().simple().to_string()[..8]);
    app.add_user(&name, Role::Investor, None, &[]).await;
    let secret = "hunter2-never-in-the-log";
    let client = app.client();
    assert_eq!(client.login(&name, secret).await.status(), StatusCode::UNAUTHORIZED);
    let r = client.login(&name, PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = session_cookie(&r).unwrap();
    // Refused: an investor at the dashboard. Rejected input: a bad form.
    assert_eq!(client.get("/dashboard").await.status(), StatusCode::FORBIDDEN);
    let r = client
        .submit(
            "/account/password",
            &[("current", secret), ("new", "x"), ("again", "y")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let csrf = client.post_form("/logout", &[("csrf_token", "forged")]).await;
    assert_eq!(csrf.status(), StatusCode::FORBIDDEN);
    let token = app.bearer("official").await;
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/units", app.base))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{broken")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // Throttled (the wrong current password above counted too): the limit that refused is named.
    let guesser = app.client();
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(guesser.login(&name, secret).await.status());
    }
    assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");

    let mine = lines_about(&log, &format!("\"{name}\""));
    let has = |event: &str| {
        mine.iter()
            .any(|l| l.contains(&format!("event=\"{event}\"")) || l.contains(&format!("event={event}")))
    };
    assert!(
        mine.iter()
            .any(|l| l.contains("login_throttled") && l.contains("account_and_address")),
        "the throttle and its limit: {mine:#?}"
    );
    for event in [
        "login_failed",
        "login_succeeded",
        "access_refused",
        "input_rejected",
        "csrf_refused",
        "password_change_refused",
    ] {
        assert!(has(event), "{event} logged: {mine:#?}");
    }
    assert!(
        mine.iter().all(|l| l.contains("address=\"127.0.0.1\"")),
        "with the address: {mine:#?}"
    );
    assert!(mine.iter().any(|l| l.contains("path=\"/dashboard\"")), "{mine:#?}");
    assert!(
        !lines_about(&log, "/api/v1/units").is_empty(),
        "the API's rejected input too"
    );
    let everything = String::from_utf8_lossy(&log.lock().unwrap()).to_string();
    assert!(!everything.contains(secret), "never a password");
    assert!(!everything.contains(&cookie), "never a session id");
    assert!(!everything.contains(&token), "never a token");
}

#[tokio::test]
async fn the_benchmark_ceiling_page_is_not_mounted_unless_configured() {
    let app = spawn_app().await;
    assert_eq!(app.client().get("/bench/ceiling").await.status(), StatusCode::NOT_FOUND);
}
