//! A form sent twice (a double click, a browser's resubmit) is acted on once: its one-time key.

use reqwest::StatusCode;
use uuid::Uuid;
use zhuanban::domain::done::{Done, Flash};
use zhuanban::domain::role::Role;

use crate::harness::{Client, TestApp, hidden, spawn_demo_app, zh};

const QIXIANG: &str = "祺祥新能源年产2万吨电池级碳酸锂项目";

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// The one-time key of the first form in `page` posting to `action`, as the browser sends it.
fn form_key(page: &str, action: &str) -> String {
    let form = &page[page.find(&format!("action=\"{action}\"")).expect("the form")..];
    let start = form.find("name=\"once\" value=\"").expect("a one-time key") + 19;
    form[start..start + 36].to_string()
}

async fn schedule(app: &TestApp, official: &Client) -> String {
    let day = app.today().await;
    let project = app.project_id(QIXIANG).await.to_string();
    let r = official
        .submit(
            "/meetings",
            &[
                ("kind", "weekly"),
                ("title", "重点工业项目每周调度会"),
                ("starts_at", &format!("{day}T14:00")),
                ("projects", &project),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    location(&r)
}

async fn items_titled(app: &TestApp, title: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM checklist_items WHERE title = $1")
        .bind(title)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_decision_sent_twice_at_once_or_later_is_recorded_once() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let meeting = schedule(&app, &official).await;
    let (_, page) = official.get_text(&meeting).await;
    let action = format!("{meeting}/decisions");
    let key = form_key(&page, &action);
    let project = app.project_id(QIXIANG).await.to_string();
    let deadline = (app.today().await + chrono::Duration::days(7)).to_string();
    let fields = [
        ("once", key.as_str()),
        ("project", project.as_str()),
        ("title", "一周内完成用地报批"),
        ("responsible_unit", "zrzyj"),
        ("deadline", deadline.as_str()),
        ("category", "land"),
    ];
    // A double click: both at once.
    let (a, b) = tokio::join!(official.submit(&action, &fields), official.submit(&action, &fields));
    assert_eq!((a.status(), b.status()), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER));
    assert_eq!(location(&a), location(&b), "both lead where the first one did");
    assert_eq!(
        items_titled(&app, "一周内完成用地报批").await,
        1,
        "one decision, one item"
    );
    // The browser sends it again later (back, then resubmit): not done again, and said so.
    let r = official.submit(&action, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, shown) = official.get_text(&location(&r)).await;
    let said = zh().flash(Flash::repeated(Some(Flash::one(Done::DecisionRecorded))));
    assert!(
        shown.contains(&said),
        "the first answer and that it was not repeated: {said}"
    );
    assert_eq!(items_titled(&app, "一周内完成用地报批").await, 1);
    // The page's next form has a key of its own: a second decision is recorded.
    let next_key = form_key(&shown, &action);
    let mut fields = fields;
    fields[0] = ("once", next_key.as_str());
    fields[2] = ("title", "三日内完成电力接入方案");
    assert_eq!(official.submit(&action, &fields).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(items_titled(&app, "三日内完成电力接入方案").await, 1);
}

#[tokio::test]
async fn a_refused_form_gives_its_key_back_and_keys_are_each_users_own() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let meeting = schedule(&app, &official).await;
    let action = format!("{meeting}/decisions");
    let key = Uuid::new_v4().to_string();
    let project = app.project_id(QIXIANG).await.to_string();
    let deadline = (app.today().await + chrono::Duration::days(7)).to_string();
    let mut fields = vec![
        ("once", key.as_str()),
        ("project", project.as_str()),
        ("title", ""),
        ("responsible_unit", "zrzyj"),
        ("deadline", deadline.as_str()),
        ("category", "land"),
    ];
    let r = official.submit(&action, &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "the matter is missing");
    fields[2] = ("title", "补齐环评材料");
    let r = official.submit(&action, &fields).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "corrected, the same form goes through"
    );
    assert_eq!(items_titled(&app, "补齐环评材料").await, 1);
    // A key is the user's: someone else's submission with the same value is their own.
    app.add_user("official2", Role::Official, Some("gxj"), &[]).await;
    let second = app.login("official2").await;
    fields[2] = ("title", "补齐安评材料");
    assert_eq!(second.submit(&action, &fields).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(items_titled(&app, "补齐安评材料").await, 1);
}

#[tokio::test]
async fn the_weeks_notice_sent_twice_is_published_once() {
    let app = spawn_demo_app().await;
    app.recompute().await;
    let official = app.demo_login("official").await;
    let r = official.submit("/notices", &[("title", ""), ("body", "")]).await;
    assert_eq!(r.status(), StatusCode::OK, "the preview");
    let page = r.text().await.unwrap();
    let key = form_key(&page, "/notices");
    let digest = hidden(&page, "digest");
    let fields = [("once", key.as_str()), ("step", "confirm"), ("digest", digest.as_str())];
    let (a, b) = tokio::join!(
        official.submit("/notices", &fields),
        official.submit("/notices", &fields)
    );
    assert_eq!((a.status(), b.status()), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER));
    assert_eq!(location(&a), location(&b));
    let notices: i64 = sqlx::query_scalar("SELECT count(*) FROM notices")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(notices, 1);
}

#[tokio::test]
async fn a_request_accepted_twice_at_once_becomes_one_item() {
    let app = spawn_demo_app().await;
    let (request, version): (Uuid, i32) =
        sqlx::query_as("SELECT id, version FROM investor_requests WHERE state = 'pending' ORDER BY created_at LIMIT 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let official = app.demo_login("official").await;
    let page_path = format!("/requests/{request}");
    let (_, page) = official.get_text(&page_path).await;
    let action = format!("{page_path}/accept");
    let key = form_key(&page, &action);
    let (version, deadline) = (
        version.to_string(),
        (app.today().await + chrono::Duration::days(5)).to_string(),
    );
    let fields = [
        ("once", key.as_str()),
        ("version", version.as_str()),
        ("title", "协调员工宿舍配套用地"),
        ("responsible_unit", "zrzyj"),
        ("deadline", deadline.as_str()),
    ];
    let (a, b) = tokio::join!(official.submit(&action, &fields), official.submit(&action, &fields));
    assert_eq!(
        (a.status(), b.status()),
        (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER),
        "neither says someone else handled it"
    );
    assert_eq!(location(&a), location(&b));
    let items: i64 = sqlx::query_scalar("SELECT count(*) FROM checklist_items WHERE investor_request_id = $1")
        .bind(request)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(items, 1, "one item for the request");
}
