use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::spawn_demo_app;

#[tokio::test]
async fn a_bearer_token_authenticates_the_api() {
    let app = spawn_demo_app().await;
    app.recompute().await;
    let secret = app.bearer("official").await;
    let http = reqwest::Client::new();
    let me: Value = http
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "official");
    assert_eq!(me["role"], "official");
    let list: Value = http
        .get(format!("{}/api/v1/projects", app.base))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 5);
    let cnnc = list.iter().find(|p| p["name"] == "中核南方新材料独居石项目").unwrap();
    assert_eq!(cnnc["status"], "red");
    assert_eq!(cnnc["red_items"], 2);
    assert_eq!(cnnc["yellow_items"], 1);
    let qixiang = list.iter().find(|p| p["company"] == "崇义祺祥新能源有限公司").unwrap();
    assert_eq!(qixiang["status"], "yellow");
    assert_eq!(qixiang["stage"], "construction_started");
}

#[tokio::test]
async fn a_wrong_or_missing_token_is_a_401_with_a_json_body() {
    let app = spawn_demo_app().await;
    let http = reqwest::Client::new();
    for r in [
        http.get(format!("{}/api/v1/me", app.base))
            .bearer_auth("zb_nope")
            .send()
            .await
            .unwrap(),
        http.get(format!("{}/api/v1/me", app.base)).send().await.unwrap(),
    ] {
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"], "unauthorized");
        assert!(body["message"].is_string());
    }
}

#[tokio::test]
async fn a_revoked_token_no_longer_works() {
    let app = spawn_demo_app().await;
    let secret = app.bearer("official").await;
    sqlx::query("UPDATE api_tokens SET revoked_at = now()")
        .execute(&app.pool)
        .await
        .unwrap();
    let r = reqwest::Client::new()
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_api_shows_an_investor_only_their_project() {
    let app = spawn_demo_app().await;
    let secret = app.bearer("investor").await;
    let http = reqwest::Client::new();
    let list: Value = http
        .get(format!("{}/api/v1/projects", app.base))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let foreign = app.project_id("金竹矿业萤石矿项目").await;
    let r = http
        .get(format!("{}/api/v1/projects/{foreign}", app.base))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body = r.text().await.unwrap();
    assert!(!body.contains("金竹"));
    let own = app.project_id("祺祥新能源年产2万吨电池级碳酸锂项目").await;
    let p: Value = http
        .get(format!("{}/api/v1/projects/{own}", app.base))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(p["status"], "yellow");
    assert!(p["status_reason"].as_str().unwrap().contains("施工临时用电增容"));
    assert_eq!(p["task_force"]["lead_unit"], "县工业园区管委会");
}

#[tokio::test]
async fn malformed_ids_in_the_api_are_json_404s() {
    let app = spawn_demo_app().await;
    let secret = app.bearer("official").await;
    for path in [
        "/api/v1/projects/123",
        "/api/v1/projects/00000000-0000-0000-0000-000000000000",
        "/api/v1/nothing",
    ] {
        let r = reqwest::Client::new()
            .get(format!("{}{path}", app.base))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"], "not_found");
    }
}

#[tokio::test]
async fn the_session_cookie_also_authenticates_the_api() {
    let app = spawn_demo_app().await;
    let client = app.demo_login("lead").await;
    let list: Value = client.get("/api/v1/projects").await.json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let app = spawn_demo_app().await;
    let doc: Value = reqwest::get(format!("{}/api/v1/openapi.json", app.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["paths"]["/api/v1/projects/{id}"]["get"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
