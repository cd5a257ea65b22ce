//! Imports an office can trust: its own header names, one message per unit, a confirmation that
//! creates once, a row limit said before the preview, formulas without values named, and exports
//! that print and never run as formulas.

use std::io::{Cursor, Read, Write};

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use rust_xlsxwriter::Workbook;
use uuid::Uuid;

use crate::evidence::Api;
use crate::harness::{Client, TestApp, hidden, spawn_demo_app, zh};

const QIXIANG: &str = "祺祥新能源年产2万吨电池级碳酸锂项目";

/// The office's own sheet: a title line, then 序号/工作任务/责任部门/完成时间.
fn office_sheet() -> String {
    [
        "2026年祺祥项目推进清单,,,",
        "序号,工作任务,责任部门,完成时间",
        "1,宿舍用地报批,县自然资源局,2027/1/10",
        "2,林地占用审核,县自然资源局,2027年1月20日",
        "3,规划条件核定,县自然资源局,2027-02-01",
        "4,能评审查,县发改委,2027-02-10",
    ]
    .join("\n")
}

async fn upload(client: &Client, path: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let form = Form::new()
        .text("csrf_token", client.csrf_token().await)
        .part("file", Part::bytes(bytes).file_name(name.to_string()));
    client
        .http
        .post(format!("{}{path}", client.base))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The preview's confirmation, sent as the page's form sends it.
async fn confirm(client: &Client, import_page: &str, preview: &str) -> reqwest::Response {
    client
        .submit(
            &format!("{import_page}/confirm"),
            &[
                ("once", hidden(preview, "once").as_str()),
                ("import", hidden(preview, "import").as_str()),
            ],
        )
        .await
}

/// A checklist imported through the API.
async fn api_import(api: &Api, project: Uuid, name: &str, bytes: Vec<u8>) -> (StatusCode, serde_json::Value) {
    crate::sheets::import_with(api, project, name, bytes, "").await
}

async fn titled(app: &TestApp, project: Uuid, title: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM checklist_items WHERE project_id = $1 AND title = $2")
        .bind(project)
        .bind(title)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// The member's (县自然资源局) notifications about the project: kind, count, item.
async fn told_member(app: &TestApp, project: Uuid) -> Vec<(String, Option<i32>, Option<Uuid>)> {
    sqlx::query_as(
        "SELECT e.kind, e.item_count, e.item_id FROM notifications n JOIN events e ON e.id = n.event_id
         JOIN users u ON u.id = n.user_id
         WHERE u.username = 'member' AND e.project_id = $1 AND e.kind = 'item_assigned' ORDER BY e.created_at",
    )
    .bind(project)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_offices_own_sheet_imports_in_one_go_and_each_unit_hears_once() {
    let app = spawn_demo_app().await;
    let project = app.project_id(QIXIANG).await;
    let before = told_member(&app, project).await.len();
    let lead = app.demo_login("lead").await;
    let path = format!("/projects/{project}/import");
    let r = upload(&lead, &path, "清单.csv", office_sheet().into_bytes()).await;
    assert_eq!(r.status(), StatusCode::OK, "the office's headers are read");
    let preview = r.text().await.unwrap();
    assert!(
        preview.contains(&zh().import_preview(4)),
        "four items, the title line and 序号 ignored"
    );
    let r = confirm(&lead, &path, &preview).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(titled(&app, project, "林地占用审核").await, 1);
    // 县自然资源局 has three new items: one message counting them, leading to the checklist.
    let told = told_member(&app, project).await;
    assert_eq!(told.len(), before + 1, "one message for the unit's three items");
    assert_eq!(told.last().unwrap(), &("item_assigned".to_string(), Some(3), None));
    let member = app.demo_login("member").await;
    let (_, inbox) = member.get_text("/inbox").await;
    assert!(
        inbox.contains("3 个事项交由县自然资源局办理") && inbox.contains("宿舍用地报批"),
        "the message counts the items and names the first due"
    );
    // 县发改委's one item is announced as one added by hand.
    let single: (Option<i32>, Option<Uuid>) =
        sqlx::query_as("SELECT item_count, item_id FROM events WHERE kind = 'item_assigned' AND subject = '能评审查'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(single.0.is_none() && single.1.is_some());
}

#[tokio::test]
async fn a_confirmation_sent_twice_creates_once() {
    let app = spawn_demo_app().await;
    let project = app.project_id(QIXIANG).await;
    let lead = app.demo_login("lead").await;
    let path = format!("/projects/{project}/import");
    let preview = upload(&lead, &path, "清单.csv", office_sheet().into_bytes())
        .await
        .text()
        .await
        .unwrap();
    let (key, import) = (hidden(&preview, "once"), hidden(&preview, "import"));
    let confirm = |key: String| {
        let (lead, import, path) = (&lead, import.clone(), format!("{path}/confirm"));
        async move {
            lead.submit(&path, &[("once", key.as_str()), ("import", import.as_str())])
                .await
        }
    };
    // A double click: both land where the first led, and the items are there once.
    let (a, b) = tokio::join!(confirm(key.clone()), confirm(key));
    assert_eq!((a.status(), b.status()), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER));
    assert_eq!(titled(&app, project, "宿舍用地报批").await, 1);
    // The same preview confirmed from a second tab (another form key): nothing twice, and said so.
    let (_, other_tab) = lead.get_text(&path).await;
    let r = confirm(hidden(&other_tab, "once")).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains(zh().sheets.import_gone));
    assert_eq!(titled(&app, project, "宿舍用地报批").await, 1);
    // An import is its user's: an official cannot confirm the lead's.
    let another = office_sheet().replace("宿舍用地报批", "宿舍楼施工许可");
    let preview = upload(&lead, &path, "清单.csv", another.into_bytes())
        .await
        .text()
        .await
        .unwrap();
    let official = app.demo_login("official").await;
    let r = official
        .submit(
            &format!("{path}/confirm"),
            &[("import", hidden(&preview, "import").as_str())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(titled(&app, project, "宿舍楼施工许可").await, 0);
    let r = official
        .submit(&format!("{path}/confirm"), &[("import", "nonsense")])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_row_limit_is_said_before_the_preview_and_nothing_is_kept() {
    let app = spawn_demo_app().await;
    sqlx::query("UPDATE settings SET import_max_rows = 3")
        .execute(&app.pool)
        .await
        .unwrap();
    let project = app.project_id(QIXIANG).await;
    let lead = app.demo_login("lead").await;
    let r = upload(
        &lead,
        &format!("/projects/{project}/import"),
        "清单.csv",
        office_sheet().into_bytes(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("表中有 4 行事项，每次最多导入 3 行"),
        "the limit and the count"
    );
    assert!(!page.contains("name=\"import\""), "no confirmation offered");
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM pending_imports")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(kept, 0);
    // The API keeps to the same limit.
    let api = Api::as_user(&app, "lead").await;
    let (status, body) = api_import(&api, project, "a.csv", office_sheet().into_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["field"], "file");
}

/// A workbook as a script writes it: the deadline a formula with no calculated value.
fn formula_without_value() -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in ["事项", "责任单位", "完成期限"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "宿舍用地报批").unwrap();
    ws.write_string(1, 1, "zrzyj").unwrap();
    ws.write_formula(1, 2, "=DATE(2027,1,10)").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    // Take the cached value out, as files never opened in Excel have none.
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let mut content = Vec::new();
        part.read_to_end(&mut content).unwrap();
        if part.name() == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(content).unwrap();
            assert!(xml.contains("<f>DATE(2027,1,10)</f>"), "{xml}");
            content = xml.replace("</f><v>0</v>", "</f>").into_bytes();
        }
        out.start_file(part.name(), zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&content).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[tokio::test]
async fn a_formula_without_a_value_is_named_and_the_file_can_be_saved_once() {
    let app = spawn_demo_app().await;
    let project = app.project_id(QIXIANG).await;
    let lead = app.demo_login("lead").await;
    let r = upload(
        &lead,
        &format!("/projects/{project}/import"),
        "脚本生成.xlsx",
        formula_without_value(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(
        page.contains(zh().sheets.sheet_formula),
        "said as a formula, not as required: {page}"
    );
    assert!(!page.contains(zh().problem(zhuanban::domain::input::Problem::Required).as_str()));
}

/// A part of an XLSX file, as text.
fn part(xlsx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

#[tokio::test]
async fn every_export_prints_one_page_wide_and_no_cell_runs_as_a_formula() {
    let app = spawn_demo_app().await;
    let project = app.project_id(QIXIANG).await;
    let risky = "=HYPERLINK(\"http://example.com\",\"点此\")";
    sqlx::query("UPDATE checklist_items SET title = $2 WHERE id = (SELECT id FROM checklist_items WHERE project_id = $1 LIMIT 1)")
        .bind(project)
        .bind(risky)
        .execute(&app.pool)
        .await
        .unwrap();
    app.recompute().await;
    let official = Api::as_user(&app, "official").await;
    let web = app.demo_login("official").await;
    // A notice to export, too.
    let r = web.submit("/notices", &[("title", ""), ("body", "")]).await;
    let page = r.text().await.unwrap();
    let r = web
        .submit(
            "/notices",
            &[("step", "confirm"), ("digest", hidden(&page, "digest").as_str())],
        )
        .await;
    let notice = r.headers()["location"].to_str().unwrap().to_string();
    for path in [
        format!("/api/v1/projects/{project}/items.xlsx"),
        "/projects.xlsx".to_string(),
        "/units/zrzyj/items.xlsx".to_string(),
        format!("{notice}/xlsx"),
    ] {
        let r = web.get(&path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let xlsx = r.bytes().await.unwrap().to_vec();
        let sheet = part(&xlsx, "xl/worksheets/sheet1.xml");
        assert!(sheet.contains("<pageSetUpPr fitToPage=\"1\"/>"), "{path}: fit to page");
        assert!(
            sheet.contains("paperSize=\"9\"")
                && sheet.contains("orientation=\"landscape\"")
                && sheet.contains("fitToHeight=\"0\""),
            "{path}: A4 landscape, one page wide: {sheet}"
        );
        assert!(sheet.contains("<pageMargins left=\"0.4\""), "{path}: margins");
        assert!(sheet.contains("<oddHeader>&amp;C"), "{path}: a title on every page");
        if !path.starts_with("/notices") {
            assert!(
                part(&xlsx, "xl/workbook.xml").contains("_xlnm.Print_Titles"),
                "{path}: the header row repeats"
            );
        } else {
            assert!(
                sheet.contains("<row r=\"1\"") && sheet.contains("ht=\"28\""),
                "the title row fits its 16 pt heading"
            );
        }
    }
    // The risky title is exported inert in both files and comes back as it was.
    let xlsx = official.get(&format!("/api/v1/projects/{project}/items.xlsx")).await;
    let strings = part(&xlsx.bytes().await.unwrap(), "xl/sharedStrings.xml");
    assert!(
        strings.contains("&apos;=HYPERLINK") || strings.contains("'=HYPERLINK"),
        "{strings}"
    );
    let csv = official
        .get(&format!("/api/v1/projects/{project}/items.csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://example.com"), "{csv}");
    assert!(!csv.contains(",=HYPERLINK"));
    let target: Uuid =
        sqlx::query_scalar("INSERT INTO projects (name, company) VALUES ('新项目', '某公司') RETURNING id")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let (status, body) = api_import(&official, target, "c.csv", csv.into_bytes()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(titled(&app, target, risky).await, 1, "read back as it was typed");
}

#[tokio::test]
async fn a_notes_line_breaks_are_stored_one_way_from_a_sheet_and_a_form() {
    let app = spawn_demo_app().await;
    let project = app.project_id(QIXIANG).await;
    let api = Api::as_user(&app, "lead").await;
    let csv = "事项,责任单位,完成期限,备注\r\n宿舍用地报批,zrzyj,2027-01-10,\"第一行\r\n第二行\"\r\n";
    let (status, body) = api_import(&api, project, "a.csv", csv.as_bytes().to_vec()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let lead = app.demo_login("lead").await;
    let r = lead
        .submit(
            &format!("/projects/{project}/items"),
            &[
                ("title", "林地占用审核"),
                ("responsible_unit", "zrzyj"),
                ("deadline", "2027-01-20"),
                ("category", "land"),
                ("note", "第一行\r\n第二行"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let notes: Vec<String> = sqlx::query_scalar(
        "SELECT note FROM checklist_items WHERE title IN ('宿舍用地报批', '林地占用审核') ORDER BY title",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(notes, ["第一行\n第二行", "第一行\n第二行"]);
}

#[tokio::test]
async fn the_offices_sheet_imported_again_adds_only_what_is_new() {
    let app = spawn_demo_app().await;
    let project = app.project_id(QIXIANG).await;
    let api = Api::as_user(&app, "lead").await;
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM checklist_items WHERE project_id = $1")
        .bind(project)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let export = api
        .get(&format!("/api/v1/projects/{project}/items.csv"))
        .await
        .text()
        .await
        .unwrap();
    let sheet = format!("{}宿舍用地报批,县自然资源局,2027-01-10,,,,,\n", export);
    let lead = app.demo_login("lead").await;
    let path = format!("/projects/{project}/import");
    let preview = upload(&lead, &path, "清单.csv", sheet.clone().into_bytes())
        .await
        .text()
        .await
        .unwrap();
    assert!(
        preview.contains(&zh().import_preview(1)),
        "only the new matter is added"
    );
    assert!(
        preview.contains(zh().sheets.apply_template_skipped),
        "the others are marked skipped"
    );
    let r = confirm(&lead, &path, &preview).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM checklist_items WHERE project_id = $1")
        .bind(project)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(after, before + 1);
    // The same sheet once more: nothing new, said so, no confirmation offered.
    let page = upload(&lead, &path, "清单.csv", sheet.clone().into_bytes())
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(zh().sheets.import_nothing_new) && !page.contains("/import/confirm"));
    let (status, body) = api_import(&api, project, "a.csv", sheet.into_bytes()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["created"], 0);
    assert_eq!(body["skipped"].as_array().unwrap().len() as i64, after, "{body}");
}
