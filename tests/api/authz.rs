//! The authorization matrix: every route of the router, for anonymous users and every role, with
//! the caller's own objects and with foreign ones, against the expected answers in `authz.txt`.
//! The routes are the router's own table (`routes::served`), so a new route without a rule fails here.

use std::collections::{BTreeSet, HashMap};

use reqwest::{Method, StatusCode};
use uuid::Uuid;

use crate::harness::{Client, TestApp, csrf_from, spawn_demo_app};

const TABLE: &str = include_str!("authz.txt");
const ROLES: [&str; 6] = ["anon", "admin", "official", "lead", "member", "investor"];
const QIXIANG: &str = "祺祥新能源年产2万吨电池级碳酸锂项目";

/// Every (method, path) the router serves, from the router's own table.
fn routes_in_router() -> BTreeSet<(String, String)> {
    zhuanban::routes::served()
        .into_iter()
        .map(|(method, path)| (method.to_string(), path.to_string()))
        .collect()
}

/// One line of the table: the expected answer per role, `own/foreign` when they differ.
pub(crate) struct Rule {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) expected: HashMap<&'static str, (String, String)>,
    body: Option<String>,
}

pub(crate) fn rules() -> Vec<Rule> {
    TABLE
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let mut words = line.split_whitespace();
            let method = words.next().unwrap().to_string();
            let path = words.next().unwrap().to_string();
            let expected = ROLES
                .iter()
                .map(|role| {
                    let cell = words.next().unwrap_or_else(|| panic!("{line}: no answer for {role}"));
                    let (own, foreign) = cell.split_once('/').unwrap_or((cell, cell));
                    (*role, (own.to_string(), foreign.to_string()))
                })
                .collect();
            // The rest of the line is the JSON body an API write is tried with: valid, so that
            // the answer is the authorization's, not the body parser's.
            let body = words.collect::<Vec<_>>().join(" ");
            Rule {
                method,
                path,
                expected,
                body: (!body.is_empty()).then_some(body),
            }
        })
        .collect()
}

#[test]
fn every_route_has_a_rule_and_every_rule_a_route() {
    let routes = routes_in_router();
    assert!(routes.len() > 50, "the router was read: {routes:?}");
    let listed: BTreeSet<(String, String)> = rules().into_iter().map(|r| (r.method, r.path)).collect();
    let missing: Vec<_> = routes.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&routes).collect();
    assert!(missing.is_empty(), "routes without a rule in authz.txt: {missing:#?}");
    assert!(stale.is_empty(), "rules for routes that do not exist: {stale:#?}");
}

/// The objects a placeholder stands for, own and foreign, per role.
pub(crate) struct Fixtures {
    values: HashMap<(&'static str, &'static str), (String, String)>,
}

impl Fixtures {
    /// A JSON body naming `{project}`: the role's own project, or the foreign one.
    fn fill_body(&self, body: &str, role: &'static str, foreign: bool) -> String {
        let (own, other) = &self.values[&(role, "project")];
        body.replace("{project}", if foreign { other } else { own })
    }

    /// The path with each `{…}` replaced by the object its preceding segment names.
    pub(crate) fn fill(&self, path: &str, role: &'static str, foreign: bool) -> String {
        let segments: Vec<&str> = path.split('/').collect();
        segments
            .iter()
            .enumerate()
            .map(|(i, s)| {
                if !s.starts_with('{') {
                    return s.to_string();
                }
                let kind = match segments[i - 1] {
                    "projects" => "project",
                    "items" => "item",
                    "requests" => "request",
                    "meetings" => "meeting",
                    "notices" => "notice",
                    "units" => "unit",
                    "attachments" => "attachment",
                    "templates" => "template",
                    "webhooks" => "webhook",
                    "inbox" => "notification",
                    "supervision" => "supervision",
                    "monthly-reports" => "report",
                    "monthly" => "month",
                    "plans" => "year",
                    "lang" => return "en".to_string(),
                    "static" => "asset",
                    "ics" => "feed",
                    other => panic!("no fixture for {{…}} after {other} in {path}"),
                };
                let (own, other) = &self.values[&(role, kind)];
                if foreign { other.clone() } else { own.clone() }
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

async fn id(app: &TestApp, sql: &str) -> String {
    let id: Uuid = sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap();
    id.to_string()
}

/// A project no demo account but officials and admins can see: another lead unit, no liaison,
/// no investor, and not the demo member's unit.
async fn foreign_project(app: &TestApp, official: &Client) -> Uuid {
    let fields = [
        ("name", "隔离测试项目"),
        ("company", "隔离测试有限公司"),
        ("stage", "signed"),
        ("lead_unit", "swj"),
        ("member_units", "slj"),
    ];
    let r = official.submit("/projects", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let project = app.project_id("隔离测试项目").await;
    let r = official
        .submit(
            &format!("/projects/{project}/items"),
            &[
                ("title", "取水许可（隔离）"),
                ("responsible_unit", "slj"),
                ("deadline", "2027-03-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let investor: Uuid = sqlx::query_scalar(
        "INSERT INTO users (username, display_name, role, password_hash) VALUES ('other-co', 'Other', 'investor', 'x')
         RETURNING id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO investor_requests (project_id, submitted_by, title) VALUES ($1, $2, '隔离诉求')")
        .bind(project)
        .bind(investor)
        .execute(&app.pool)
        .await
        .unwrap();
    let meeting: Uuid = sqlx::query_scalar(
        "INSERT INTO meetings (kind, title, starts_at) VALUES ('onsite', '隔离现场调度', now() + interval '1 day')
         RETURNING id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO meeting_projects (meeting_id, project_id) VALUES ($1, $2)")
        .bind(meeting)
        .bind(project)
        .execute(&app.pool)
        .await
        .unwrap();
    project
}

pub(crate) async fn fixtures(app: &TestApp, official: &Client) -> Fixtures {
    let foreign = foreign_project(app, official).await;
    // Units read the notices that name them: one names the lead's and the member's units, one not.
    for title in ["矩阵测试通报", "矩阵测试通报二"] {
        let r = official.publish_week(&[("title", title)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let naming = id(app, "SELECT id FROM notices WHERE title = '矩阵测试通报'").await;
    let not_naming = id(app, "SELECT id FROM notices WHERE title = '矩阵测试通报二'").await;
    sqlx::query(
        "INSERT INTO notice_units (notice_id, unit_id) SELECT $1::uuid, id FROM units WHERE code IN ('gyyq', 'zrzyj')
         ON CONFLICT DO NOTHING",
    )
    .bind(&naming)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "DELETE FROM notice_units WHERE notice_id = $1::uuid
           AND unit_id IN (SELECT id FROM units WHERE code IN ('gyyq', 'zrzyj'))",
    )
    .bind(&not_naming)
    .execute(&app.pool)
    .await
    .unwrap();
    let own_project = app.project_id(QIXIANG).await;
    let own_item = id(
        app,
        &format!(
            "SELECT i.id FROM checklist_items i JOIN units u ON u.id = i.responsible_unit_id
             WHERE i.project_id = '{own_project}' AND u.code = 'zrzyj' AND i.state = 'open' LIMIT 1"
        ),
    )
    .await;
    let foreign_item = id(
        app,
        &format!("SELECT id FROM checklist_items WHERE project_id = '{foreign}'"),
    )
    .await;
    let own_request = id(
        app,
        &format!("SELECT id FROM investor_requests WHERE project_id = '{own_project}' AND state = 'pending' LIMIT 1"),
    )
    .await;
    let foreign_request = id(
        app,
        &format!("SELECT id FROM investor_requests WHERE project_id = '{foreign}'"),
    )
    .await;
    let own_meeting = id(
        app,
        &format!(
            "SELECT m.id FROM meetings m JOIN meeting_projects mp ON mp.meeting_id = m.id
             WHERE mp.project_id = '{own_project}' ORDER BY m.starts_at DESC LIMIT 1"
        ),
    )
    .await;
    let foreign_meeting = id(
        app,
        &format!("SELECT meeting_id FROM meeting_projects WHERE project_id = '{foreign}'"),
    )
    .await;
    let attachment = |item: &str| {
        format!(
            "INSERT INTO item_attachments (item_id, name, content_type, size, content, for_investor)
             VALUES ('{item}', 'a.txt', 'text/plain', 1, 'x', true) RETURNING id"
        )
    };
    let own_attachment = id(app, &attachment(&own_item)).await;
    let foreign_attachment = id(app, &attachment(&foreign_item)).await;
    let template = id(app, "SELECT id FROM checklist_templates LIMIT 1").await;
    let webhook = id(
        app,
        "INSERT INTO webhooks (url, format) VALUES ('http://127.0.0.1:9/robot', 'wecom') RETURNING id",
    )
    .await;
    let today = app.today().await;
    let order = |item: &str, unit: &str| {
        format!(
            "INSERT INTO supervision_orders (item_id, unit_id, demand, reply_due, issued_on)
             SELECT '{item}', id, '限期整改', date '{today}' + 3, date '{today}' FROM units WHERE code = '{unit}'
             RETURNING id"
        )
    };
    let own_order = id(app, &order(&own_item, "zrzyj")).await;
    let foreign_order = id(app, &order(&foreign_item, "slj")).await;
    // The inbox is addressed by event: one in every account's inbox, one in nobody's.
    let event = |key: &str| {
        format!("INSERT INTO events (kind, dedup_key, subject) VALUES ('item_assigned', '{key}', '矩阵') RETURNING id")
    };
    let own_event = id(app, &event("authz-own")).await;
    let foreign_event = id(app, &event("authz-foreign")).await;
    sqlx::query("INSERT INTO notifications (event_id, user_id) SELECT $1::uuid, id FROM users")
        .bind(&own_event)
        .execute(&app.pool)
        .await
        .unwrap();
    // The investor's draft of the month on Qixiang (demo), and a report of the foreign project.
    let own_report = id(app, "SELECT id FROM monthly_reports WHERE NOT confirmed LIMIT 1").await;
    let foreign_report = id(
        app,
        &format!(
            "INSERT INTO monthly_reports (project_id, month, completed) VALUES ('{foreign}', date_trunc('month', date '{today}'), 1)
             RETURNING id"
        ),
    )
    .await;
    let month = zhuanban::domain::investment::reporting_month(today).to_string();
    let mut values = HashMap::new();
    for role in ROLES {
        let unit = match role {
            "lead" => "gyyq",
            _ => "zrzyj",
        };
        let pairs = [
            ("project", own_project.to_string(), foreign.to_string()),
            ("item", own_item.clone(), foreign_item.clone()),
            ("request", own_request.clone(), foreign_request.clone()),
            ("meeting", own_meeting.clone(), foreign_meeting.clone()),
            ("notice", naming.clone(), not_naming.clone()),
            ("unit", unit.to_string(), "slj".to_string()),
            (
                "feed",
                format!("{}.ics", Uuid::new_v4()),
                format!("{}.ics", Uuid::new_v4()),
            ),
            ("asset", "app.css".to_string(), "nosuch.css".to_string()),
            ("attachment", own_attachment.clone(), foreign_attachment.clone()),
            ("template", template.clone(), template.clone()),
            ("webhook", webhook.clone(), webhook.clone()),
            ("notification", own_event.clone(), foreign_event.clone()),
            ("supervision", own_order.clone(), foreign_order.clone()),
            ("report", own_report.clone(), foreign_report.clone()),
            ("month", month.clone(), month.clone()),
            ("year", today.format("%Y").to_string(), today.format("%Y").to_string()),
        ];
        for (kind, own, other) in pairs {
            values.insert((role, kind), (own, other));
        }
    }
    Fixtures { values }
}

/// The session's form token, read once.
async fn token_of(client: &Client) -> String {
    let (_, body) = client.get_text("/login").await;
    match csrf_from(&body) {
        Some(t) => t,
        None => csrf_from(&client.get_text("/projects").await.1).expect("a form token"),
    }
}

fn outcome(status: StatusCode, location: &str) -> String {
    match status.as_u16() {
        303 | 302 if location.starts_with("/login") => "login".into(),
        401 | 403 | 404 | 405 => status.as_u16().to_string(),
        s if s >= 500 => format!("{s} (server error)"),
        _ => "ok".into(),
    }
}

async fn call(client: &Client, token: &str, rule: &Rule, path: &str, body: Option<String>) -> (StatusCode, String) {
    let url = format!("{}{path}", client.base);
    let method = Method::from_bytes(rule.method.as_bytes()).unwrap();
    let req = client.http.request(method.clone(), &url);
    let req = if method == Method::GET {
        req
    } else if body.as_deref() == Some("multipart") {
        // An upload: the form token first (as the upload forms send it), then a small image.
        let png = reqwest::multipart::Part::bytes(b"\x89PNG\r\n\x1a\n0000".to_vec())
            .file_name("a.png")
            .mime_str("image/png")
            .unwrap();
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", token.to_string())
            .part("file", png);
        req.multipart(form)
    } else if let Some(body) = body {
        req.header("content-type", "application/json").body(body)
    } else {
        req.form(&[("csrf_token", token), ("version", "0")])
    };
    let r = req.send().await.unwrap();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (r.status(), location)
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_table_says() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let fixtures = fixtures(&app, &official).await;
    let mut clients = HashMap::new();
    for role in ROLES {
        let client = if role == "anon" {
            app.client()
        } else {
            app.demo_login(role).await
        };
        let token = token_of(&client).await;
        clients.insert(role, (client, token));
    }
    let mut rules = rules();
    // Logging out ends the session the other checks need: it goes last.
    rules.sort_by_key(|r| r.path == "/logout");
    let mut wrong = Vec::new();
    for rule in &rules {
        for role in ROLES {
            let (client, token) = &clients[role];
            let (own, foreign) = &rule.expected[role];
            // A route without an object is tried once.
            let tries: &[(bool, &String)] = if rule.path.contains('{') {
                &[(false, own), (true, foreign)]
            } else {
                &[(false, own)]
            };
            for &(is_foreign, expected) in tries {
                let path = fixtures.fill(&rule.path, role, is_foreign);
                let body = rule.body.as_ref().map(|b| fixtures.fill_body(b, role, is_foreign));
                let (status, location) = call(client, token, rule, &path, body).await;
                let got = outcome(status, &location);
                if &got != expected {
                    wrong.push(format!(
                        "{role:8} {} {path} ({}): expected {expected}, got {got} [{status} {location}]",
                        rule.method,
                        if is_foreign { "foreign" } else { "own" },
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} answers differ from authz.txt:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
