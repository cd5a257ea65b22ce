//! An official's adjustments: items exempted with a reason and a last day (they keep their colour,
//! marked, but leave the lists, the notices and their project's colour), and lifted again.

use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;

use crate::harness::{Api, TestApp, spawn_demo_app, zh};

const JINZHU: &str = "金竹矿业萤石矿项目";

/// The task forces on the live black list, by project name.
async fn black_list(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT p.name FROM ranking_entries e JOIN ranking_snapshots s ON s.id = e.snapshot_id
         JOIN projects p ON p.id = e.project_id WHERE s.kind = 'current' AND e.list = 'black'
         ORDER BY e.list_position",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// 金竹's one red item (the demo's).
async fn red_item(app: &TestApp, project: &str) -> Uuid {
    let today = app.today().await;
    sqlx::query_scalar(
        "SELECT i.id FROM checklist_items i JOIN projects p ON p.id = i.project_id
         WHERE p.name = $1 AND i.state = 'open' AND $2 - i.deadline > 7",
    )
    .bind(project)
    .bind(today)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn audited(app: &TestApp, action: &str, item: Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = $1 AND entity_id = $2")
        .bind(action)
        .bind(item)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_exempted_red_item_leaves_the_black_list_with_its_reason_shown_until_lifted() {
    let app = spawn_demo_app().await;
    let today = app.today().await;
    app.recompute().await;
    assert!(black_list(&app).await.contains(&JINZHU.to_string()));
    let item = red_item(&app, JINZHU).await;
    let path = format!("/api/v1/items/{item}/exemption");
    let until = (today + Duration::days(10)).to_string();

    // Only officials exempt (the others are refused, or do not see the item at all).
    for who in ["admin", "lead", "member", "investor"] {
        let (got, _) = Api::as_user(&app, who)
            .await
            .post(&path, json!({"reason": "暴雨", "until": until}))
            .await;
        assert!(
            matches!(got, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{who}: {got}"
        );
    }
    let official = Api::as_user(&app, "official").await;
    let (status, body) = official
        .post(
            &path,
            json!({"reason": " ", "until": (today - Duration::days(1)).to_string()}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let named = body.to_string();
    assert!(named.contains("reason") && named.contains("until"), "{body}");
    assert_eq!(audited(&app, "item.exempt", item).await, 0, "nothing written");

    let (status, body) = official
        .post(&path, json!({"reason": "暴雨冲毁矿区道路，不可抗力", "until": until}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["exempt_until"], json!(until));
    assert_eq!(body["status"], json!("red"), "it keeps its colour");
    assert_eq!(audited(&app, "item.exempt", item).await, 1);

    app.recompute().await;
    assert!(
        !black_list(&app).await.contains(&JINZHU.to_string()),
        "the exempt item no longer counts"
    );
    let project = app.project_id(JINZHU).await;
    let (_, shown) = official.get(&format!("/api/v1/projects/{project}")).await;
    assert_eq!(shown["checklist_status"], json!("green"), "{shown}");
    assert_eq!(shown["red_items"], json!(0));
    let (_, read) = official.get(&format!("/api/v1/items/{item}")).await;
    assert_eq!(read["exemption_reason"], json!("暴雨冲毁矿区道路，不可抗力"));

    // The rankings page names it with who and why; the checklist marks it.
    let browser = app.demo_login("official").await;
    let (_, rankings) = browser.get_text("/rankings").await;
    assert!(
        rankings.contains(zh().standings.exemptions_heading) && rankings.contains("暴雨冲毁矿区道路，不可抗力"),
        "{rankings}"
    );
    let (_, page) = browser.get_text(&format!("/projects/{project}")).await;
    assert!(
        page.contains(&zh().exempt_until(&(today + Duration::days(10)))),
        "marked on the checklist"
    );

    // The week's notice leaves it out of the red items and reports the exemption.
    let r = browser.publish_week(&[("title", "第一期通报")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let notice = r.headers()["location"].to_str().unwrap().to_string();
    let (_, body) = official.get(&format!("/api/v1{notice}")).await;
    let content = &body["content"];
    assert_eq!(
        content["exemptions"][0]["reason"],
        json!("暴雨冲毁矿区道路，不可抗力"),
        "{body}"
    );
    let red_titles = content["red_items"].to_string();
    let title: String = sqlx::query_scalar("SELECT title FROM checklist_items WHERE id = $1")
        .bind(item)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!red_titles.contains(&title), "{red_titles}");

    let (status, body) = official.send(Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["exempt_until"], json!(null));
    assert_eq!(audited(&app, "item.exemption_lifted", item).await, 1);
    app.recompute().await;
    assert!(black_list(&app).await.contains(&JINZHU.to_string()), "it counts again");
}

#[tokio::test]
async fn the_exemption_form_keeps_what_was_typed_and_names_the_wrong_field() {
    let app = spawn_demo_app().await;
    let today = app.today().await;
    let item = red_item(&app, JINZHU).await;
    let official = app.demo_login("official").await;
    let (_, page) = official.get_text(&format!("/items/{item}")).await;
    assert!(page.contains(zh().items.exemption_heading));
    let r = official
        .submit(
            &format!("/items/{item}/exemption"),
            &[
                ("reason", "政策调整，待省厅批复"),
                ("until", &(today - Duration::days(1)).to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("政策调整，待省厅批复"), "the reason is kept");
    assert!(
        page.contains(r#"id="exemption-until-error""#)
            && page.contains(&zh().problem(zhuanban::domain::input::Problem::DateInPast))
    );

    let r = official
        .submit(
            &format!("/items/{item}/exemption"),
            &[("reason", "政策调整，待省厅批复"), ("until", &today.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = official.get_text(&format!("/items/{item}")).await;
    assert!(page.contains(&zh().exempt_until(&today)) && page.contains("政策调整，待省厅批复"));

    // Nobody but an official lifts it.
    let lead = app.demo_login("lead").await;
    let r = lead.submit(&format!("/items/{item}/exemption/lift"), &[]).await;
    assert!(matches!(r.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND));
    let r = official.submit(&format!("/items/{item}/exemption/lift"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = official.get_text(&format!("/items/{item}")).await;
    assert!(!page.contains(&zh().exempt_until(&today)));
}

/// The exemption rule written once in SQL (`item_counts`, migration 0021) is the domain's, at its
/// boundaries: no exemption, ending yesterday, today and tomorrow.
#[tokio::test]
async fn the_sql_exemption_rule_is_the_domains() {
    use zhuanban::domain::adjustment::counts;
    let app = crate::harness::spawn_app().await;
    let today = app.today().await;
    for until in [None, Some(-1), Some(0), Some(1)] {
        let until = until.map(|d| today + Duration::days(d));
        let sql: bool = sqlx::query_scalar("SELECT item_counts($1, $2)")
            .bind(today)
            .bind(until)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert_eq!(sql, counts(until, today), "exempt until {until:?}");
    }
}

#[tokio::test]
async fn an_official_sets_a_projects_colour_with_a_reason_beside_the_computed_one_until_it_ends() {
    let app = spawn_demo_app().await;
    let today = app.today().await;
    app.recompute().await;
    let project = app.project_id("章源钨业三期碳化钨粉项目").await;
    let path = format!("/api/v1/projects/{project}/override");
    let official = Api::as_user(&app, "official").await;
    let (_, before) = official.get(&format!("/api/v1/projects/{project}")).await;
    let computed = before["status"].clone();
    assert_ne!(computed, json!("red"), "{before}");

    let (status, _) = Api::as_user(&app, "admin")
        .await
        .post(
            &path,
            json!({"status": "red", "reason": "x", "until": today.to_string()}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = official
        .post(
            &path,
            json!({"status": "red", "reason": "", "until": today.to_string()}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.to_string().contains("reason"), "{body}");

    let until = today + Duration::days(7);
    let reason = "县长研判：用地报批存在重大风险";
    let (status, body) = official
        .post(
            &path,
            json!({"status": "red", "reason": reason, "until": until.to_string()}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["status"].clone(), body["computed_status"].clone()),
        (json!("red"), computed.clone())
    );
    assert_eq!(body["status_override"]["reason"], json!(reason));
    assert!(body["status_reason"].as_str().unwrap().contains(reason), "{body}");
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'project.override' AND entity_id = $1")
            .bind(project)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(audited, 1);

    // Everywhere the colour shows: the lists (as of the engine's run, which the change wakes), their
    // colour filter, the page with who, why and until when.
    app.recompute().await;
    let (_, list) = official.get("/api/v1/projects").await;
    let listed = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == json!(project))
        .unwrap();
    assert_eq!(listed["status"], json!("red"));
    let browser = app.demo_login("official").await;
    let (_, reds) = browser.get_text("/projects?colour=red").await;
    assert!(reds.contains("章源钨业三期碳化钨粉项目"));
    let (_, page) = browser.get_text(&format!("/projects/{project}")).await;
    assert!(
        page.contains(reason) && page.contains(&until.to_string()),
        "who, why and until when"
    );

    // It ends by itself after its last day.
    sqlx::query("UPDATE projects SET override_until = $2 WHERE id = $1")
        .bind(project)
        .bind(today - Duration::days(1))
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, after) = official.get(&format!("/api/v1/projects/{project}")).await;
    assert_eq!(
        (after["status"].clone(), after["status_override"].clone()),
        (computed.clone(), json!(null))
    );

    // And an official lifts one at once.
    official
        .post(
            &path,
            json!({"status": "yellow", "reason": reason, "until": until.to_string()}),
        )
        .await;
    let (status, body) = official.send(Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], computed);
}

#[tokio::test]
async fn the_colour_form_keeps_what_was_typed_and_names_the_wrong_field() {
    let app = spawn_demo_app().await;
    let today = app.today().await;
    let project = app.project_id("章源钨业三期碳化钨粉项目").await;
    let official = app.demo_login("official").await;
    let r = official
        .submit(
            &format!("/projects/{project}/override"),
            &[
                ("colour", "purple"),
                ("reason", "领导研判"),
                ("until", &today.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("领导研判") && page.contains(r#"id="override-colour-error""#));
    let r = official
        .submit(
            &format!("/projects/{project}/override"),
            &[
                ("colour", "yellow"),
                ("reason", "领导研判"),
                ("until", &today.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = official.get_text(&format!("/projects/{project}")).await;
    assert!(page.contains("领导研判") && page.contains(zh().projects.override_lift));
    let r = official
        .submit(&format!("/projects/{project}/override/lift"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = official.get_text(&format!("/projects/{project}")).await;
    assert!(!page.contains(zh().projects.override_lift));
}

/// The entry of `name` on either list of a rankings answer.
fn listed<'a>(rankings: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    ["red_list", "black_list"]
        .iter()
        .flat_map(|l| rankings[*l].as_array().unwrap())
        .find(|e| e["name"] == json!(name))
        .unwrap_or_else(|| panic!("{name} on no list: {rankings}"))
}

#[tokio::test]
async fn the_scored_method_ranks_by_points_with_their_breakdown_and_a_frozen_week_keeps_its_weights() {
    let app = spawn_demo_app().await;
    sqlx::query("UPDATE settings SET ranking_method = 1")
        .execute(&app.pool)
        .await
        .unwrap();
    app.recompute().await;
    let official = Api::as_user(&app, "official").await;
    let (status, live) = official.get("/api/v1/rankings").await;
    assert_eq!(status, StatusCode::OK, "{live}");
    assert_eq!(live["method"]["kind"], json!("score"));
    assert_eq!(live["method"]["weights"]["red_item"], json!(10));
    let scores = |list: &str| -> Vec<i64> {
        live[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["score"].as_i64().unwrap())
            .collect()
    };
    let (top, bottom) = (scores("red_list"), scores("black_list"));
    assert!(!top.is_empty() && !bottom.is_empty(), "{live}");
    assert!(top.windows(2).all(|w| w[0] >= w[1]), "the top, best first: {top:?}");
    assert!(
        bottom.windows(2).all(|w| w[0] <= w[1]) && bottom.iter().all(|s| *s < 100),
        "{bottom:?}"
    );
    let cnnc = listed(&live, "中核南方新材料独居石项目");
    assert_eq!(
        cnnc["score_breakdown"]["red_items"],
        json!(-20),
        "two red items at 10 each: {cnnc}"
    );
    let b = &cnnc["score_breakdown"];
    let sum: i64 = [
        "red_items",
        "overdue_days",
        "late_requests",
        "late_orders",
        "on_time_items",
        "investment",
    ]
    .iter()
    .map(|k| b[*k].as_i64().unwrap())
    .sum();
    assert_eq!(cnnc["score"].as_i64().unwrap(), 100 + sum, "the score is its breakdown");

    // The rankings page writes the method out and shows each score with its breakdown.
    let browser = app.demo_login("official").await;
    let (_, page) = browser.get_text("/rankings").await;
    assert!(
        page.contains("按积分排名") && page.contains(zh().standings.col_score),
        "{page}"
    );

    // New weights rank the live lists anew; the week frozen before keeps its own.
    let week: chrono::NaiveDate =
        sqlx::query_scalar("SELECT as_of FROM ranking_snapshots WHERE kind = 'weekly' ORDER BY as_of DESC LIMIT 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let (_, frozen_before) = official.get(&format!("/api/v1/rankings?as_of={week}")).await;
    sqlx::query("UPDATE settings SET score_red_item = 50")
        .execute(&app.pool)
        .await
        .unwrap();
    app.recompute().await;
    let (_, live) = official.get("/api/v1/rankings").await;
    assert_eq!(
        listed(&live, "中核南方新材料独居石项目")["score_breakdown"]["red_items"],
        json!(-100)
    );
    let (_, frozen) = official.get(&format!("/api/v1/rankings?as_of={week}")).await;
    assert_eq!(frozen["source"], json!("weekly"));
    assert_eq!(frozen["method"]["weights"]["red_item"], json!(10), "{frozen}");
    assert_eq!(
        frozen, frozen_before,
        "a change of weights never rewrites a frozen week"
    );
}
