//! Evidence-based closing: submitting with attachments, verifying, sending back, the waiting time,
//! and who may download which attachment.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use uuid::Uuid;
use zhuanban::auth::token;
use zhuanban::db::users;
use zhuanban::domain::names::Username;
use zhuanban::domain::role::Role;

use crate::harness::{Client, TestApp, spawn_demo_app, zh};

const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00photo of the approval";
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF";

pub struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    pub async fn as_user(app: &TestApp, username: &str) -> Api {
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

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }

    pub async fn json(&self, req: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let r = req.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON body: {text}")),
        )
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.json(self.request(reqwest::Method::POST, path).json(&body)).await
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.request(reqwest::Method::GET, path).send().await.unwrap()
    }

    async fn upload(&self, item: Uuid, name: &str, bytes: &[u8], for_investor: bool) -> (StatusCode, Value) {
        let mut form = Form::new().part("file", Part::bytes(bytes.to_vec()).file_name(name.to_string()));
        if for_investor {
            form = form.text("for_investor", "true");
        }
        let req = self
            .request(reqwest::Method::POST, &format!("/api/v1/items/{item}/attachments"))
            .multipart(form);
        self.json(req).await
    }
}

async fn item_id(app: &TestApp, title: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM checklist_items WHERE title = $1")
        .bind(title)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn attachment_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM item_attachments")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Posts the item page's upload form as a browser does: the form token first, then the file.
async fn upload_form(client: &Client, item: Uuid, token: Option<&str>, name: &str, bytes: &[u8]) -> reqwest::Response {
    let mut form = Form::new();
    if let Some(t) = token {
        form = form.text("csrf_token", t.to_string());
    }
    let form = form.part(
        "file",
        Part::bytes(bytes.to_vec())
            .file_name(name.to_string())
            .mime_str("image/jpeg")
            .unwrap(),
    );
    client
        .http
        .post(format!("{}/items/{item}/attachments", client.base))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_unit_uploads_a_photo_and_submits_and_the_lead_verifies_it() {
    let app = spawn_demo_app().await;
    let id = item_id(&app, "宿舍楼规划方案调整").await;
    let member = app.demo_login("member").await;
    let (status, page) = member.get_text(&format!("/items/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("enctype=\"multipart/form-data\"") && page.contains("accept=\"image/*,application/pdf"));
    assert!(
        !page.contains(&format!("/items/{id}/close")),
        "the unit does not close directly"
    );

    let token = member.csrf_token().await;
    let r = upload_form(&member, id, Some(&token), "IMG_0001.jpg", JPEG).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = member
        .submit(
            &format!("/items/{id}/submit"),
            &[("version", "1"), ("text", "规划调整方案已批复，批复照片已上传")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = member.get_text(&format!("/items/{id}")).await;
    assert!(page.contains("IMG_0001.jpg") && page.contains(zh().nav_verifications));

    let lead = app.demo_login("lead").await;
    let (status, queue) = lead.get_text("/verifications").await;
    assert_eq!(status, StatusCode::OK);
    assert!(queue.contains("宿舍楼规划方案调整") && queue.contains("已等待 0 个工作日"));
    assert!(!queue.contains(zh().items.verification_overdue));
    let (_, page) = lead.get_text(&format!("/items/{id}")).await;
    assert!(page.contains(&format!("/items/{id}/verify")) && page.contains("规划调整方案已批复"));
    // The verifier sees the photo on the page, served by the attachment's own (guarded) address.
    let photo: Uuid = sqlx::query_scalar("SELECT id FROM item_attachments WHERE item_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(
        page.contains(&format!("<img src=\"/attachments/{photo}\"")),
        "a thumbnail"
    );
    let shown = lead.get(&format!("/attachments/{photo}")).await;
    assert_eq!(shown.status(), StatusCode::OK);
    let investor = app.demo_login("investor").await;
    assert_eq!(
        investor.get(&format!("/attachments/{photo}")).await.status(),
        StatusCode::NOT_FOUND,
        "not shown to whoever may not see it"
    );
    let r = lead
        .submit(&format!("/items/{id}/verify"), &[("version", "2"), ("text", "")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (state, note): (String, String) =
        sqlx::query_as("SELECT state, closing_note FROM checklist_items WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        (state.as_str(), note.as_str()),
        ("done", "规划调整方案已批复，批复照片已上传")
    );
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(actions, vec!["item.attach", "item.submit", "item.verify"]);
    let (_, queue) = lead.get_text("/verifications").await;
    assert!(!queue.contains("宿舍楼规划方案调整"), "verified items leave the queue");
    assert_eq!(member.get("/verifications").await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_upload_needs_the_form_token_of_the_session() {
    let app = spawn_demo_app().await;
    let id = item_id(&app, "宿舍楼规划方案调整").await;
    let member = app.demo_login("member").await;
    let r = upload_form(&member, id, None, "a.jpg", JPEG).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = upload_form(&member, id, Some("forged"), "a.jpg", JPEG).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(attachment_count(&app).await, 0);
}

#[tokio::test]
async fn a_submission_is_sent_back_with_a_reason_kept_in_the_history() {
    let app = spawn_demo_app().await;
    let id = item_id(&app, "宿舍楼规划方案调整").await;
    let member = Api::as_user(&app, "member").await;
    let lead = Api::as_user(&app, "lead").await;
    let path = |action: &str| format!("/api/v1/items/{id}/{action}");
    let (status, err) = lead.post(&path("verify"), json!({"version": 1})).await;
    assert_eq!(status, StatusCode::CONFLICT, "an open item is not verified: {err}");
    let (status, _) = member
        .post(&path("submit"), json!({"version": 1, "note": "已办"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = member
        .post(&path("send-back"), json!({"version": 2, "reason": "x"}))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the unit does not judge its own evidence"
    );
    let (status, _) = member.post(&path("verify"), json!({"version": 2})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, err) = lead
        .post(&path("send-back"), json!({"version": 2, "reason": " "}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["fields"]["reason"].is_string());
    let (status, stale) = lead
        .post(&path("send-back"), json!({"version": 1, "reason": "缺批复"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(stale["current"]["state"], "submitted");
    let (status, back) = lead
        .post(&path("send-back"), json!({"version": 2, "reason": "缺规划局盖章批复"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(back["state"], "open");
    assert_eq!(back["waiting_working_days"], Value::Null);
    let (status, again) = member
        .post(&path("submit"), json!({"version": 3, "note": "补充盖章批复"}))
        .await;
    assert_eq!(status, StatusCode::OK, "it can be submitted again");
    assert_eq!(again["state"], "submitted");
    let official = app.demo_login("official").await;
    let (_, page) = official.get_text(&format!("/items/{id}")).await;
    assert!(
        page.contains(zh().items.send_back_reason) && page.contains("缺规划局盖章批复"),
        "the reason is in the history"
    );
}

#[tokio::test]
async fn waiting_more_than_two_working_days_is_flagged_to_verifiers() {
    let app = spawn_demo_app().await;
    let id = item_id(&app, "宿舍楼规划方案调整").await;
    let member = Api::as_user(&app, "member").await;
    member
        .post(
            &format!("/api/v1/items/{id}/submit"),
            json!({"version": 1, "note": "已办"}),
        )
        .await;
    // A week and a half ago: at least six working days whatever today is.
    sqlx::query("UPDATE checklist_items SET submitted_at = now() - interval '10 days' WHERE id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, item) = member
        .json(member.request(reqwest::Method::GET, &format!("/api/v1/items/{id}")))
        .await;
    assert!(item["waiting_working_days"].as_i64().unwrap() >= 6);
    assert!(item["status"].is_string(), "the colour follows the deadline meanwhile");
    let official = app.demo_login("official").await;
    let (_, queue) = official.get_text("/verifications").await;
    assert!(queue.contains("宿舍楼规划方案调整") && queue.contains(zh().items.verification_overdue));
    let (_, page) = official.get_text(&format!("/items/{id}")).await;
    assert!(page.contains(zh().items.verification_overdue));
}

#[tokio::test]
async fn attachments_are_seen_by_those_who_see_the_item_and_investors_only_when_marked() {
    let app = spawn_demo_app().await;
    let id = item_id(&app, "宿舍楼规划方案调整").await;
    let foreign = item_id(&app, "安全设施竣工验收").await;
    let official = Api::as_user(&app, "official").await;
    let (status, internal) = official.upload(id, "内部审查意见.pdf", PDF, false).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(internal["content_type"], "application/pdf");
    assert_eq!(internal["size"], PDF.len());
    let (status, public) = official.upload(id, "规划批复.jpg", JPEG, true).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, other_project) = official.upload(foreign, "验收.pdf", PDF, true).await;
    let internal = internal["id"].as_str().unwrap().to_string();
    let public = public["id"].as_str().unwrap().to_string();
    let other_project = other_project["id"].as_str().unwrap().to_string();

    let r = official.get(&format!("/api/v1/attachments/{internal}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let headers = r.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment; filename=\""));
    assert!(disposition.contains("filename*=UTF-8''%E5%86%85%E9%83%A8"));
    assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);

    let investor = Api::as_user(&app, "investor").await;
    assert_eq!(
        investor.get(&format!("/api/v1/attachments/{public}")).await.status(),
        StatusCode::OK
    );
    for hidden in [&internal, &other_project] {
        let r = investor.get(&format!("/api/v1/attachments/{hidden}")).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{hidden}");
    }
    let (status, list) = investor
        .json(investor.request(reqwest::Method::GET, &format!("/api/v1/items/{id}/attachments")))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "规划批复.jpg");
    let investor_page = app.demo_login("investor").await;
    assert_eq!(
        investor_page.get(&format!("/attachments/{internal}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        investor_page.get(&format!("/attachments/{public}")).await.status(),
        StatusCode::OK
    );
    let (_, page) = investor_page.get_text(&format!("/items/{id}")).await;
    assert!(page.contains("规划批复.jpg") && !page.contains("内部审查意见"));
    let (status, _) = investor.upload(id, "a.jpg", JPEG, true).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "investors do not attach evidence");

    // Staff of a unit with nothing to do with the project do not see its item, nor its files.
    app.add_user("shuiwu", Role::Member, Some("swj"), &[]).await;
    let outsider = Api::as_user(&app, "shuiwu").await;
    assert_eq!(
        outsider.get(&format!("/api/v1/attachments/{public}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let member = Api::as_user(&app, "member").await;
    assert_eq!(
        member.get(&format!("/api/v1/attachments/{internal}")).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        member.get("/api/v1/attachments/not-a-uuid").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        member
            .get(&format!("/api/v1/attachments/{}", Uuid::new_v4()))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn uploads_are_checked_by_content_and_size_and_refused_whole() {
    let app = spawn_demo_app().await;
    let id = item_id(&app, "宿舍楼规划方案调整").await;
    let member = Api::as_user(&app, "member").await;
    let (status, err) = member
        .upload(id, "批复.pdf", b"<html><script>alert(1)</script>", false)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["fields"]["file"].is_string());
    let req = member
        .request(reqwest::Method::POST, &format!("/api/v1/items/{id}/attachments"))
        .multipart(Form::new().text("for_investor", "true"));
    let (status, err) = member.json(req).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no file: {err}");

    let limit = zhuanban::domain::evidence::MAX_ATTACHMENT_BYTES;
    let mut big = PDF.to_vec();
    big.resize(limit + 1, b' ');
    let (status, err) = member.upload(id, "big.pdf", &big, false).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(err["error"], "payload_too_large");
    let mut huge = PDF.to_vec();
    huge.resize(limit * 2, b' ');
    let (status, _) = member.upload(id, "huge.pdf", &huge, false).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let page = app.demo_login("member").await;
    let token = page.csrf_token().await;
    let r = upload_form(&page, id, Some(&token), "big.jpg", &big).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(attachment_count(&app).await, 0);

    big.truncate(limit);
    let (status, ok) = member.upload(id, "exactly-10MB.pdf", &big, false).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(ok["size"], limit);
    let (status, _) = member.upload(id, "a.jpg", JPEG, true).await;
    assert_eq!(status, StatusCode::CREATED);
    let marked: i64 = sqlx::query_scalar("SELECT count(*) FROM item_attachments WHERE for_investor")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(marked, 0, "a unit's uploads stay internal");

    // Closed items take no more evidence.
    sqlx::query(
        "UPDATE checklist_items SET state = 'done', closing_note = 'x', closed_on = $2, closed_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(app.today().await)
    .execute(&app.pool)
    .await
    .unwrap();
    let (status, _) = member.upload(id, "late.jpg", JPEG, false).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_file_whose_name_lies_is_kept_under_its_contents_extension_and_fake_office_files_are_refused() {
    let app = spawn_demo_app().await;
    let id = item_id(&app, "宿舍楼规划方案调整").await;
    let member = Api::as_user(&app, "member").await;
    let polyglot = b"GIF89a\x01\0\x01\0<html><script>alert(document.cookie)</script></html>";
    let (status, stored) = member.upload(id, "evil.html", polyglot, false).await;
    assert_eq!(status, StatusCode::CREATED, "{stored}");
    assert_eq!(stored["name"], "evil.gif");
    assert_eq!(stored["content_type"], "image/gif");
    let r = member
        .get(&format!("/api/v1/attachments/{}", stored["id"].as_str().unwrap()))
        .await;
    assert_eq!(r.headers()["content-type"], "image/gif");
    let disposition = r.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.contains("filename=\"evil.gif\"") && !disposition.contains("html"),
        "{disposition}"
    );
    // A zip that names an Excel part without being a workbook.
    let mut fake = std::io::Cursor::new(Vec::new());
    {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(&mut fake);
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("[Content_Types].xml", options).unwrap();
        zip.write_all(b"<Types/>").unwrap();
        zip.start_file("xl/workbook.xml", options).unwrap();
        zip.write_all(b"<html><body>not a workbook</body></html>").unwrap();
        zip.finish().unwrap();
    }
    let (status, err) = member.upload(id, "台账.xlsx", fake.get_ref(), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(err["fields"]["file"].is_string());
}
