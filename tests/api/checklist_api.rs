//! The JSON API of units, projects and checklist items, with the pages' permissions.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Api, spawn_demo_app};

#[tokio::test]
async fn units_are_listed_and_added_by_admins_and_officials() {
    let app = spawn_demo_app().await;
    let official = Api::as_user(&app, "official").await;
    let (status, list) = official.get("/api/v1/units").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|u| u["code"] == "zrzyj" && u["name"] == "县自然资源局")
    );
    let (status, unit) = official
        .post("/api/v1/units", json!({"code": "rfb", "name": "县人防办"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(unit["code"], "rfb");
    let (status, err) = official
        .post("/api/v1/units", json!({"code": "rfb", "name": "另一个"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["fields"]["code"].is_string());
    let (status, err) = official
        .post("/api/v1/units", json!({"code": "Bad Code", "name": ""}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["fields"]["code"].is_string() && err["fields"]["name"].is_string());
    let member = Api::as_user(&app, "member").await;
    let (status, _) = member
        .post("/api/v1/units", json!({"code": "x1", "name": "某局"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'unit.create'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn an_official_creates_a_project_and_a_lead_keeps_its_checklist() {
    let app = spawn_demo_app().await;
    let official = Api::as_user(&app, "official").await;
    let (status, project) = official
        .post(
            "/api/v1/projects",
            json!({
                "name": "年产5万吨锂电池回收项目", "company": "崇义循环科技有限公司", "park": "龙勾工业园",
                "total_investment": 80000, "stage": "signed",
                "task_force": {"leader": "副县长 李明", "lead_unit": "gyyq", "member_units": ["zrzyj", "fgw"]}
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{project}");
    let id = project["id"].as_str().unwrap().to_string();
    assert_eq!(project["status"], "green");
    assert_eq!(project["stage"], "signed");
    assert_eq!(project["task_force"]["lead_unit"], "县工业园区管委会");
    assert_eq!(project["task_force"]["member_units"].as_array().unwrap().len(), 2);

    let (status, item) = official
        .post(
            &format!("/api/v1/projects/{id}/items"),
            json!({"title": "用地预审", "responsible_unit": "zrzyj", "deadline": "2026-01-01", "category": "land"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    assert_eq!(item["state"], "open");
    assert_eq!(item["status"], "red", "a past deadline is overdue from the start");
    assert!(item["overdue_days"].as_i64().unwrap() > 7);
    assert_eq!(item["version"], 1);
    assert_eq!(item["original_deadline"], "2026-01-01");

    let (status, list) = official.get(&format!("/api/v1/projects/{id}/items")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);
    // The list carries the engine's figures, which the job brings up to date after every change.
    app.recompute().await;
    let (_, projects) = official.get("/api/v1/projects").await;
    let row = projects
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        (
            row["status"].clone(),
            row["red_items"].clone(),
            row["open_items"].clone()
        ),
        (json!("red"), json!(1), json!(1))
    );
}

#[tokio::test]
async fn bad_project_and_item_requests_are_422_with_the_fields_named() {
    let app = spawn_demo_app().await;
    let official = Api::as_user(&app, "official").await;
    let (status, err) = official
        .post(
            "/api/v1/projects",
            json!({"name": " ", "company": "c", "investment_code": "1", "task_force": {"lead_unit": "nope"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["fields"]["name"].is_string() && err["fields"]["investment_code"].is_string());
    let (status, err) = official
        .post(
            "/api/v1/projects",
            json!({"name": "n", "company": "c", "task_force": {"lead_unit": "nope"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["fields"]["lead_unit"].is_string());
    let (status, err) = official.post("/api/v1/projects", json!({"name": 5})).await;
    assert!(status.is_client_error());
    assert!(err["message"].is_string(), "malformed JSON gets a JSON error");

    let qixiang = app.project_id("祺祥新能源年产2万吨电池级碳酸锂项目").await;
    let (status, err) = official
        .post(
            &format!("/api/v1/projects/{qixiang}/items"),
            json!({"title": "", "responsible_unit": "nope", "deadline": "2026-02-30"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["fields"]["title"].is_string() && err["fields"]["deadline"].is_string());
    let (status, err) = official
        .post(
            &format!("/api/v1/projects/{qixiang}/items"),
            json!({"title": "t", "responsible_unit": "nope", "deadline": "2026-12-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["fields"]["responsible_unit"].is_string());
}

#[tokio::test]
async fn a_stale_patch_is_409_with_the_current_item_and_changes_nothing() {
    let app = spawn_demo_app().await;
    let lead = Api::as_user(&app, "lead").await;
    let official = Api::as_user(&app, "official").await;
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM checklist_items WHERE title = '取水许可'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (status, item) = official
        .patch(
            &format!("/api/v1/items/{id}"),
            json!({"version": 1, "title": "取水许可（加急）"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{item}");
    assert_eq!(item["version"], 2);
    let (status, conflict) = lead
        .patch(
            &format!("/api/v1/items/{id}"),
            json!({"version": 1, "title": "取水许可证"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(conflict["error"], "conflict");
    assert_eq!(conflict["current"]["title"], "取水许可（加急）");
    assert_eq!(conflict["current"]["version"], 2);
    let (_, now) = lead.get(&format!("/api/v1/items/{id}")).await;
    assert_eq!(now["title"], "取水许可（加急）");

    let (status, err) = lead
        .patch(
            &format!("/api/v1/items/{id}"),
            json!({"version": 2, "deadline": "2027-03-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["fields"]["deadline_reason"].is_string());
    let (status, moved) = lead
        .patch(
            &format!("/api/v1/items/{id}"),
            json!({"version": 2, "deadline": "2027-03-01", "deadline_reason": "水资源论证延期"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(moved["deadline"], "2027-03-01");
    assert_ne!(
        moved["original_deadline"], "2027-03-01",
        "the original deadline is kept"
    );
}

#[tokio::test]
async fn items_are_submitted_verified_reopened_and_take_progress_through_the_api() {
    let app = spawn_demo_app().await;
    let member = Api::as_user(&app, "member").await;
    let official = Api::as_user(&app, "official").await;
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM checklist_items WHERE title = '宿舍楼规划方案调整'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (status, update) = member
        .post(&format!("/api/v1/items/{id}/updates"), json!({"body": "图纸已送审"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(update["body"], "图纸已送审");
    let (status, _) = member
        .post(
            &format!("/api/v1/items/{id}/close"),
            json!({"version": 1, "note": "已批复"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the unit submits; it does not close");
    let (status, err) = member
        .post(&format!("/api/v1/items/{id}/submit"), json!({"version": 1, "note": ""}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["fields"]["note"].is_string());
    let (status, submitted) = member
        .post(
            &format!("/api/v1/items/{id}/submit"),
            json!({"version": 1, "note": "已批复"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(submitted["state"], "submitted");
    assert_eq!(submitted["waiting_working_days"], 0);
    assert!(submitted["status"].is_string(), "a submitted item keeps its colour");
    let (status, closed) = official
        .post(&format!("/api/v1/items/{id}/verify"), json!({"version": 2}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(closed["state"], "done");
    assert_eq!(closed["closing_note"], "已批复", "the evidence note closes the item");
    assert_eq!(closed["status"], Value::Null, "closed items have no colour");
    let (status, again) = official
        .post(
            &format!("/api/v1/items/{id}/close"),
            json!({"version": 3, "note": "再次"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(again["error"], "invalid_state");
    let (status, reopened) = member
        .post(
            &format!("/api/v1/items/{id}/reopen"),
            json!({"version": 3, "reason": "批复有误"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reopened["state"], "open");
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        actions,
        vec!["item.progress", "item.submit", "item.verify", "item.reopen"]
    );
}

#[tokio::test]
async fn the_api_applies_the_pages_permissions() {
    let app = spawn_demo_app().await;
    let jinzhu = app.project_id("金竹矿业萤石矿项目").await;
    let qixiang = app.project_id("祺祥新能源年产2万吨电池级碳酸锂项目").await;
    let foreign_item: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM checklist_items WHERE title = '安全设施竣工验收'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let new_item = json!({"title": "t", "responsible_unit": "zjj", "deadline": "2026-12-01"});
    let lead = Api::as_user(&app, "lead").await;
    assert_eq!(
        lead.post(&format!("/api/v1/projects/{jinzhu}/items"), new_item.clone())
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        lead.post(&format!("/api/v1/projects/{qixiang}/items"), new_item.clone())
            .await
            .0,
        StatusCode::CREATED
    );
    let member = Api::as_user(&app, "member").await;
    assert_eq!(
        member
            .post(&format!("/api/v1/projects/{qixiang}/items"), new_item.clone())
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let other_unit: uuid::Uuid = sqlx::query_scalar("SELECT id FROM checklist_items WHERE title = '施工临时用电增容'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (status, _) = member
        .post(
            &format!("/api/v1/items/{other_unit}/close"),
            json!({"version": 1, "note": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = member
        .patch(
            &format!("/api/v1/items/{other_unit}"),
            json!({"version": 1, "title": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let investor = Api::as_user(&app, "investor").await;
    let (status, items) = investor.get(&format!("/api/v1/projects/{qixiang}/items")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        items.as_array().unwrap().iter().all(|i| i.get("note").is_none()),
        "no internal notes: {items}"
    );
    for (status, body) in [
        investor.get(&format!("/api/v1/projects/{jinzhu}/items")).await,
        investor.get(&format!("/api/v1/items/{foreign_item}")).await,
        investor
            .patch(&format!("/api/v1/items/{foreign_item}"), json!({"version": 1}))
            .await,
        investor
            .post(
                &format!("/api/v1/items/{foreign_item}/close"),
                json!({"version": 1, "note": "x"}),
            )
            .await,
        investor
            .post(&format!("/api/v1/items/{foreign_item}/updates"), json!({"body": "x"}))
            .await,
        investor.get("/api/v1/items/not-a-uuid").await,
    ] {
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert!(!body.to_string().contains("安全设施"));
    }
    let (status, _) = investor
        .post(
            "/api/v1/projects",
            json!({"name": "n", "company": "c", "task_force": {"lead_unit": "gxj"}}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
