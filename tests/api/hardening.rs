//! What an attack from outside found answering 500, or changing input silently: each is now a
//! 4xx naming the field (with the form kept), or taken as typed.

use reqwest::StatusCode;
use serde_json::json;
use zhuanban::web::error::AppError;

use crate::checklists::edit_fields;
use crate::harness::{Api, spawn_demo_app};

const QIXIANG: &str = "祺祥新能源年产2万吨电池级碳酸锂项目";

#[tokio::test]
async fn renaming_a_project_to_a_name_in_use_names_the_field_and_keeps_the_form() {
    let app = spawn_demo_app().await;
    let qixiang = app.project_id(QIXIANG).await;
    let official = app.demo_login("official").await;
    let taken = "园区配套项目";
    let r = official
        .submit(
            "/projects",
            &[
                ("name", taken),
                ("company", "公司"),
                ("stage", "signed"),
                ("leader_name", "副县长"),
                ("lead_unit", "gxj"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut fields = edit_fields(&official, qixiang).await;
    for (k, v) in fields.iter_mut() {
        match k.as_str() {
            "name" => *v = taken.into(),
            "company" => *v = "改过的企业名".into(),
            _ => {}
        }
    }
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = official.submit(&format!("/projects/{qixiang}/edit"), &refs).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("id=\"name-error\"") && page.contains("已被使用"),
        "the field is named"
    );
    assert!(page.contains("value=\"改过的企业名\""), "what was typed is kept");
    let unchanged: String = sqlx::query_scalar("SELECT company FROM projects WHERE id = $1")
        .bind(qixiang)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_ne!(unchanged, "改过的企业名", "nothing half-saved");
}

#[tokio::test]
async fn dates_with_years_out_of_range_are_never_a_500() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    for year in [
        "-9999-01-01",
        "-262143-01-01",
        "+275760-09-13",
        "99999-01-01",
        "0000-01-01",
    ] {
        for path in [
            format!("/rankings?week={year}"),
            format!("/notices?week={year}"),
            format!("/projects/new?start={year}"),
        ] {
            let status = official.get(&path).await.status();
            assert_eq!(status, StatusCode::OK, "{path}: an unreadable parameter is ignored");
        }
        let api = official.get(&format!("/api/v1/rankings?as_of={year}")).await;
        assert_eq!(api.status(), StatusCode::BAD_REQUEST, "as_of={year}");
        let body: serde_json::Value = api.json().await.unwrap();
        assert_eq!(body["error"], "bad_request", "a JSON error");
    }
    let qixiang = app.project_id(QIXIANG).await;
    let api = Api::as_user(&app, "official").await;
    let (status, body) = api
        .post(
            &format!("/api/v1/projects/{qixiang}/items"),
            json!({ "title": "远古事项", "responsible_unit": "zrzyj", "deadline": "-9999-01-01" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["deadline"].is_string());
}

#[tokio::test]
async fn a_statement_cut_off_by_a_database_shutdown_is_a_503() {
    let app = spawn_demo_app().await;
    // What a backend answers when the server shuts down under it (SQLSTATE 57P01).
    let e = sqlx::query("SELECT pg_terminate_backend(pg_backend_pid())")
        .execute(&app.pool)
        .await
        .unwrap_err();
    let code = e.as_database_error().and_then(|d| d.code()).map(|c| c.to_string());
    let as_anyhow = AppError::Internal(anyhow::Error::from(
        sqlx::query("SELECT pg_terminate_backend(pg_backend_pid())")
            .execute(&app.pool)
            .await
            .unwrap_err(),
    ));
    let direct = AppError::from(e);
    assert!(matches!(direct, AppError::Unavailable), "{code:?}: {direct:?}");
    let response = axum::response::IntoResponse::into_response(as_anyhow);
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE, "through anyhow too");
}

#[tokio::test]
async fn form_text_is_taken_as_typed_or_refused_never_changed() {
    let app = spawn_demo_app().await;
    let qixiang = app.project_id(QIXIANG).await;
    let lead = app.demo_login("lead").await;
    // Invisible characters only: a blank title.
    for blank in ["\u{200B}", "\u{FEFF}\u{200D}", " \u{2060} "] {
        let r = lead
            .submit(
                &format!("/projects/{qixiang}/items"),
                &[
                    ("title", blank),
                    ("responsible_unit", "zrzyj"),
                    ("deadline", "2026-12-31"),
                    ("category", "land"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{blank:?}");
        assert!(r.text().await.unwrap().contains("必填"));
    }
    // Bytes that are not UTF-8 would be stored as U+FFFD: the form is refused.
    let token = lead.csrf_token().await;
    let item: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM checklist_items WHERE project_id = $1 AND state = 'open' LIMIT 1")
            .bind(qixiang)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let r = lead
        .http
        .post(format!("{}/items/{item}/updates", lead.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf_token={token}&body=%E8%BF%9B%E5%B1%95%FF%FE"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let replaced: i64 = sqlx::query_scalar("SELECT count(*) FROM progress_updates WHERE body LIKE '%\u{FFFD}%'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(replaced, 0);
}

#[tokio::test]
async fn a_repeated_query_parameter_is_read_once_and_a_too_large_figure_says_its_range() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let (status, page) = official
        .get_text("/projects?q=%E7%A5%BA%E7%A5%A5&q=x&sort=name&sort=stage")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(QIXIANG), "the first value counts");
    for path in [
        "/rankings?week=a&week=b",
        "/notices?project=x&project=y",
        "/inbox?page=2&page=3",
    ] {
        assert_eq!(official.get(path).await.status(), StatusCode::OK, "{path}");
    }
    let r = official
        .submit(
            "/projects",
            &[
                ("name", "超大项目"),
                ("company", "公司"),
                ("stage", "signed"),
                ("leader_name", "副县长"),
                ("lead_unit", "gxj"),
                ("total_investment", "99999999999"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("应为 0 到 1000000000 之间的整数"),
        "the range, not 'not below 0'"
    );
    assert!(!page.contains("不小于 0"));
}
