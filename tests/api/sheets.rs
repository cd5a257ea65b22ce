//! Checklists in and out of spreadsheets: exports, whole-file imports with their row-by-row report,
//! the preview, and the round trip.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use rust_xlsxwriter::{Format, Workbook};
use serde_json::Value;
use uuid::Uuid;

use crate::evidence::Api;
use crate::harness::{TestApp, hidden, spawn_demo_app, zh};

const QIXIANG: &str = "祺祥新能源年产2万吨电池级碳酸锂项目";

type Row = (
    String,
    String,
    chrono::NaiveDate,
    Option<String>,
    String,
    String,
    Option<chrono::NaiveDate>,
);

/// A reported problem: its row and field.
type Reported = (u64, &'static str);

/// The items of a project as the comparison needs them: title, unit, deadline, note, category,
/// state, the day a closed one was closed.
async fn items_of(app: &TestApp, project: Uuid) -> Vec<Row> {
    sqlx::query_as(
        "SELECT i.title, u.code, i.deadline, i.note, i.category, i.state, i.closed_on FROM checklist_items i
         JOIN units u ON u.id = i.responsible_unit_id WHERE i.project_id = $1 ORDER BY i.title, i.deadline",
    )
    .bind(project)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

async fn empty_project(app: &TestApp) -> Uuid {
    sqlx::query_scalar("INSERT INTO projects (name, company) VALUES ('新建锂电材料项目', '某新材料公司') RETURNING id")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn import(api: &Api, project: Uuid, name: &str, bytes: Vec<u8>, dry_run: bool) -> (StatusCode, Value) {
    let query = if dry_run { "?dry_run=true" } else { "" };
    import_with(api, project, name, bytes, query).await
}

/// A checklist imported through the API, with `query` (`?dry_run=true`, `?open_only=true`).
pub(crate) async fn import_with(
    api: &Api,
    project: Uuid,
    name: &str,
    bytes: Vec<u8>,
    query: &str,
) -> (StatusCode, Value) {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_string()));
    api.json(
        api.request(
            reqwest::Method::POST,
            &format!("/api/v1/projects/{project}/items/import{query}"),
        )
        .multipart(form),
    )
    .await
}

async fn count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM checklist_items")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_checklist_exported_and_imported_into_another_project_gives_the_same_items() {
    let app = spawn_demo_app().await;
    let source = app.project_id(QIXIANG).await;
    let official = Api::as_user(&app, "official").await;
    // The checklist holds open, done and cancelled items.
    sqlx::query(
        "UPDATE checklist_items SET state = 'cancelled', cancel_reason = '方案调整', closed_on = deadline,
             closed_at = now()
         WHERE id = (SELECT id FROM checklist_items WHERE project_id = $1 AND state = 'open' ORDER BY title LIMIT 1)",
    )
    .bind(source)
    .execute(&app.pool)
    .await
    .unwrap();
    let states: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT state FROM checklist_items WHERE project_id = $1 ORDER BY state")
            .bind(source)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(states, ["cancelled", "done", "open"]);
    for ext in ["xlsx", "csv"] {
        let r = official.get(&format!("/api/v1/projects/{source}/items.{ext}")).await;
        assert_eq!(r.status(), StatusCode::OK);
        let disposition = r.headers()["content-disposition"].to_str().unwrap().to_string();
        assert!(disposition.starts_with("attachment;") && disposition.contains(&format!(".{ext}")));
        let bytes = r.bytes().await.unwrap().to_vec();
        if ext == "csv" {
            assert!(
                bytes.starts_with("\u{feff}事项,责任单位,完成期限".as_bytes()),
                "UTF-8 with BOM"
            );
        } else {
            assert!(bytes.starts_with(b"PK"));
        }
        let target = empty_project(&app).await;
        let (status, body) = import(&official, target, &format!("清单.{ext}"), bytes, false).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(items_of(&app, target).await, items_of(&app, source).await, "{ext}");
        assert_eq!(
            body["created"].as_u64().unwrap() as usize,
            items_of(&app, source).await.len()
        );
        sqlx::query("UPDATE projects SET name = name || $2 WHERE id = $1")
            .bind(target)
            .bind(ext)
            .execute(&app.pool)
            .await
            .unwrap();
    }
    // Only the open ones, when the office asks so.
    let csv = official
        .get(&format!("/api/v1/projects/{source}/items.csv"))
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let target = empty_project(&app).await;
    let (status, body) = import_with(&official, target, "清单.csv", csv, "?open_only=true").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let open: Vec<Row> = items_of(&app, source)
        .await
        .into_iter()
        .filter(|r| r.5 == "open")
        .collect();
    assert_eq!(items_of(&app, target).await, open, "exactly the open items");
    sqlx::query("DELETE FROM audit_log WHERE project_id = $1")
        .bind(target)
        .execute(&app.pool)
        .await
        .unwrap();
    let audits: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'item.create' AND actor_label = 'user'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        audits as usize,
        2 * items_of(&app, source).await.len(),
        "every imported item is in the audit log"
    );
}

/// An office sheet of 40 items, two of them wrong as such sheets are.
fn office_sheet(fixed: bool) -> String {
    let mut csv = String::from("序号,事项,责任单位,完成期限,备注\n");
    for n in 1..=40 {
        let (unit, date) = match n {
            7 if !fixed => ("县国土局", "2026/3/1".to_string()),
            23 if !fixed => ("县自然资源局", "2026年2月30日".to_string()),
            _ => ("县自然资源局", format!("2026年{}月{}日", n % 12 + 1, n % 28 + 1)),
        };
        csv.push_str(&format!("{n},第{n}项手续,{unit},{date},\"备注，含逗号\"\n"));
    }
    csv
}

#[tokio::test]
async fn the_offices_sheet_imports_after_fixing_the_two_rows_the_report_names() {
    let app = spawn_demo_app().await;
    let project = empty_project(&app).await;
    let official = Api::as_user(&app, "official").await;
    let before = count(&app).await;
    let (status, body) = import(&official, project, "清单.csv", office_sheet(false).into_bytes(), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors: Vec<(u64, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    assert_eq!(errors, vec![(8, "responsible_unit"), (24, "deadline")]);
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("县国土局"));
    assert_eq!(count(&app).await, before, "nothing is half-imported");

    let (status, body) = import(&official, project, "清单.csv", office_sheet(true).into_bytes(), true).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (body["created"].as_u64(), body["items"].as_array().unwrap().len()),
        (Some(0), 40)
    );
    assert_eq!(body["items"][0]["note"], "备注，含逗号");
    assert_eq!(count(&app).await, before, "a dry run creates nothing");
    let (status, body) = import(&official, project, "清单.csv", office_sheet(true).into_bytes(), false).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["created"], 40);
    assert_eq!(count(&app).await, before + 40);

    // Each imported item has its audit entry, holding what an item added by hand holds.
    let deadline = app.today().await + chrono::Duration::days(5);
    let (status, body) = official
        .post(
            &format!("/api/v1/projects/{project}/items"),
            serde_json::json!({ "title": "手工添加的事项", "responsible_unit": "zrzyj", "deadline": deadline.to_string() }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let entries: Vec<(String, Value)> = sqlx::query_as(
        "SELECT i.title, a.after FROM audit_log a JOIN checklist_items i ON i.id = a.entity_id
         WHERE a.action = 'item.create' AND i.project_id = $1",
    )
    .bind(project)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(entries.len(), 41, "one entry per item");
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    let by_hand = entries.iter().find(|(t, _)| t == "手工添加的事项").unwrap();
    assert!(
        keys(&by_hand.1).contains(&"note_for_investor".to_string()),
        "{}",
        by_hand.1
    );
    for (title, after) in &entries {
        assert_eq!(keys(after), keys(&by_hand.1), "{title}: {after}");
        assert_eq!(after["title"], title.as_str());
    }
}

#[tokio::test]
async fn every_import_error_is_reported_and_nothing_is_created() {
    let app = spawn_demo_app().await;
    let project = empty_project(&app).await;
    let official = Api::as_user(&app, "official").await;
    let long = "长".repeat(201);
    let cases: Vec<(&str, Vec<u8>, Vec<Reported>)> = vec![
        (
            "bad rows",
            format!(
                "matter,unit,deadline,note,category\n,zrzyj,2026-03-01,,\n{long},zrzyj,2026-03-01,,\n能评,nope,2026-03-01,,\n环评,sthj,03/01/2026,,\n规划,zrzyj,,,\n用地,zrzyj,2026-03-01,,weather\n"
            )
            .into_bytes(),
            vec![(2, "title"), (3, "title"), (4, "responsible_unit"), (5, "deadline"), (6, "deadline"), (7, "category")],
        ),
        ("missing column", "事项,备注\n用地预审,\n".as_bytes().to_vec(), vec![(1, "responsible_unit"), (1, "deadline")]),
        ("no rows", "事项,责任单位,完成期限\n,,\n".as_bytes().to_vec(), vec![(2, "file")]),
        ("empty file", Vec::new(), vec![(1, "file")]),
        ("not a spreadsheet", b"\x89PNG\r\n\x1a\n\0\0\0binary".to_vec(), vec![(1, "file")]),
        ("a broken xlsx", b"PK\x03\x04 not really a zip".to_vec(), vec![(1, "file")]),
    ];
    for (case, bytes, expected) in cases {
        let (status, body) = import(&official, project, "x.csv", bytes, false).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{case}: {body}");
        let found: Vec<(u64, &str)> = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["row"].as_u64().unwrap(), e["field"].as_str().unwrap()))
            .collect();
        assert_eq!(found, expected, "{case}");
        assert!(
            body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| !e["message"].as_str().unwrap().is_empty())
        );
    }
    let form = Form::new().text("note", "no file");
    let (status, _) = official
        .json(
            official
                .request(
                    reqwest::Method::POST,
                    &format!("/api/v1/projects/{project}/items/import"),
                )
                .multipart(form),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no file at all");
    let mut huge = b"\xef\xbb\xbf".to_vec();
    huge.resize(zhuanban::domain::evidence::MAX_ATTACHMENT_BYTES + 1, b' ');
    let (status, _) = import(&official, project, "huge.csv", huge, false).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(items_of(&app, project).await.is_empty());
}

#[tokio::test]
async fn excel_dates_title_lines_and_gb18030_csv_are_read() {
    let app = spawn_demo_app().await;
    let project = empty_project(&app).await;
    let official = Api::as_user(&app, "official").await;
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "祺祥项目推进清单").unwrap();
    for (c, h) in ["事项", "责任单位", "完成期限", "备注"].iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("yyyy/m/d");
    ws.write_string(3, 0, "用地预审").unwrap();
    ws.write_string(3, 1, "县自然资源局").unwrap();
    ws.write_date_with_format(3, 2, chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(), &date)
        .unwrap();
    ws.write_string(4, 0, "节能审查").unwrap();
    ws.write_string(4, 1, "fgw").unwrap();
    ws.write_string(4, 2, "2026年4月15日").unwrap();
    ws.write_string(4, 3, "省厅").unwrap();
    let (status, body) = import(&official, project, "清单.xlsx", book.save_to_buffer().unwrap(), true).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["items"][0]["deadline"], "2026-03-01");
    assert_eq!(body["items"][0]["row"], 4, "rows as the sheet numbers them");
    assert_eq!(body["items"][1]["deadline"], "2026-04-15");
    assert_eq!(body["items"][1]["responsible_unit"], "fgw");

    let (gbk, _, _) = encoding_rs::GB18030.encode("事项,责任单位,完成期限\n供电接入,国网崇义县供电公司,2026-05-01\n");
    let (status, body) = import(&official, project, "清单.csv", gbk.into_owned(), true).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["items"][0]["title"], "供电接入");
}

#[tokio::test]
async fn the_import_page_previews_then_creates_and_reports_bad_rows() {
    let app = spawn_demo_app().await;
    let project = app.project_id(QIXIANG).await;
    let before = items_of(&app, project).await.len();
    let lead = app.demo_login("lead").await;
    let (status, page) = lead.get_text(&format!("/projects/{project}/import")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("enctype=\"multipart/form-data\""));
    let token = lead.csrf_token().await;
    let post = |csv: &'static str| {
        let form = Form::new()
            .text("csrf_token", token.clone())
            .part("file", Part::bytes(csv.as_bytes().to_vec()).file_name("清单.csv"));
        lead.http
            .post(format!("{}/projects/{project}/import", lead.base))
            .multipart(form)
            .send()
    };
    let r = post("事项,责任单位,完成期限\n供电接入,县供电所,2026-05-01\n")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("没有这个单位：县供电所") && body.contains("整份文件都没有导入"));
    let r = post("事项,责任单位,完成期限,备注\n供电接入,gdgs,2026/5/1,双回路\n消防验收,zjj,2026年6月1日,\n")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let preview = r.text().await.unwrap();
    assert!(preview.contains("将新增 2 个事项") && preview.contains("双回路"));
    assert_eq!(items_of(&app, project).await.len(), before, "a preview creates nothing");
    assert!(
        !preview.contains("name=\"title\""),
        "the confirmation carries the import's id, not its rows"
    );
    let import = hidden(&preview, "import");
    let r = lead
        .submit(
            &format!("/projects/{project}/import/confirm"),
            &[("once", hidden(&preview, "once").as_str()), ("import", import.as_str())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(items_of(&app, project).await.len(), before + 2);
    let landed = r.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = lead.get_text(&landed).await;
    assert!(page.contains("已导入 2 个事项"), "the import says what it did");
    // Each responsible unit is told of its imported item, as of one added by hand.
    let told: Vec<(String, String)> = sqlx::query_as(
        "SELECT u.code, e.subject FROM events e JOIN units u ON u.id = e.unit_id
         WHERE e.kind = 'item_assigned' AND e.project_id = $1 AND e.subject IN ('供电接入', '消防验收')
         ORDER BY e.subject",
    )
    .bind(project)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        told,
        [
            ("gdgs".to_string(), "供电接入".to_string()),
            ("zjj".into(), "消防验收".into())
        ]
    );

    let member = app.demo_login("member").await;
    assert_eq!(
        member.get(&format!("/projects/{project}/import")).await.status(),
        StatusCode::FORBIDDEN
    );
    let investor = app.demo_login("investor").await;
    let foreign = app.project_id("金竹矿业萤石矿项目").await;
    assert_eq!(
        investor.get(&format!("/projects/{foreign}/import")).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn exports_follow_who_sees_what() {
    let app = spawn_demo_app().await;
    let own = app.project_id(QIXIANG).await;
    let foreign = app.project_id("金竹矿业萤石矿项目").await;
    sqlx::query("UPDATE checklist_items SET note = '内部：领导批示' WHERE project_id = $1")
        .bind(own)
        .execute(&app.pool)
        .await
        .unwrap();
    let investor = Api::as_user(&app, "investor").await;
    let r = investor.get(&format!("/api/v1/projects/{own}/items.csv")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    assert!(
        text.contains("宿舍楼规划方案调整") && !text.contains("领导批示"),
        "no internal notes"
    );
    for ext in ["csv", "xlsx"] {
        let r = investor.get(&format!("/api/v1/projects/{foreign}/items.{ext}")).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
    let (status, _) = import(&investor, own, "x.csv", b"a".to_vec(), false).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let member = Api::as_user(&app, "member").await;
    let (status, _) = import(&member, own, "x.csv", b"a".to_vec(), false).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let official = Api::as_user(&app, "official").await;
    let r = official.get(&format!("/api/v1/projects/{own}/items.csv")).await;
    assert!(r.text().await.unwrap().contains("领导批示"));
}

#[tokio::test]
async fn the_projects_list_and_a_units_queue_export_with_their_filters() {
    let app = spawn_demo_app().await;
    zhuanban::jobs::recompute::run_once(&app.pool, None).await.unwrap();
    let official = app.demo_login("official").await;
    let (status, all) = official.get_text("/projects.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(all.starts_with("\u{feff}项目,企业,项目代码"));
    assert_eq!(all.lines().count(), 6, "a header and the five demo projects");
    let (_, red) = official.get_text("/projects.csv?colour=red").await;
    assert!(
        red.lines().count() < 6 && red.lines().skip(1).all(|l| l.contains(",红色通报,")),
        "{red}"
    );
    let (_, page) = official.get_text("/projects?colour=red").await;
    assert!(
        page.contains("/projects.xlsx?colour=red"),
        "the list links its export with its filters"
    );

    let r = official.get("/projects.xlsx").await;
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = calamine::Reader::worksheet_range_at(&mut book, 0).unwrap().unwrap();
    assert_eq!(range.get((0, 0)).unwrap().to_string(), "项目");
    assert_eq!(range.height(), 6);

    let member = app.demo_login("member").await;
    let (status, queue) = member.get_text("/units/zrzyj/items.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(queue.starts_with("\u{feff}项目,事项,责任单位,完成期限") && queue.contains("二期扩产用地规划咨询"));
    assert!(!queue.contains("施工临时用电增容"), "only this unit's items");
    let r = member.get("/units/zrzyj/items.xlsx").await;
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = calamine::Reader::worksheet_range_at(&mut book, 0).unwrap().unwrap();
    assert!(
        matches!(range.get((1, 3)), Some(calamine::Data::DateTime(_))),
        "deadlines are date cells"
    );
    assert_eq!(
        member.get("/units/gdgs/items.csv").await.status(),
        StatusCode::FORBIDDEN
    );
    let investor = app.demo_login("investor").await;
    let (_, mine) = investor.get_text("/projects.csv").await;
    assert_eq!(mine.lines().count(), 2, "an investor exports only their project");
}

#[tokio::test]
async fn projects_are_found_by_their_investment_code_in_the_list_and_its_export() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let (_, page) = official.get_text("/projects?q=2024-360725-32-03-006540").await;
    assert!(page.contains("中核南方新材料独居石项目") && !page.contains("金竹矿业萤石矿项目"));
    let (_, csv) = official.get_text("/projects.csv?q=03-006540").await;
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains("2024-360725-32-03-006540"));
}

const PROJECTS_SHEET: &str = "项目名称,企业,项目代码,园区,阶段,总投资（万元）,组长,牵头单位,成员单位,年度计划投资（万元）,计划开工\n\
锂电材料扩产项目,崇义锂电有限公司,2026-360725-30-03-000777,龙勾工业园,签约,80000,副县长 王强,县工信局,县自然资源局、fgw、县住建局,6000,3月\n\
钨精深加工项目,崇义钨业新材料公司,,崇义县工业园区,negotiating,12000,,gxj,,,\n";

#[tokio::test]
async fn projects_with_their_task_forces_import_from_one_sheet_all_or_none() {
    let app = spawn_demo_app().await;
    let official = Api::as_user(&app, "official").await;
    let post = |csv: String, dry_run: bool| {
        let form = Form::new().part("file", Part::bytes(csv.into_bytes()).file_name("projects.csv"));
        let query = if dry_run { "?dry_run=true" } else { "" };
        official
            .request(reqwest::Method::POST, &format!("/api/v1/projects/import{query}"))
            .multipart(form)
    };
    let projects = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM projects")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    let before = projects().await;
    let bad = format!(
        "{PROJECTS_SHEET}{}\n{}\n{}\n",
        "章源钨业三期碳化钨粉项目,某公司,,,,,,gxj,",
        "新项目甲,甲公司,,,,,,县国土局,",
        "锂电材料扩产项目,重名公司,,,,,,gxj,县水务局",
    );
    let (status, body) = official.json(post(bad, false)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let found: Vec<(u64, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        vec![(5, "lead_unit"), (6, "member_units"), (6, "name")],
        "unknown units and a name twice in the file"
    );
    let taken = format!("{PROJECTS_SHEET}章源钨业三期碳化钨粉项目,某公司,,,,,,gxj,\n");
    let (status, body) = official.json(post(taken, false)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (body["errors"][0]["row"].as_u64(), body["errors"][0]["field"].as_str()),
        (Some(4), Some("name"))
    );
    assert_eq!(projects().await, before, "nothing is half-imported");

    let (status, body) = official.json(post(PROJECTS_SHEET.to_string(), true)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["created"], 0);
    assert_eq!(projects().await, before);
    let (status, body) = official.json(post(PROJECTS_SHEET.to_string(), false)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["created"], 2);
    let (stage, lead, members): (String, String, i64) = sqlx::query_as(
        "SELECT p.stage, u.code, (SELECT count(*) FROM task_force_units tu WHERE tu.task_force_id = f.id)
         FROM projects p JOIN task_forces f ON f.project_id = p.id JOIN units u ON u.id = f.lead_unit_id
         WHERE p.name = '锂电材料扩产项目'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((stage.as_str(), lead.as_str(), members), ("signed", "gxj", 3));

    let lead_api = Api::as_user(&app, "lead").await;
    let form = Form::new().part(
        "file",
        Part::bytes(PROJECTS_SHEET.as_bytes().to_vec()).file_name("p.csv"),
    );
    let (status, _) = lead_api
        .json(
            lead_api
                .request(reqwest::Method::POST, "/api/v1/projects/import")
                .multipart(form),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_projects_import_page_previews_then_creates() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let (status, page) = official.get_text("/projects/import").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("enctype=\"multipart/form-data\""));
    let token = official.csrf_token().await;
    let form = Form::new().text("csrf_token", token).part(
        "file",
        Part::bytes(PROJECTS_SHEET.as_bytes().to_vec()).file_name("projects.csv"),
    );
    let r = official
        .http
        .post(format!("{}/projects/import", official.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let preview = r.text().await.unwrap();
    assert!(preview.contains("将新增 2 个项目") && preview.contains("钨精深加工项目"));
    assert!(preview.contains(zh().investment.field_annual) && preview.contains(">6000<"));
    // The confirmation sends back what the preview holds.
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut rest = preview.as_str();
    while let Some(at) = rest.find("<input type=\"hidden\" name=\"") {
        rest = &rest[at + 27..];
        let name = &rest[..rest.find('"').unwrap()];
        let v = &rest[rest.find("value=\"").unwrap() + 7..];
        let value = &v[..v.find('"').unwrap()];
        if name != "csrf_token" {
            fields.push((name.to_string(), value.replace("&#x2f;", "/").replace("&#32;", " ")));
        }
    }
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = official.submit("/projects/import/confirm", &pairs).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let leader: Option<String> =
        sqlx::query_scalar("SELECT f.leader_name FROM task_forces f JOIN projects p ON p.id = f.project_id WHERE p.name = '锂电材料扩产项目'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(leader.as_deref(), Some("副县长 王强"));
    // The sheet's year plan and planned start became the project's plan of this year.
    let plans: Vec<(String, i32, String, Option<i32>)> = sqlx::query_as(
        "SELECT p.name, pl.year, pl.annual::text, pl.planned_start_month
         FROM investment_plans pl JOIN projects p ON p.id = pl.project_id
         WHERE p.name IN ('锂电材料扩产项目', '钨精深加工项目')",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let year = chrono::Datelike::year(&app.today().await);
    assert_eq!(
        plans,
        vec![("锂电材料扩产项目".to_string(), year, "6000.00".to_string(), Some(3))]
    );
    let member = app.demo_login("member").await;
    assert_eq!(member.get("/projects/import").await.status(), StatusCode::FORBIDDEN);
}
