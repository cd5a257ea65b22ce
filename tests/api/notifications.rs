//! Notifications: each event once, to the people who may see its object, in the inbox behind the
//! bell and through group-robot webhooks that retry until accepted; preferences; the unit digest;
//! supervision orders.

use std::sync::{Arc, Mutex};

use axum::extract::{RawQuery, State};
use axum::http::StatusCode as AxumStatus;
use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;
use zhuanban::auth::token;
use zhuanban::db::audit::Actor;
use zhuanban::db::items::{self, NewItem, TransitionRequest, Written};
use zhuanban::db::{notifications, settings, users};
use zhuanban::domain::checklist::{Category, ItemDraft, ItemFields, Source, Transition};
use zhuanban::domain::names::Username;
use zhuanban::domain::role::Role;
use zhuanban::jobs::recompute;
use zhuanban::jobs::webhooks;

use crate::harness::{Client, TestApp, serve, spawn_demo_app, zh};

const QIXIANG: &str = "祺祥新能源年产2万吨电池级碳酸锂项目";
const JINZHU: &str = "金竹矿业萤石矿项目";

async fn today(app: &TestApp) -> NaiveDate {
    settings::load(&app.pool).await.unwrap().today()
}

fn days(n: i64) -> chrono::Duration {
    chrono::Duration::days(n)
}

/// An open item of `unit` on `project`, inserted as an import would (no event of its own).
async fn add_item(app: &TestApp, project: &str, unit: &str, title: &str, deadline: NaiveDate) -> Uuid {
    sqlx::query_scalar(
        "INSERT INTO checklist_items (project_id, title, responsible_unit_id, deadline, original_deadline)
         SELECT p.id, $2, (SELECT id FROM units WHERE code = $3), $4, $4 FROM projects p WHERE p.name = $1
         RETURNING id",
    )
    .bind(project)
    .bind(title)
    .bind(unit)
    .bind(deadline)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn events_of(app: &TestApp, kind: &str, item: Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM events WHERE kind = $1 AND item_id = $2")
        .bind(kind)
        .bind(item)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn recompute_as_of(app: &TestApp, day: Option<NaiveDate>) {
    recompute::run_once(&app.pool, day)
        .await
        .unwrap()
        .expect("no other run");
}

struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    async fn as_user(app: &TestApp, username: &str) -> Api {
        let token = token::new_api_token();
        users::add_api_token(
            &app.pool,
            &Username::parse(username).unwrap(),
            &token::api_token_hash(&token),
        )
        .await
        .unwrap();
        Api {
            base: app.base.clone(),
            token,
            http: reqwest::Client::new(),
        }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    /// The caller's inbox entries of one kind.
    async fn inbox(&self, kind: &str) -> Vec<Value> {
        let (status, body) = self.get("/api/v1/notifications").await;
        assert_eq!(status, StatusCode::OK);
        body.as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == kind)
            .cloned()
            .collect()
    }
}

/// The bell's unread count (the to-do link beside it has a count of its own).
fn unread(page: &str) -> Option<i64> {
    let bell = page.find("<a class=\"bell")?;
    let bell = &page[bell..bell + page[bell..].find("</a>")?];
    let rest = &bell[bell.find("<span class=\"count\"")?..];
    let open = rest.find('>')? + 1;
    let close = rest.find("</span>")?;
    rest[open..close].trim().parse().ok()
}

#[tokio::test]
async fn colour_changes_reach_the_units_staff_once_and_red_escalates_to_the_leader() {
    let app = spawn_demo_app().await;
    let day = today(&app).await;
    app.add_user("fgw-staff", Role::Member, Some("fgw"), &[]).await;
    let official_id: Uuid = sqlx::query_scalar("SELECT id FROM users WHERE username = 'official'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    // The official is the group leader of the Jinzhu task force.
    sqlx::query(
        "UPDATE task_forces SET leader_user_id = $1 WHERE project_id = (SELECT id FROM projects WHERE name = $2)",
    )
    .bind(official_id)
    .bind(JINZHU)
    .execute(&app.pool)
    .await
    .unwrap();
    let late = add_item(&app, JINZHU, "zrzyj", "矿区道路用地报批", day - days(2)).await;
    let soon = add_item(&app, JINZHU, "zrzyj", "采矿权出让合同签订", day + days(1)).await;
    recompute_as_of(&app, None).await;
    recompute_as_of(&app, None).await;
    assert_eq!(
        events_of(&app, "item_yellow", late).await,
        1,
        "once, however often the job runs"
    );
    assert_eq!(events_of(&app, "item_due_soon", soon).await, 1);
    assert_eq!(events_of(&app, "item_red", late).await, 0);

    let member = Api::as_user(&app, "member").await;
    let yellow = member.inbox("item_yellow").await;
    let mine: Vec<_> = yellow.iter().filter(|n| n["item_id"] == late.to_string()).collect();
    assert_eq!(mine.len(), 1);
    let text = mine[0]["text"].as_str().unwrap();
    assert!(
        text.contains("矿区道路用地报批") && text.contains("逾期2天") && text.contains("黄色预警"),
        "{text}"
    );
    assert_eq!(mine[0]["read"], false);
    let other = Api::as_user(&app, "fgw-staff").await;
    assert!(
        other
            .inbox("item_yellow")
            .await
            .iter()
            .all(|n| n["item_id"] != late.to_string()),
        "another unit's item"
    );
    let investor = Api::as_user(&app, "investor").await;
    let (_, all) = investor.get("/api/v1/notifications").await;
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .all(|n| n["kind"].as_str().unwrap().starts_with("request_")),
        "investors get only their company's events: {all}"
    );

    // Ten days on the item is red: the unit hears it again, and so does the task force's leader.
    recompute_as_of(&app, Some(day + days(10))).await;
    recompute_as_of(&app, Some(day + days(10))).await;
    assert_eq!(events_of(&app, "item_red", late).await, 1);
    assert_eq!(
        member
            .inbox("item_red")
            .await
            .iter()
            .filter(|n| n["item_id"] == late.to_string())
            .count(),
        1
    );
    let official = Api::as_user(&app, "official").await;
    assert_eq!(
        official
            .inbox("item_red")
            .await
            .iter()
            .filter(|n| n["item_id"] == late.to_string())
            .count(),
        1,
        "escalation"
    );
    assert!(
        official.inbox("item_yellow").await.is_empty(),
        "the leader hears of red only"
    );

    // A new deadline is a new period: turning yellow again is news again.
    sqlx::query("UPDATE checklist_items SET deadline = $2 WHERE id = $1")
        .bind(late)
        .bind(day - days(1))
        .execute(&app.pool)
        .await
        .unwrap();
    recompute_as_of(&app, None).await;
    assert_eq!(events_of(&app, "item_yellow", late).await, 2);
}

#[tokio::test]
async fn a_member_logs_in_to_a_bell_and_marks_notifications_read() {
    let app = spawn_demo_app().await;
    let day = today(&app).await;
    let item = add_item(&app, JINZHU, "zrzyj", "矿区道路用地报批", day - days(1)).await;
    recompute_as_of(&app, None).await;
    let member = app.demo_login("member").await;
    let (_, page) = member.get_text("/projects").await;
    let count = unread(&page).expect("the bell shows an unread count");
    assert!(count >= 1);
    let (status, inbox) = member.get_text("/inbox").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        inbox.contains("矿区道路用地报批") && inbox.contains(&format!("/items/{item}")),
        "links to its item"
    );

    let event: Uuid = sqlx::query_scalar("SELECT id FROM events WHERE item_id = $1 AND kind = 'item_yellow'")
        .bind(item)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let r = member.post_form(&format!("/inbox/{event}/read"), &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "no CSRF token, no change");
    let r = member
        .submit(&format!("/inbox/{event}/read"), &[("next", &format!("/items/{item}"))])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], format!("/items/{item}").as_str());
    let (_, page) = member.get_text("/projects").await;
    assert_eq!(unread(&page).unwrap_or(0), count - 1);

    // Someone else's notification, a malformed id: not found.
    let official = app.demo_login("official").await;
    assert_eq!(
        official.submit(&format!("/inbox/{event}/read"), &[]).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        member.submit("/inbox/nope/read", &[]).await.status(),
        StatusCode::NOT_FOUND
    );
    let r = member.submit("/inbox/read", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = member.get_text("/projects").await;
    assert_eq!(unread(&page), None, "all read: no count on the bell");
    // An open redirect is refused.
    let r = member
        .submit(&format!("/inbox/{event}/read"), &[("next", "https://evil.example")])
        .await;
    assert_eq!(r.headers()["location"], "/");
}

#[tokio::test]
async fn assignments_decisions_and_notices_announce_themselves() {
    let app = spawn_demo_app().await;
    let day = today(&app).await;
    let official = Api::as_user(&app, "official").await;
    let member = Api::as_user(&app, "member").await;
    let project = app.project_id(JINZHU).await;
    let (status, item) = official
        .post(
            &format!("/api/v1/projects/{project}/items"),
            json!({"title": "矿区输电线路迁改", "responsible_unit": "zrzyj", "deadline": (day + days(20)).to_string()}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    let assigned = member.inbox("item_assigned").await;
    assert!(
        assigned
            .iter()
            .any(|n| n["item_id"] == item["id"] && n["project_id"] == project.to_string())
    );

    // Handed to another unit: that unit hears it; the old one keeps only its first notice.
    let (status, _) = official
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/items/{}", item["id"].as_str().unwrap()),
            Some(json!({"version": 1, "responsible_unit": "fgw"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let item_id: Uuid = item["id"].as_str().unwrap().parse().unwrap();
    let unit_of: Vec<String> = sqlx::query_scalar(
        "SELECT u.code FROM events e JOIN units u ON u.id = e.unit_id WHERE e.item_id = $1 AND e.kind = 'item_assigned' ORDER BY e.created_at",
    )
    .bind(item_id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(unit_of, vec!["zrzyj", "fgw"]);

    // A meeting's decision is announced as one.
    let meeting: Uuid = sqlx::query_scalar("SELECT id FROM meetings LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let draft = ItemDraft::parse(&ItemFields {
        title: "补充矿区水土保持方案".into(),
        category: Category::EnvironmentEnergy.as_str().into(),
        responsible_unit: "zrzyj".into(),
        deadline: (day + days(7)).to_string(),
        ..ItemFields::default()
    })
    .unwrap();
    let unit: Uuid = sqlx::query_scalar("SELECT id FROM units WHERE code = 'zrzyj'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let decision = NewItem::of(&draft, unit, project, Source::MeetingDecision, Some(meeting));
    let decided = items::create(&app.pool, decision, Actor::System("test"), None)
        .await
        .unwrap();
    assert_eq!(events_of(&app, "decision_assigned", decided.id).await, 1);
    assert_eq!(events_of(&app, "item_assigned", decided.id).await, 0);
    assert!(
        member
            .inbox("decision_assigned")
            .await
            .iter()
            .any(|n| n["item_id"] == decided.id.to_string())
    );

    // A published notice names the units of its red and yellow items.
    add_item(&app, JINZHU, "zrzyj", "矿区道路用地报批", day - days(3)).await;
    recompute_as_of(&app, None).await;
    let web = app.demo_login("official").await;
    let r = web.publish_week(&[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let named = member.inbox("notice_published").await;
    assert_eq!(named.len(), 1, "{named:?}");
    let notice: Uuid = sqlx::query_scalar("SELECT id FROM notices")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (_, inbox) = app.demo_login("member").await.get_text("/inbox").await;
    assert!(inbox.contains(&format!("/notices/{notice}")));
}

#[tokio::test]
async fn request_decisions_and_their_closed_items_reach_only_the_company() {
    let app = spawn_demo_app().await;
    let day = today(&app).await;
    let project = app.project_id(QIXIANG).await;
    let investor_id: Uuid = sqlx::query_scalar("SELECT id FROM users WHERE username = 'investor'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let request: Uuid = sqlx::query_scalar(
        "INSERT INTO investor_requests (project_id, submitted_by, title, state, triaged_at)
         VALUES ($1, $2, '协调办理施工许可', 'accepted', now()) RETURNING id",
    )
    .bind(project)
    .bind(investor_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    for _ in 0..2 {
        let mut tx = app.pool.begin().await.unwrap();
        notifications::request_decided(&mut tx, request, true).await.unwrap();
        tx.commit().await.unwrap();
    }
    let investor = Api::as_user(&app, "investor").await;
    let accepted = investor.inbox("request_accepted").await;
    assert_eq!(accepted.len(), 1, "once");
    assert!(accepted[0]["text"].as_str().unwrap().contains("协调办理施工许可"));
    assert!(
        Api::as_user(&app, "member")
            .await
            .inbox("request_accepted")
            .await
            .is_empty()
    );
    assert!(
        Api::as_user(&app, "official")
            .await
            .inbox("request_accepted")
            .await
            .is_empty()
    );

    // The item made of the request is closed: the company hears it.
    let item: Uuid = sqlx::query_scalar(
        "INSERT INTO checklist_items (project_id, title, responsible_unit_id, deadline, original_deadline, source, investor_request_id)
         VALUES ($1, '办理施工许可证', (SELECT id FROM units WHERE code = 'zjj'), $2, $2, 'investor_request', $3) RETURNING id",
    )
    .bind(project)
    .bind(day + days(5))
    .bind(request)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let closed = items::transition(
        &app.pool,
        item,
        1,
        TransitionRequest {
            change: Transition::Close,
            text: "已发证",
            today: day,
        },
        Actor::System("test"),
        None,
    )
    .await
    .unwrap();
    assert!(matches!(closed, Written::Done(_)));
    let done = investor.inbox("request_item_closed").await;
    assert_eq!(done.len(), 1);
    assert_eq!(done[0]["item_id"], item.to_string());
    // Another company's investor hears nothing.
    app.add_user("other-investor", Role::Investor, None, &[app.project_id(JINZHU).await])
        .await;
    let (_, theirs) = Api::as_user(&app, "other-investor")
        .await
        .get("/api/v1/notifications")
        .await;
    assert_eq!(theirs, json!([]));
}

#[tokio::test]
async fn preferences_turn_kinds_off_and_investors_choose_among_their_own() {
    let app = spawn_demo_app().await;
    let day = today(&app).await;
    let member = app.demo_login("member").await;
    let r = member
        .submit("/inbox/preferences", &[("kind", "item_red"), ("kind", "item_assigned")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = member.get_text("/inbox/preferences").await;
    assert!(
        page.contains("value=\"item_red\" checked") && page.contains("value=\"item_yellow\">"),
        "{page}"
    );
    let item = add_item(&app, JINZHU, "zrzyj", "矿区道路用地报批", day - days(1)).await;
    recompute_as_of(&app, None).await;
    assert_eq!(events_of(&app, "item_yellow", item).await, 1, "the event happened");
    assert!(
        Api::as_user(&app, "member").await.inbox("item_yellow").await.is_empty(),
        "but was turned off"
    );

    let investor = app.demo_login("investor").await;
    let (_, page) = investor.get_text("/inbox/preferences").await;
    assert!(page.contains("request_declined") && !page.contains("item_yellow"));
    assert_eq!(
        member
            .post_form("/inbox/preferences", &[("kind", "item_red")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}

/// A group robot that refuses the first `fail` messages, then accepts, keeping what it got.
#[derive(Clone)]
struct Robot {
    fail: usize,
    got: Arc<Mutex<Vec<(String, Value)>>>,
}

async fn robot(State(r): State<Robot>, RawQuery(q): RawQuery, body: String) -> (AxumStatus, String) {
    let mut got = r.got.lock().unwrap();
    got.push((
        q.unwrap_or_default(),
        serde_json::from_str(&body).unwrap_or(Value::Null),
    ));
    if got.len() <= r.fail {
        (AxumStatus::SERVICE_UNAVAILABLE, "busy".into())
    } else {
        (AxumStatus::OK, r#"{"errcode":0,"errmsg":"ok"}"#.into())
    }
}

async fn spawn_robot(fail: usize) -> (String, Robot) {
    let r = Robot {
        fail,
        got: Arc::new(Mutex::new(Vec::new())),
    };
    let app = axum::Router::new()
        .route("/robot/send", axum::routing::post(robot))
        .with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/robot/send?access_token=abc"), r)
}

async fn make_due_now(app: &TestApp) {
    sqlx::query("UPDATE webhook_deliveries SET next_attempt_at = now() WHERE sent_at IS NULL")
        .execute(&app.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn webhooks_retry_with_back_off_until_accepted_and_never_send_twice() {
    let app = spawn_demo_app().await;
    let day = today(&app).await;
    // The demo's own colours are announced before the robot is set up: not this group's news.
    recompute_as_of(&app, None).await;
    let (url, robot) = spawn_robot(2).await;
    let official = Api::as_user(&app, "official").await;
    let admin = Api::as_user(&app, "admin").await;
    let (status, hook) = admin
        .post(
            "/api/v1/webhooks",
            json!({"url": url, "format": "dingtalk", "unit": "zrzyj", "secret": "SECtest"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    assert_eq!(
        (hook["signed"].clone(), hook["unit"].clone()),
        (json!(true), json!("zrzyj"))
    );
    assert!(hook.get("secret").is_none());
    let id = hook["id"].as_str().unwrap().to_string();

    let item = add_item(&app, JINZHU, "zrzyj", "矿区道路用地报批", day - days(1)).await;
    add_item(&app, JINZHU, "fgw", "能评报告审查", day - days(1)).await;
    recompute_as_of(&app, None).await;
    let http = webhooks::client();
    let s = webhooks::run_once(&app.pool, &http).await.unwrap();
    assert_eq!(
        (s.delivered, s.failed),
        (0, 1),
        "one event of this unit; the receiver is down"
    );
    let (status, list) = official.get(&format!("/api/v1/webhooks/{id}/deliveries")).await;
    assert_eq!(status, StatusCode::OK);
    let d = &list[0];
    assert_eq!(
        (d["status"].clone(), d["attempts"].clone()),
        (json!("failing"), json!(1))
    );
    assert_eq!(d["last_error"], "HTTP 503");
    // The wait is counted from the attempt, as the server recorded it (not from this test's clock,
    // which a busy machine may have moved on).
    let wait_after = |d: &Value| {
        let at = |f: &str| d[f].as_str().unwrap().parse::<chrono::DateTime<chrono::Utc>>().unwrap();
        (at("next_attempt_at") - at("last_attempt_at")).num_seconds()
    };
    assert_eq!(wait_after(d), 30, "first retry after 30 s");
    assert_eq!(
        webhooks::run_once(&app.pool, &http).await.unwrap().failed,
        0,
        "not due yet"
    );

    make_due_now(&app).await;
    webhooks::run_once(&app.pool, &http).await.unwrap();
    let (_, list) = official.get(&format!("/api/v1/webhooks/{id}/deliveries")).await;
    assert_eq!(wait_after(&list[0]), 60, "the second wait doubles");
    make_due_now(&app).await;
    let s = webhooks::run_once(&app.pool, &http).await.unwrap();
    assert_eq!(s.delivered, 1);
    // A restart (a new worker, a new client) sends nothing again; nor does the job running again.
    recompute_as_of(&app, None).await;
    make_due_now(&app).await;
    let s = webhooks::run_once(&app.pool, &webhooks::client()).await.unwrap();
    assert_eq!((s.delivered, s.failed), (0, 0));

    let got = robot.got.lock().unwrap().clone();
    assert_eq!(got.len(), 3, "two refusals and one acceptance");
    let (query, body) = &got[2];
    assert!(
        query.starts_with("access_token=abc&timestamp=") && query.contains("&sign="),
        "{query}"
    );
    assert_eq!(body["msgtype"], "markdown");
    let text = body["markdown"]["text"].as_str().unwrap();
    assert!(text.contains("黄色预警") && text.contains("矿区道路用地报批"), "{text}");
    let (_, list) = official.get(&format!("/api/v1/webhooks/{id}/deliveries")).await;
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "the other unit's item is not this group's"
    );
    assert_eq!(
        (list[0]["status"].clone(), list[0]["attempts"].clone()),
        (json!("sent"), json!(3))
    );
    assert_eq!(list[0]["event_id"].as_str().unwrap().len(), 36);
    let _ = item;
}

#[tokio::test]
async fn two_workers_at_once_send_each_delivery_once() {
    let app = spawn_demo_app().await;
    let day = today(&app).await;
    let (url, robot) = spawn_robot(0).await;
    let admin = Api::as_user(&app, "admin").await;
    let (status, _) = admin
        .post("/api/v1/webhooks", json!({"url": url, "format": "wecom"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    for n in 0..6 {
        add_item(&app, JINZHU, "zrzyj", &format!("事项{n}"), day - days(1)).await;
    }
    recompute_as_of(&app, None).await;
    let (a, b) = (webhooks::client(), webhooks::client());
    let mut sent = 0;
    loop {
        let (x, y) = tokio::join!(webhooks::run_once(&app.pool, &a), webhooks::run_once(&app.pool, &b));
        let (x, y) = (x.unwrap(), y.unwrap());
        assert!(x.delivered + y.delivered <= 20, "at most 20 a minute to one robot");
        if x.delivered + y.delivered == 0 {
            break;
        }
        sent += x.delivered + y.delivered;
        // A minute passes.
        sqlx::query("UPDATE webhook_deliveries SET last_attempt_at = last_attempt_at - interval '1 minute'")
            .execute(&app.pool)
            .await
            .unwrap();
    }
    let got = robot.got.lock().unwrap().len();
    assert_eq!(sent, got, "each counted once");
    let events: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM events
         WHERE (unit_id IS NOT NULL AND kind <> 'notice_published')
            OR kind IN ('request_submitted', 'request_triage_due', 'request_late',
                        'monthly_report_due', 'monthly_report_late')
            OR (kind = 'notice_published' AND unit_id IS NULL)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        got as i64, events,
        "a county-wide robot gets every unit's events, the requests waiting for triage, the monthly reports due or late and each notice, each once"
    );
    let body = &robot.got.lock().unwrap()[0].1;
    assert_eq!(body["msgtype"], "markdown");
    assert!(body["markdown"]["content"].as_str().unwrap().starts_with("### "));
}

#[tokio::test]
async fn webhooks_are_validated_seen_by_officials_masked_and_changed_by_admins_only() {
    let app = spawn_demo_app().await;
    for role in ["member", "official"] {
        let user = Api::as_user(&app, role).await;
        let (status, _) = user
            .post("/api/v1/webhooks", json!({"url": "https://h/x", "format": "wecom"}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
    }
    let admin = Api::as_user(&app, "admin").await;
    let (status, body) = admin
        .post(
            "/api/v1/webhooks",
            json!({"url": "ftp://h/x", "format": "wecom", "unit": "nope"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.to_string().contains("url"), "{body}");
    let (status, body) = admin
        .post(
            "/api/v1/webhooks",
            json!({"url": "https://h/x", "format": "wecom", "unit": "nope"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.to_string().contains("unit"), "{body}");
    let (status, _) = admin
        .post("/api/v1/webhooks", json!({"url": "https://h/x", "format": "slack"}))
        .await;
    assert!(status.is_client_error());
    assert_eq!(
        admin
            .get(&format!("/api/v1/webhooks/{}/deliveries", Uuid::new_v4()))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get("/api/v1/webhooks/nope/deliveries").await.0,
        StatusCode::NOT_FOUND
    );

    // The page keeps what was typed and names the field; the secret is never echoed or logged.
    let web = app.demo_login("admin").await;
    let r = web
        .submit(
            "/webhooks",
            &[
                ("url", "qyapi.weixin.qq.com/x"),
                ("format", "dingtalk"),
                ("unit", ""),
                ("secret", "SEC9"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("value=\"qyapi.weixin.qq.com/x\"") && page.contains("http://") && !page.contains("SEC9"));
    let r = web
        .submit(
            "/webhooks",
            &[
                ("url", "https://oapi.dingtalk.com/robot/send?access_token=t"),
                ("format", "dingtalk"),
                ("unit", "zrzyj"),
                ("secret", "SEC9"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, page) = web.get_text(r.headers()["location"].to_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("县自然资源局") && page.contains(zh().notify.webhook_signed) && !page.contains("SEC9"));
    let logged: Value =
        sqlx::query_scalar("SELECT after FROM audit_log WHERE action = 'webhook.create' ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(logged["signed"], true);
    assert!(!logged.to_string().contains("SEC9"));
    assert_eq!(
        app.demo_login("member").await.get("/webhooks").await.status(),
        StatusCode::FORBIDDEN
    );
    let (_, list) = web.get_text("/webhooks").await;
    assert!(list.contains("oapi.dingtalk.com"));
    // The key is masked for everyone; officials see the robots but change nothing.
    let key = "0123456789abcdefXYZW";
    let hook = r.headers()["location"].to_str().unwrap().to_string();
    let r = web
        .submit(
            &format!("{hook}/address"),
            &[
                (
                    "url",
                    &format!("https://oapi.dingtalk.com/robot/send?access_token={key}"),
                ),
                ("secret", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (url, secret): (String, Option<String>) = sqlx::query_as("SELECT url, secret FROM webhooks")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(
        url.ends_with(key) && secret.as_deref() == Some("SEC9"),
        "replaced, the secret kept"
    );
    let official = app.demo_login("official").await;
    for page in ["/webhooks", hook.as_str()] {
        let (status, shown) = official.get_text(page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            shown.contains("access_token=••••XYZW") && !shown.contains(key),
            "{page}: masked"
        );
        assert!(
            !shown.contains("<form method=\"post\" action=\"/webhooks"),
            "{page}: no form for officials"
        );
        assert!(shown.contains(zh().notify.webhooks_admin_only));
    }
    let (_, shown) = web.get_text("/webhooks").await;
    assert!(!shown.contains(key), "masked for admins too");
    for (path, fields) in [
        (format!("{hook}/address"), vec![("url", "https://h/x")]),
        (format!("{hook}/active"), vec![("active", "0")]),
        (
            "/webhooks".to_string(),
            vec![("url", "https://h/x"), ("format", "wecom")],
        ),
    ] {
        assert_eq!(
            official.submit(&path, &fields).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let r = web
        .submit(&format!("{hook}/address"), &[("url", "not an address")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().await.unwrap().contains("value=\"not an address\""),
        "what was typed is kept"
    );
    let logged: Vec<String> = sqlx::query_scalar("SELECT after::text FROM audit_log WHERE entity = 'webhook'")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert!(
        logged.iter().all(|l| !l.contains(key)),
        "the log keeps keys masked: {logged:?}"
    );
}

#[tokio::test]
async fn a_supervision_order_and_its_late_reply_are_in_the_items_history() {
    let app = spawn_demo_app().await;
    let day = today(&app).await;
    let red = add_item(&app, JINZHU, "zrzyj", "矿区道路用地报批", day - days(12)).await;
    let yellow = add_item(&app, JINZHU, "zrzyj", "临时用地复垦方案", day - days(2)).await;
    let official = app.demo_login("official").await;
    let (_, page) = official.get_text(&format!("/items/{red}")).await;
    assert!(
        page.contains(&format!("action=\"/items/{red}/supervision\"")),
        "offered on a red item"
    );
    let (_, page) = official.get_text(&format!("/items/{yellow}")).await;
    assert!(!page.contains("/supervision\""), "not on a yellow one");
    let r = official
        .submit(
            &format!("/items/{yellow}/supervision"),
            &[("demand", "限期整改"), ("reply_due", &day.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = official
        .submit(
            &format!("/items/{red}/supervision"),
            &[("demand", ""), ("reply_due", "tomorrow")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("value=\"tomorrow\""), "keeps what was typed");
    let member = app.demo_login("member").await;
    let r = member
        .submit(
            &format!("/items/{red}/supervision"),
            &[("demand", "x"), ("reply_due", &day.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "members do not issue orders");

    let r = official
        .submit(
            &format!("/items/{red}/supervision"),
            &[("demand", "三日内报送整改方案"), ("reply_due", &day.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let again = official
        .submit(
            &format!("/items/{red}/supervision"),
            &[("demand", "再次督办"), ("reply_due", &day.to_string())],
        )
        .await;
    assert!(again.status() == StatusCode::CONFLICT || again.status() == StatusCode::UNPROCESSABLE_ENTITY);
    let order: Uuid = sqlx::query_scalar("SELECT id FROM supervision_orders WHERE item_id = $1")
        .bind(red)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let members_api = Api::as_user(&app, "member").await;
    assert!(
        members_api
            .inbox("supervision_order")
            .await
            .iter()
            .any(|n| n["item_id"] == red.to_string())
    );

    // The reply comes two days after its deadline.
    sqlx::query("UPDATE supervision_orders SET reply_due = $2 WHERE id = $1")
        .bind(order)
        .bind(day - days(2))
        .execute(&app.pool)
        .await
        .unwrap();
    app.add_user("fgw-staff", Role::Member, Some("fgw"), &[]).await;
    let stranger = app.login("fgw-staff").await;
    let r = stranger
        .submit(&format!("/supervision/{order}/reply"), &[("reply", "x")])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "another unit's staff cannot see the item"
    );
    let r = member
        .submit(&format!("/supervision/{order}/reply"), &[("reply", "  ")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = member
        .submit(
            &format!("/supervision/{order}/reply"),
            &[("reply", "已约谈施工方，本周五前完成报批材料补正")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = member
        .submit(&format!("/supervision/{order}/reply"), &[("reply", "再答")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a reply is final");

    let (_, page) = official.get_text(&format!("/items/{red}")).await;
    assert!(page.contains("三日内报送整改方案") && page.contains("本周五前完成报批材料补正"));
    assert!(page.contains("回复逾期2天"), "lateness shows");
    assert!(
        page.contains(zh().notify.supervision_issue) && page.contains("回复督办单"),
        "both in the history"
    );
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE entity = 'item' AND entity_id = $1 ORDER BY id")
            .bind(red)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(actions, vec!["supervision.issue", "supervision.reply"]);
    let officials_api = Api::as_user(&app, "official").await;
    assert!(
        officials_api
            .inbox("supervision_reply")
            .await
            .iter()
            .any(|n| n["item_id"] == red.to_string())
    );
    assert_eq!(
        member
            .submit(&format!("/supervision/{}/reply", Uuid::new_v4()), &[("reply", "x")])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // The unit's figures and the next notice carry the order and its lateness.
    let (_, units) = official.get_text("/units").await;
    let row = &units[units.find("/units/zrzyj\"").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains("data-label=\"督办单\" class=\"num\">1<")
            && row.contains("data-label=\"逾期回复\" class=\"num\">1<"),
        "{row}"
    );
    let r = official.publish_week(&[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, notice) = official.get_text(r.headers()["location"].to_str().unwrap()).await;
    let section = &notice[notice.find("督办情况").expect("a supervision section")..];
    assert!(
        section.contains("矿区道路用地报批") && section.contains("回复逾期2天"),
        "{section}"
    );
}

#[tokio::test]
async fn the_daily_digest_lists_flagged_items_by_urgency_then_the_weeks_deadlines() {
    let app = spawn_demo_app().await;
    let day = today(&app).await;
    add_item(&app, JINZHU, "zrzyj", "甲事项逾期一天", day - days(1)).await;
    add_item(&app, JINZHU, "zrzyj", "乙事项逾期九天", day - days(9)).await;
    add_item(&app, JINZHU, "zrzyj", "丙事项后天到期", day + days(2)).await;
    add_item(&app, JINZHU, "zrzyj", "丁事项下月到期", day + days(30)).await;
    let member = app.demo_login("member").await;
    let (status, page) = member.get_text("/units/zrzyj/digest").await;
    assert_eq!(status, StatusCode::OK);
    let at = |s: &str| page.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(at("乙事项逾期九天") < at("甲事项逾期一天"), "most overdue first");
    assert!(
        at("甲事项逾期一天") < at("丙事项后天到期"),
        "flagged before the week's deadlines"
    );
    assert!(!page.contains("丁事项下月到期"));
    app.add_user("fgw-staff", Role::Member, Some("fgw"), &[]).await;
    let other = app.login("fgw-staff").await;
    assert_eq!(other.get("/units/zrzyj/digest").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(other.get("/units/nope/digest").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn old_login_attempts_are_pruned() {
    let app = spawn_demo_app().await;
    sqlx::query(
        "INSERT INTO login_attempts (username, address, succeeded, at)
         VALUES ('old', '1.2.3.4', false, now() - interval '25 hours'), ('new', '1.2.3.4', false, now())",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(users::prune_login_attempts(&app.pool).await.unwrap(), 1);
    let left: Vec<String> = sqlx::query_scalar("SELECT username FROM login_attempts")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(left, vec!["new"]);
}

#[tokio::test]
async fn the_openapi_document_describes_notifications_and_webhooks() {
    let app = crate::harness::spawn_app().await;
    let doc: Value = reqwest::get(format!("{}/api/v1/openapi.json", app.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v1/notifications"]["get"].is_object());
    assert!(doc["paths"]["/api/v1/webhooks"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/webhooks/{id}/deliveries"]["get"].is_object());
    let kinds = &doc["components"]["schemas"]["EventKind"]["enum"];
    assert!(kinds.as_array().unwrap().contains(&json!("item_red")), "{kinds}");
}

#[tokio::test]
async fn a_submitted_item_reaches_its_verifiers_and_a_sent_back_one_its_unit_once_per_turn() {
    let app = spawn_demo_app().await;
    let member = Api::as_user(&app, "member").await;
    let lead = Api::as_user(&app, "lead").await;
    let official = Api::as_user(&app, "official").await;
    // A lead of no task force of this project, and the investor, hear nothing.
    app.add_user("lead-elsewhere", Role::Lead, Some("gyyq"), &[]).await;
    let elsewhere = Api::as_user(&app, "lead-elsewhere").await;
    let id: Uuid = sqlx::query_scalar("SELECT id FROM checklist_items WHERE title = '宿舍楼规划方案调整'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let path = |action: &str| format!("/api/v1/items/{id}/{action}");
    let (status, _) = member
        .post(&path("submit"), json!({"version": 1, "note": "批复已下达"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    for verifier in [&lead, &official] {
        let told = verifier.inbox("item_submitted").await;
        assert_eq!(told.len(), 1, "{told:?}");
        assert_eq!(told[0]["item_id"], id.to_string());
        assert!(told[0]["text"].as_str().unwrap().contains("宿舍楼规划方案调整"));
    }
    assert!(elsewhere.inbox("item_submitted").await.is_empty());
    assert!(
        member.inbox("item_submitted").await.is_empty(),
        "not the submitter's own turn"
    );
    assert!(
        Api::as_user(&app, "investor")
            .await
            .inbox("item_submitted")
            .await
            .is_empty()
    );
    // The lead's bell shows it on any page.
    let page = app.demo_login("lead").await;
    let (_, projects) = page.get_text("/projects").await;
    assert!(unread(&projects).is_some_and(|n| n >= 1), "the bell counts it");

    let (status, _) = lead
        .post(
            &path("send-back"),
            json!({"version": 2, "reason": "缺少批复文件扫描件"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let back = member.inbox("item_sent_back").await;
    assert_eq!(back.len(), 1);
    assert_eq!(back[0]["item_id"], id.to_string());
    assert!(lead.inbox("item_sent_back").await.is_empty());

    // A second submission is a second turn: told again, once.
    let (status, _) = member
        .post(&path("submit"), json!({"version": 3, "note": "已补扫描件"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(lead.inbox("item_submitted").await.len(), 2);
    assert_eq!(events_of(&app, "item_submitted", id).await, 2);
}

#[tokio::test]
async fn a_request_reaches_the_officials_at_once_and_is_reminded_before_and_after_its_triage_deadline() {
    let app = spawn_demo_app().await;
    // One working day to triage: a request raised today is due by the next working day.
    sqlx::query("UPDATE settings SET request_triage_days = 1")
        .execute(&app.pool)
        .await
        .unwrap();
    let project = app.project_id(QIXIANG).await;
    let investor = Api::as_user(&app, "investor").await;
    let official = Api::as_user(&app, "official").await;
    let (status, raised) = investor
        .post(
            &format!("/api/v1/projects/{project}/requests"),
            json!({"title": "协调解决施工用水", "category": "utilities"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{raised}");
    let request = raised["id"].as_str().unwrap().to_string();
    let told = official.inbox("request_submitted").await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0]["request_id"], request.as_str());
    assert_eq!(told[0]["project_id"], project.to_string());
    assert!(investor.inbox("request_submitted").await.is_empty());
    assert!(
        Api::as_user(&app, "member")
            .await
            .inbox("request_submitted")
            .await
            .is_empty()
    );
    // The bell's entry leads to the request.
    let page = app.demo_login("official").await;
    let (_, inbox) = page.get_text("/inbox").await;
    assert!(
        inbox.contains(&zhuanban::links::request(&request)),
        "links to the request"
    );

    // The recomputation reminds once, however often it runs.
    recompute_as_of(&app, None).await;
    recompute_as_of(&app, None).await;
    let of_request = |list: Vec<Value>| -> Vec<Value> {
        list.into_iter()
            .filter(|n| n["request_id"] == request.as_str())
            .collect()
    };
    let due = of_request(official.inbox("request_triage_due").await);
    assert_eq!(due.len(), 1, "{due:?}");
    assert!(of_request(official.inbox("request_late").await).is_empty());
    // Left untriaged past its deadline, it is flagged late, once.
    sqlx::query("UPDATE investor_requests SET created_at = created_at - interval '10 days' WHERE id = $1::uuid")
        .bind(&request)
        .execute(&app.pool)
        .await
        .unwrap();
    recompute_as_of(&app, None).await;
    recompute_as_of(&app, None).await;
    assert_eq!(of_request(official.inbox("request_late").await).len(), 1);
    // A run as of another day announces nothing.
    let (_, before) = official.get("/api/v1/notifications").await;
    recompute_as_of(&app, Some(today(&app).await - days(3))).await;
    let (_, after) = official.get("/api/v1/notifications").await;
    assert_eq!(before.as_array().unwrap().len(), after.as_array().unwrap().len());
    // A triaged request is not reminded, however old it is.
    let (_, second) = investor
        .post(
            &format!("/api/v1/projects/{project}/requests"),
            json!({"title": "协调解决临时用电", "category": "utilities"}),
        )
        .await;
    let second = second["id"].as_str().unwrap().to_string();
    let (status, _) = official
        .post(
            &format!("/api/v1/requests/{second}/decline"),
            json!({"reason": "不属于本专班职责"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    sqlx::query("UPDATE investor_requests SET created_at = created_at - interval '10 days' WHERE id = $1::uuid")
        .bind(&second)
        .execute(&app.pool)
        .await
        .unwrap();
    recompute_as_of(&app, None).await;
    let reminded: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM events WHERE request_id = $1::uuid AND kind IN ('request_triage_due', 'request_late')",
    )
    .bind(&second)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(reminded, 0);
}

#[tokio::test]
async fn the_database_takes_every_kind_of_event() {
    let app = spawn_demo_app().await;
    let mut tx = app.pool.begin().await.unwrap();
    for kind in zhuanban::domain::notification::EventKind::ALL {
        sqlx::query("INSERT INTO events (kind, dedup_key, subject) VALUES ($1, $2, 'x')")
            .bind(kind.as_str())
            .bind(format!("test:{}", kind.as_str()))
            .execute(&mut *tx)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", kind.as_str()));
    }
    tx.rollback().await.unwrap();
}

/// The to-do section of a caller's list, from the API.
async fn todo_section(api: &Api, section: &str) -> Value {
    let (status, body) = api.get("/api/v1/todo").await;
    assert_eq!(status, StatusCode::OK);
    body.as_array()
        .unwrap()
        .iter()
        .find(|s| s["section"] == section)
        .cloned()
        .unwrap_or(Value::Null)
}

/// The count in a page's navigation (0 when it shows none).
fn nav_count(page: &str) -> i64 {
    let link = &page[page.find("class=\"todo-link").expect("the to-do link")..];
    let link = &link[..link.find("</a>").unwrap()];
    link.find("class=\"count\"").map_or(0, |at| {
        let n = &link[at..];
        n[n.find('>').unwrap() + 1..n.find("</span>").unwrap()].parse().unwrap()
    })
}

#[tokio::test]
async fn the_navigation_count_follows_every_change_at_once_on_every_instance() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    // A second instance on the same database, with the same session cookie.
    let second = Client {
        base: serve(app.pool.clone()).await,
        http: official.http.clone(),
    };
    let count = |page: &'static str| {
        let (first, second) = (&official, &second);
        async move {
            let (_, a) = first.get_text(page).await;
            let (_, b) = second.get_text(page).await;
            (nav_count(&a), nav_count(&b))
        }
    };
    let (before, _) = count("/dashboard").await;
    assert!(before > 0, "the demo has things waiting for the official");
    assert_eq!(count("/notices").await, (before, before), "read twice, the same");

    // Through the application on the first instance: seen on both at once.
    let id: Uuid = sqlx::query_scalar("SELECT id FROM checklist_items WHERE title = '宿舍楼规划方案调整'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (status, _) = Api::as_user(&app, "member")
        .await
        .post(
            &format!("/api/v1/items/{id}/submit"),
            json!({"version": 1, "note": "批复已下达"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(count("/notices").await, (before + 1, before + 1));
    let (_, dashboard) = second.get_text("/dashboard").await;
    assert!(dashboard.contains("宿舍楼规划方案调整"), "the dashboard's list too");

    // Written to the database by anyone else: the same.
    sqlx::query("UPDATE checklist_items SET submitted_at = NULL, submission_note = NULL WHERE id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(count("/notices").await, (before, before));
    let (_, dashboard) = second.get_text("/dashboard").await;
    assert!(!dashboard.contains("宿舍楼规划方案调整"));
}

#[tokio::test]
async fn each_role_lands_on_what_waits_for_it() {
    let app = spawn_demo_app().await;
    let (member, lead, official, investor) = (
        Api::as_user(&app, "member").await,
        Api::as_user(&app, "lead").await,
        Api::as_user(&app, "official").await,
        Api::as_user(&app, "investor").await,
    );
    let id: Uuid = sqlx::query_scalar("SELECT id FROM checklist_items WHERE title = '宿舍楼规划方案调整'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let before = todo_section(&lead, "to_verify").await["count"].as_i64().unwrap_or(0);
    let (status, _) = member
        .post(
            &format!("/api/v1/items/{id}/submit"),
            json!({"version": 1, "note": "批复已下达"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The lead: at the top of their landing page and in the API.
    let to_verify = todo_section(&lead, "to_verify").await;
    assert_eq!(to_verify["count"].as_i64().unwrap(), before + 1);
    assert!(
        to_verify["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["item_id"] == id.to_string())
    );
    let lead_page = app.demo_login("lead").await;
    let (_, landing) = lead_page.get_text("/projects").await;
    let todo_at = landing.find("todo-heading").expect("the to-do panel");
    let table_at = landing.find("<table").unwrap_or(landing.len());
    assert!(todo_at < table_at, "the to-do comes first");
    assert!(landing[todo_at..].contains("宿舍楼规划方案调整") && landing.contains(zh().notify.todo_sections[0]));
    // Every page's navigation counts what waits, all sections together, and leads to the list.
    let (_, all) = lead.get("/api/v1/todo").await;
    let waiting: i64 = all
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["count"].as_i64().unwrap())
        .sum();
    assert!(waiting > before);
    for page in ["/projects", "/inbox", "/notices"] {
        let (_, shown) = lead_page.get_text(page).await;
        assert!(shown.contains(&zh().todo_count(&waiting)), "{page}: {waiting} waiting");
        assert!(shown.contains("href=\"/#todo\""));
    }
    // The official too; the member's own list has no verification to do.
    let official_todo = todo_section(&official, "to_verify").await;
    assert!(
        official_todo["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["item_id"] == id.to_string())
    );
    assert_eq!(todo_section(&member, "to_verify").await, Value::Null);

    // Sent back: the member's turn, on their unit's queue.
    let (status, _) = lead
        .post(
            &format!("/api/v1/items/{id}/send-back"),
            json!({"version": 2, "reason": "缺少批复文件"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let sent_back = todo_section(&member, "sent_back").await;
    assert_eq!(sent_back["count"], 1);
    assert_eq!(sent_back["entries"][0]["item_id"], id.to_string());
    let member_page = app.demo_login("member").await;
    let (_, queue) = member_page.get_text("/units/zrzyj").await;
    assert!(queue.contains("todo-heading") && queue.contains(zh().notify.todo_sections[5]));
    assert!(
        todo_section(&lead, "to_verify").await["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["item_id"] != id.to_string()),
        "no longer the lead's to verify"
    );

    // A request: the official's to triage; answered, the investor's to read.
    let project = app.project_id(QIXIANG).await;
    let pending_before = todo_section(&official, "to_triage").await["count"]
        .as_i64()
        .unwrap_or(0);
    let (_, raised) = investor
        .post(
            &format!("/api/v1/projects/{project}/requests"),
            json!({"title": "协调解决施工用水", "category": "utilities"}),
        )
        .await;
    let request = raised["id"].as_str().unwrap().to_string();
    let triage = todo_section(&official, "to_triage").await;
    assert_eq!(triage["count"].as_i64().unwrap(), pending_before + 1, "{triage}");
    let (status, _) = official
        .post(
            &format!("/api/v1/requests/{request}/decline"),
            json!({"reason": "不属于本专班职责"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let answered = todo_section(&investor, "answered").await;
    assert!(
        answered["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["request_id"] == request.as_str())
    );
    let investor_page = app.demo_login("investor").await;
    let (_, portal) = investor_page.get_text("/portal").await;
    assert!(portal.contains("todo-heading") && portal.contains("协调解决施工用水"));
    // Another company's investor has nothing of it.
    app.add_user("other-investor", Role::Investor, None, &[app.project_id(JINZHU).await])
        .await;
    let other = Api::as_user(&app, "other-investor").await;
    assert_eq!(todo_section(&other, "answered").await["count"], 0);
}

/// A group robot that holds every answer until `release` is notified (a robot that hangs).
#[derive(Clone)]
struct HeldRobot {
    release: Arc<tokio::sync::Notify>,
    answered: Arc<Mutex<usize>>,
}

async fn held(State(r): State<HeldRobot>) -> (AxumStatus, String) {
    r.release.notified().await;
    *r.answered.lock().unwrap() += 1;
    (AxumStatus::OK, r#"{"errcode":0}"#.into())
}

async fn spawn_held_robot() -> (String, HeldRobot) {
    let r = HeldRobot {
        release: Arc::new(tokio::sync::Notify::new()),
        answered: Arc::new(Mutex::new(0)),
    };
    let app = axum::Router::new()
        .route("/robot/send", axum::routing::post(held))
        .with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/robot/send?key=slow"), r)
}

/// A robot of 县自然资源局 that hangs and a county-wide one that answers, set up after the demo's
/// own colours were announced.
async fn hanging_and_county_robots(app: &TestApp) -> (HeldRobot, Robot) {
    recompute_as_of(app, None).await;
    let (slow_url, slow) = spawn_held_robot().await;
    let (fast_url, fast) = spawn_robot(0).await;
    let admin = Api::as_user(app, "admin").await;
    for body in [
        json!({"url": slow_url, "format": "wecom", "unit": "zrzyj"}),
        json!({"url": fast_url, "format": "wecom"}),
    ] {
        assert_eq!(admin.post("/api/v1/webhooks", body).await.0, StatusCode::CREATED);
    }
    (slow, fast)
}

#[tokio::test]
async fn a_robot_that_hangs_holds_back_only_its_own_messages() {
    let app = spawn_demo_app().await;
    let day = today(&app).await;
    let (slow, fast) = hanging_and_county_robots(&app).await;
    add_item(&app, JINZHU, "zrzyj", "矿区道路用地报批", day - days(1)).await;
    recompute_as_of(&app, None).await;
    // The hanging robot's message is the most overdue: a worker sending one after another would
    // start with it.
    sqlx::query(
        "UPDATE webhook_deliveries SET next_attempt_at = now() - interval '1 hour'
         WHERE webhook_id = (SELECT id FROM webhooks WHERE unit_id IS NOT NULL)",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let pool = app.pool.clone();
    let run = tokio::spawn(async move { webhooks::run_once(&pool, &webhooks::client()).await.unwrap() });
    // The county's robot gets the message while the unit's robot still hangs.
    for _ in 0..100 {
        if !fast.got.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(fast.got.lock().unwrap().len(), 1, "delivered to the county's robot");
    assert_eq!(
        *slow.answered.lock().unwrap(),
        0,
        "the unit's robot has not answered yet"
    );
    slow.release.notify_one();
    let sent = run.await.unwrap();
    assert_eq!((sent.delivered, sent.failed), (2, 0));
    assert_eq!(*slow.answered.lock().unwrap(), 1);
}

#[tokio::test]
async fn the_countys_robot_hears_of_a_notice_once_and_every_message_links_to_its_page() {
    let app = spawn_demo_app().await;
    let day = today(&app).await;
    recompute_as_of(&app, None).await;
    let (url, robot) = spawn_robot(0).await;
    let admin = Api::as_user(&app, "admin").await;
    assert_eq!(
        admin
            .post(
                "/api/v1/webhooks",
                json!({"url": url, "format": "wecom", "message": "text"})
            )
            .await
            .0,
        StatusCode::CREATED
    );
    let item = add_item(&app, JINZHU, "zrzyj", "矿区道路用地报批", day - days(1)).await;
    recompute_as_of(&app, None).await;
    // The week's notice names several units.
    let web = app.demo_login("official").await;
    let page = web
        .submit("/notices", &[("title", ""), ("body", "")])
        .await
        .text()
        .await
        .unwrap();
    let r = web
        .submit(
            "/notices",
            &[
                ("step", "confirm"),
                ("digest", crate::harness::hidden(&page, "digest").as_str()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let named: i64 = sqlx::query_scalar("SELECT count(*) FROM notice_units")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(named > 1, "the notice names {named} units");
    let sender = webhooks::client().linking(Some("https://zb.example.gov.cn/".into()));
    while webhooks::run_once(&app.pool, &sender).await.unwrap().delivered > 0 {
        sqlx::query("UPDATE webhook_deliveries SET last_attempt_at = last_attempt_at - interval '1 minute'")
            .execute(&app.pool)
            .await
            .unwrap();
    }
    let got = robot.got.lock().unwrap().clone();
    let texts: Vec<String> = got
        .iter()
        .map(|(_, b)| b["text"]["content"].as_str().unwrap().to_string())
        .collect();
    let notices: Vec<&String> = texts
        .iter()
        .filter(|t| t.starts_with(zh().event_kind(zhuanban::domain::notification::EventKind::NoticePublished)))
        .collect();
    assert_eq!(notices.len(), 1, "one message for the notice: {notices:?}");
    assert!(notices[0].contains(&format!("点名{named}个单位")), "{}", notices[0]);
    assert!(
        notices[0].contains("https://zb.example.gov.cn/notices/"),
        "{}",
        notices[0]
    );
    assert!(
        texts.iter().any(|t| t.contains("矿区道路用地报批")
            && t.ends_with(&format!("查看详情 https://zb.example.gov.cn/items/{item}"))),
        "the item's message links to the item: {texts:?}"
    );
}

#[tokio::test]
async fn the_running_worker_keeps_sending_while_a_robot_hangs_and_stops_when_told() {
    let app = spawn_demo_app().await;
    let day = today(&app).await;
    let (slow, fast) = hanging_and_county_robots(&app).await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(webhooks::run_forever(app.pool.clone(), None, stopped));
    let got = |n: usize| {
        let fast = fast.clone();
        async move {
            for _ in 0..300 {
                if fast.got.lock().unwrap().len() >= n {
                    return true;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            false
        }
    };
    // The unit's robot takes the first message and hangs; the county's gets it.
    add_item(&app, JINZHU, "zrzyj", "矿区道路用地报批", day - days(1)).await;
    recompute_as_of(&app, None).await;
    assert!(got(1).await, "the county's robot got the first message");
    // A later message, for another unit: the county's robot gets it while the other still hangs.
    add_item(&app, JINZHU, "fgw", "能评报告审查", day - days(1)).await;
    recompute_as_of(&app, None).await;
    assert!(got(2).await, "the county's robot got the next message");
    assert_eq!(*slow.answered.lock().unwrap(), 0, "the unit's robot has not answered");
    slow.release.notify_one();
    // Stopping waits for the turns under way, and ends.
    stop.send(true).unwrap();
    worker.await.unwrap();
}
