//! The pages of projects, task forces and checklists: the daily work of a task force.

use reqwest::StatusCode;
use uuid::Uuid;
use zhuanban::domain::role::Role;

use crate::harness::{Client, TestApp, spawn_app, spawn_demo_app, zh};

const QIXIANG: &str = "祺祥新能源年产2万吨电池级碳酸锂项目";
const JINZHU: &str = "金竹矿业萤石矿项目";

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

async fn item_id(app: &TestApp, title: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM checklist_items WHERE title = $1")
        .bind(title)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn version(app: &TestApp, item: Uuid) -> String {
    let v: i32 = sqlx::query_scalar("SELECT version FROM checklist_items WHERE id = $1")
        .bind(item)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    v.to_string()
}

async fn state(app: &TestApp, item: Uuid) -> String {
    sqlx::query_scalar("SELECT state FROM checklist_items WHERE id = $1")
        .bind(item)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn project_fields<'a>(name: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("name", name),
        ("company", "崇义新材料有限公司"),
        ("park", "龙勾工业园"),
        ("total_investment", "35000"),
        ("investment_code", "2026-360725-30-03-000999"),
        ("stage", "signed"),
        ("leader_name", "副县长 李明"),
        ("lead_unit", "gxj"),
        ("member_units", "zrzyj"),
        ("member_units", "fgw"),
        ("planned_filed", "2026-12-20"),
    ];
    f.extend_from_slice(extra);
    f
}

#[tokio::test]
async fn an_official_creates_a_project_with_its_task_force() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let (status, form) = official.get_text("/projects/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains("name=\"member_units\"") && form.contains("刘洋"),
        "units and liaisons to choose"
    );
    let lead_id: Uuid = sqlx::query_scalar("SELECT id FROM users WHERE username = 'lead'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let lead = lead_id.to_string();
    let fields = project_fields("锂电隔膜项目", &[("liaisons", lead.as_str())]).await;
    let r = official.submit("/projects", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let target = location(&r);
    assert!(target.starts_with("/projects/"));
    let (_, page) = official.get_text(&target).await;
    assert!(page.contains("锂电隔膜项目") && page.contains("崇义新材料有限公司") && page.contains("3.5亿元"));
    assert!(page.contains("副县长 李明") && page.contains("县自然资源局") && page.contains("县发改委"));
    assert!(page.contains("刘洋（专班联络员）"), "the liaison is on the task force");
    assert!(page.contains("计划 2026-12-20"), "planned dates show on the timeline");
    assert!(
        page.contains("创建项目") && page.contains("张华（县工信局项目办）"),
        "history says who did it"
    );
    // The liaison may now keep this task force's checklist.
    let (status, _) = app
        .demo_login("lead")
        .await
        .get_text(&format!("{target}/items/new"))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_bad_project_form_names_each_field_and_keeps_the_input() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let fields = project_fields(
        "",
        &[
            ("investment_code", "2026-1"),
            ("total_investment", "很多"),
            ("lead_unit", "nope"),
            ("planned_signed", "2026-02-30"),
        ],
    )
    .await;
    // Later values of a repeated name are ignored by the form reader; put the bad ones first.
    let mut bad: Vec<(&str, &str)> = fields.iter().rev().cloned().collect();
    bad.retain(|(k, _)| *k != "csrf_token");
    let r = official.submit("/projects", &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("请修改标出的内容"));
    assert!(body.contains("必填"), "the empty name");
    assert!(body.contains("项目代码应为 24 位"));
    assert!(body.contains("请输入不小于 0 的整数"));
    assert!(body.contains("请输入有效日期"));
    assert!(body.contains("value=\"崇义新材料有限公司\""), "good input is kept");
    assert!(body.contains("value=\"很多\""), "bad input is kept too");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM projects")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 5, "nothing was created");
}

#[tokio::test]
async fn an_unknown_lead_unit_is_named() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let fields = project_fields("新项目", &[]).await;
    let fields: Vec<(&str, &str)> = fields
        .into_iter()
        .map(|(k, v)| if k == "lead_unit" { (k, "nope") } else { (k, v) })
        .collect();
    let r = official.submit("/projects", &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("没有这个单位"));
}

#[tokio::test]
async fn only_officials_create_and_edit_projects() {
    let app = spawn_demo_app().await;
    let qixiang = app.project_id(QIXIANG).await;
    for user in ["admin", "lead", "member", "investor"] {
        let client = app.demo_login(user).await;
        assert_eq!(
            client.get("/projects/new").await.status(),
            StatusCode::FORBIDDEN,
            "{user}"
        );
        let fields = project_fields("越权项目", &[]).await;
        assert_eq!(
            client.submit("/projects", &fields).await.status(),
            StatusCode::FORBIDDEN,
            "{user}"
        );
        let edit = client.get(&format!("/projects/{qixiang}/edit")).await.status();
        assert_eq!(edit, StatusCode::FORBIDDEN, "{user}");
        let advance = client
            .submit(&format!("/projects/{qixiang}/stage"), &[("stage", "completed")])
            .await
            .status();
        assert_eq!(advance, StatusCode::FORBIDDEN, "{user}");
    }
}

pub async fn edit_fields(client: &Client, project: Uuid) -> Vec<(String, String)> {
    let (_, form) = client.get_text(&format!("/projects/{project}/edit")).await;
    let value = |name: &str| {
        let key = format!("name=\"{name}\" value=\"");
        let start = form.find(&key).map(|i| i + key.len()).unwrap_or(0);
        form[start..].split('"').next().unwrap_or_default().to_string()
    };
    [
        "version",
        "name",
        "company",
        "park",
        "industry",
        "investment_code",
        "total_investment",
        "leader_name",
    ]
    .iter()
    .map(|n| (n.to_string(), value(n)))
    .chain([
        ("lead_unit".to_string(), "gyyq".to_string()),
        ("member_units".into(), "zrzyj".into()),
    ])
    .collect()
}

#[tokio::test]
async fn editing_a_project_is_saved_and_a_stale_edit_shows_both_versions() {
    let app = spawn_demo_app().await;
    let qixiang = app.project_id(QIXIANG).await;
    let first = app.demo_login("official").await;
    let second = app.demo_login("official").await;
    let mut a = edit_fields(&first, qixiang).await;
    let mut b = edit_fields(&second, qixiang).await;
    assert_eq!(a.iter().find(|(k, _)| k == "version").unwrap().1, "1");
    for (k, v) in a.iter_mut() {
        if k == "company" {
            *v = "祺祥新能源（集团）有限公司".into();
        }
    }
    let pairs = |f: &Vec<(String, String)>| f.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>();
    let a_pairs = pairs(&a);
    let a_refs: Vec<(&str, &str)> = a_pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = first.submit(&format!("/projects/{qixiang}/edit"), &a_refs).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = first.get_text(&format!("/projects/{qixiang}")).await;
    assert!(page.contains("祺祥新能源（集团）有限公司") && page.contains("修改项目"));

    for (k, v) in b.iter_mut() {
        if k == "leader_name" {
            *v = "副县长 王强".into();
        }
    }
    let b_pairs = pairs(&b);
    let b_refs: Vec<(&str, &str)> = b_pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = second.submit(&format!("/projects/{qixiang}/edit"), &b_refs).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body = r.text().await.unwrap();
    assert!(body.contains(zh().conflict_title));
    assert!(
        body.contains("祺祥新能源（集团）有限公司"),
        "the current version is shown"
    );
    assert!(
        body.contains("value=\"副县长 王强\""),
        "the second editor's input is kept in the form"
    );
    assert!(
        body.contains("name=\"version\" value=\"2\""),
        "saving again is a deliberate choice"
    );
    let leader: String = sqlx::query_scalar("SELECT leader_name FROM task_forces WHERE project_id = $1")
        .bind(qixiang)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(leader, "县长 周海峰", "nothing was overwritten");
}

#[tokio::test]
async fn advancing_a_stage_records_its_actual_date_and_only_moves_forward() {
    let app = spawn_demo_app().await;
    let qixiang = app.project_id(QIXIANG).await;
    let official = app.demo_login("official").await;
    let back = official
        .submit(
            &format!("/projects/{qixiang}/stage"),
            &[("version", "1"), ("stage", "signed"), ("date", "2026-01-01")],
        )
        .await;
    assert_eq!(back.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(back.text().await.unwrap().contains("只能推进到当前阶段之后的阶段"));
    let future = official
        .submit(
            &format!("/projects/{qixiang}/stage"),
            &[("version", "1"), ("stage", "completed"), ("date", "2099-01-01")],
        )
        .await;
    assert_eq!(future.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(future.text().await.unwrap().contains("日期不能晚于今天"));
    let ok = official
        .submit(
            &format!("/projects/{qixiang}/stage"),
            &[("version", "1"), ("stage", "completed"), ("date", "2026-01-02")],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let (_, page) = official.get_text(&format!("/projects/{qixiang}")).await;
    assert!(page.contains("实际 2026-01-02") && page.contains(zh().projects.advance_stage));
    let stage: String = sqlx::query_scalar("SELECT stage FROM projects WHERE id = $1")
        .bind(qixiang)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stage, "completed");
}

#[tokio::test]
async fn a_lead_adds_items_to_their_own_task_force_only() {
    let app = spawn_demo_app().await;
    let qixiang = app.project_id(QIXIANG).await;
    let jinzhu = app.project_id(JINZHU).await;
    let lead = app.demo_login("lead").await;
    let item = [
        ("title", " 消防设计审查 "),
        ("responsible_unit", "zjj"),
        ("deadline", "2020-01-01"),
        ("category", "construction"),
    ];
    let r = lead.submit(&format!("/projects/{qixiang}/items"), &item).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = lead.get_text(&format!("/projects/{qixiang}")).await;
    assert!(page.contains("消防设计审查"), "trimmed title listed");
    assert!(page.contains("新增事项"), "history records the addition");
    let id = item_id(&app, "消防设计审查").await;
    let (_, item_page) = lead.get_text(&format!("/items/{id}")).await;
    assert!(
        item_page.contains("红色通报"),
        "a deadline in the past is overdue from the start"
    );
    // Another task force's checklist, and an invisible project.
    assert_eq!(
        lead.submit(&format!("/projects/{jinzhu}/items"), &item).await.status(),
        StatusCode::NOT_FOUND
    );
    let cnnc = app.project_id("中核南方新材料独居石项目").await;
    app.add_user("lead2", Role::Lead, None, &[]).await;
    let other_lead = app.login("lead2").await;
    assert_eq!(
        other_lead.get(&format!("/projects/{cnnc}/items/new")).await.status(),
        StatusCode::NOT_FOUND
    );
    // Members and admins do not add items.
    let member = app.demo_login("member").await;
    assert_eq!(
        member
            .submit(&format!("/projects/{qixiang}/items"), &item)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let investor = app.demo_login("investor").await;
    assert_eq!(
        investor
            .submit(&format!("/projects/{qixiang}/items"), &item)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_bad_item_names_its_fields_and_keeps_the_input() {
    let app = spawn_demo_app().await;
    let qixiang = app.project_id(QIXIANG).await;
    let lead = app.demo_login("lead").await;
    let long = "长".repeat(201);
    let r = lead
        .submit(
            &format!("/projects/{qixiang}/items"),
            &[
                ("title", &long),
                ("responsible_unit", "nope"),
                ("deadline", "2026-02-30"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("不能超过 200 个字") && body.contains("没有这个单位") && body.contains("请输入有效日期"));
    assert!(body.contains("value=\"2026-02-30\""), "the typed date is kept");
}

#[tokio::test]
async fn a_member_sees_their_queue_and_submits_their_units_item_which_an_official_verifies() {
    let app = spawn_demo_app().await;
    let member = app.demo_login("member").await;
    let home = member.get("/").await;
    assert_eq!(location(&home), "/units/zrzyj", "unit staff start in their queue");
    let (status, queue) = member.get_text("/units/zrzyj").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        queue.find("二期扩产用地规划咨询").unwrap() < queue.find("宿舍楼规划方案调整").unwrap(),
        "most urgent first"
    );
    assert!(
        !queue.contains("施工临时用电增容"),
        "other units' items are not in this queue"
    );

    let id = item_id(&app, "二期扩产用地规划咨询").await;
    let v = version(&app, id).await;
    let empty = member
        .submit(&format!("/items/{id}/submit"), &[("version", &v), ("text", "  ")])
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text().await.unwrap().contains("必填"));
    let r = member
        .submit(
            &format!("/items/{id}/submit"),
            &[("version", &v), ("text", "规划意见已出具")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        state(&app, id).await,
        "open",
        "submitted items stay open until verified"
    );
    let (_, queue) = member.get_text("/units/zrzyj").await;
    assert!(queue.contains("二期扩产用地规划咨询") && queue.contains(zh().nav_verifications));
    let official = app.demo_login("official").await;
    let v = version(&app, id).await;
    let r = official
        .submit(&format!("/items/{id}/verify"), &[("version", &v), ("text", "")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(state(&app, id).await, "done");
    let (_, queue) = member.get_text("/units/zrzyj").await;
    assert!(!queue.contains("二期扩产用地规划咨询"), "closed items leave the queue");
    let project = app.project_id("祺胜新材料项目").await;
    let (_, page) = official.get_text(&format!("/projects/{project}")).await;
    assert!(page.contains("已销号") && page.contains("规划意见已出具"));
    assert!(
        page.contains("黄丽（县自然资源局）") && page.contains(zh().items.submit_submit) && page.contains("核验销号"),
        "history: who submitted and who verified"
    );
}

#[tokio::test]
async fn a_member_cannot_close_another_units_item_or_open_its_queue() {
    let app = spawn_demo_app().await;
    let member = app.demo_login("member").await;
    let id = item_id(&app, "施工临时用电增容").await;
    let v = version(&app, id).await;
    let r = member
        .submit(&format!("/items/{id}/close"), &[("version", &v), ("text", "越权")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(state(&app, id).await, "open");
    assert_eq!(member.get("/units/gdgs").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(member.get("/units/nope").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(member.get("/units").await.status(), StatusCode::FORBIDDEN);
    let official = app.demo_login("official").await;
    assert_eq!(official.get("/units/gdgs").await.status(), StatusCode::OK);
    let (_, units) = official.get_text("/units").await;
    assert!(units.contains("国网崇义县供电公司"));
}

#[tokio::test]
async fn closing_with_a_stale_version_shows_the_conflict_and_keeps_the_note() {
    let app = spawn_demo_app().await;
    let id = item_id(&app, "宿舍楼规划方案调整").await;
    let member = app.demo_login("member").await;
    let lead = app.demo_login("lead").await;
    let v = version(&app, id).await;
    let r = lead
        .submit(
            &format!("/items/{id}/cancel"),
            &[("version", &v), ("text", "方案不再调整")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = member
        .submit(
            &format!("/items/{id}/submit"),
            &[("version", &v), ("text", "已完成规划调整审查")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body = r.text().await.unwrap();
    assert!(body.contains(zh().conflict_title) && body.contains("已取消"));
    assert!(body.contains("已完成规划调整审查"), "the member's note is not lost");
    assert_eq!(state(&app, id).await, "cancelled");
}

#[tokio::test]
async fn reopening_needs_a_reason_and_is_recorded() {
    let app = spawn_demo_app().await;
    let id = item_id(&app, "项目备案（当日办结）").await;
    let official = app.demo_login("official").await;
    let v = version(&app, id).await;
    let r = official
        .submit(&format!("/items/{id}/reopen"), &[("version", &v), ("text", "")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = official
        .submit(
            &format!("/items/{id}/reopen"),
            &[("version", &v), ("text", "备案信息需变更")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(state(&app, id).await, "open");
    let (_, page) = official.get_text(&format!("/items/{id}")).await;
    assert!(page.contains(zh().items.reopen_heading) && page.contains("备案信息需变更"));
    // Reopening an open item is refused.
    let v = version(&app, id).await;
    let again = official
        .submit(&format!("/items/{id}/reopen"), &[("version", &v), ("text", "再次")])
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_deadline_change_keeps_the_original_and_needs_a_reason() {
    let app = spawn_demo_app().await;
    let id = item_id(&app, "园区污水管网接驳").await;
    let lead = app.demo_login("lead").await;
    let (status, form) = lead.get_text(&format!("/items/{id}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains(zh().labels.field_deadline_reason));
    let original: chrono::NaiveDate = sqlx::query_scalar("SELECT deadline FROM checklist_items WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let v = version(&app, id).await;
    let fields = |reason: &'static str| {
        vec![
            ("version", v.clone()),
            ("title", "园区污水管网接驳".to_string()),
            ("responsible_unit", "gyyq".to_string()),
            ("deadline", "2027-01-15".to_string()),
            ("category", "utilities".to_string()),
            ("deadline_reason", reason.to_string()),
        ]
    };
    let refs = |f: &Vec<(&'static str, String)>| f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let no_reason = refs(&fields(""));
    let no_reason: Vec<(&str, &str)> = no_reason.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = lead.submit(&format!("/items/{id}/edit"), &no_reason).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("请填写原因"));
    let with_reason = refs(&fields("管网施工受雨季影响"));
    let with_reason: Vec<(&str, &str)> = with_reason.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = lead.submit(&format!("/items/{id}/edit"), &with_reason).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (deadline, kept): (chrono::NaiveDate, chrono::NaiveDate) =
        sqlx::query_as("SELECT deadline, original_deadline FROM checklist_items WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(deadline.to_string(), "2027-01-15");
    assert_eq!(kept, original);
    let (_, page) = lead.get_text(&format!("/items/{id}")).await;
    assert!(
        page.contains(zh().items.original_deadline) && page.contains("调整期限") && page.contains("管网施工受雨季影响")
    );
}

#[tokio::test]
async fn a_stale_item_edit_shows_both_versions_and_overwrites_nothing() {
    let app = spawn_demo_app().await;
    let id = item_id(&app, "取水许可").await;
    let official = app.demo_login("official").await;
    let lead = app.demo_login("lead").await;
    let base = |title: &'static str| {
        vec![
            ("version", "1"),
            ("title", title),
            ("responsible_unit", "slj"),
            ("category", "utilities"),
            ("note", ""),
        ]
    };
    let deadline: chrono::NaiveDate = sqlx::query_scalar("SELECT deadline FROM checklist_items WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let d = deadline.to_string();
    let mut first = base("取水许可（含水资源论证）");
    first.push(("deadline", &d));
    assert_eq!(
        official.submit(&format!("/items/{id}/edit"), &first).await.status(),
        StatusCode::SEE_OTHER
    );
    let mut second = base("取水许可证核发");
    second.push(("deadline", &d));
    let r = lead.submit(&format!("/items/{id}/edit"), &second).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body = r.text().await.unwrap();
    assert!(body.contains("取水许可（含水资源论证）") && body.contains("value=\"取水许可证核发\""));
    let title: String = sqlx::query_scalar("SELECT title FROM checklist_items WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(title, "取水许可（含水资源论证）");
}

#[tokio::test]
async fn cancelling_is_for_the_task_force_and_needs_a_reason() {
    let app = spawn_demo_app().await;
    let id = item_id(&app, "宿舍楼规划方案调整").await;
    let v = version(&app, id).await;
    let member = app.demo_login("member").await;
    let r = member
        .submit(&format!("/items/{id}/cancel"), &[("version", &v), ("text", "不需要了")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let lead = app.demo_login("lead").await;
    let r = lead
        .submit(&format!("/items/{id}/cancel"), &[("version", &v), ("text", "")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = lead
        .submit(
            &format!("/items/{id}/cancel"),
            &[("version", &v), ("text", "企业调整方案")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(state(&app, id).await, "cancelled");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM checklist_items WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 1, "never deleted");
}

#[tokio::test]
async fn progress_is_posted_by_those_on_the_item_and_shown_inside_only() {
    let app = spawn_demo_app().await;
    let id = item_id(&app, "宿舍楼规划方案调整").await;
    let member = app.demo_login("member").await;
    let r = member
        .submit(
            &format!("/items/{id}/updates"),
            &[("body", "已与设计院对接 <b>方案</b>")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = member.get_text(&format!("/items/{id}")).await;
    assert!(page.contains("已与设计院对接 &#60;b&#62;方案&#60;/b&#62;") || page.contains("已与设计院对接 &lt;b&gt;"));
    let qixiang = app.project_id(QIXIANG).await;
    let (_, project) = app
        .demo_login("official")
        .await
        .get_text(&format!("/projects/{qixiang}"))
        .await;
    assert!(
        project.contains("已与设计院对接"),
        "latest progress on the project page"
    );
    let investor = app.demo_login("investor").await;
    let (_, seen) = investor.get_text(&format!("/projects/{qixiang}")).await;
    assert!(!seen.contains("已与设计院对接"), "investors never see progress updates");
    assert_eq!(
        investor
            .submit(&format!("/items/{id}/updates"), &[("body", "x")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let other = item_id(&app, "施工临时用电增容").await;
    assert_eq!(
        member
            .submit(&format!("/items/{other}/updates"), &[("body", "x")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let empty = member.submit(&format!("/items/{id}/updates"), &[("body", "")]).await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_investor_reaches_no_item_of_another_project() {
    let app = spawn_demo_app().await;
    let foreign = item_id(&app, "安全设施竣工验收").await;
    let investor = app.demo_login("investor").await;
    for path in [format!("/items/{foreign}"), format!("/items/{foreign}/edit")] {
        let (status, body) = investor.get_text(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!body.contains("安全设施"));
    }
    for action in ["close", "reopen", "cancel", "updates", "submit", "verify", "send-back"] {
        let r = investor
            .submit(
                &format!("/items/{foreign}/{action}"),
                &[("version", "1"), ("text", "x"), ("body", "x")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{action}");
    }
}

#[tokio::test]
async fn the_projects_list_filters_sorts_and_pages() {
    let app = spawn_demo_app().await;
    app.recompute().await;
    let official = app.demo_login("official").await;
    let names = |body: &str| {
        ["中核南方", "金竹矿业", "祺祥新能源", "祺胜新材料", "章源钨业"]
            .into_iter()
            .filter(|n| body.contains(n))
            .count()
    };
    let (_, red) = official.get_text("/projects?colour=red").await;
    assert_eq!(names(&red), 2);
    assert!(red.contains("中核南方") && red.contains("金竹矿业"));
    let (_, green) = official.get_text("/projects?colour=green").await;
    assert!(green.contains("祺胜新材料") && !green.contains("中核南方"));
    let (_, produced) = official.get_text("/projects?stage=in_production").await;
    assert_eq!(names(&produced), 3);
    let (_, park) = official
        .get_text("/projects?park=%E9%BE%99%E5%8B%BE%E5%B7%A5%E4%B8%9A%E5%9B%AD")
        .await;
    assert_eq!(names(&park), 1);
    let (_, text) = official.get_text("/projects?q=%E7%A5%BA").await; // 祺
    assert_eq!(names(&text), 2);
    let (_, code) = official.get_text("/projects?q=2024-360725").await;
    assert_eq!(names(&code), 2, "searchable by project code");
    let (_, none) = official.get_text("/projects?q=%25").await;
    assert_eq!(names(&none), 0, "pattern characters are literal");
    assert!(none.contains("没有符合条件的项目"));
    let (_, by_money) = official.get_text("/projects?sort=investment").await;
    assert!(by_money.find("祺祥新能源").unwrap() < by_money.find("中核南方").unwrap());
    let (status, _) = official.get_text("/projects?sort=bogus&page=-3&colour=purple").await;
    assert_eq!(status, StatusCode::OK, "unreadable filters are ignored");

    for i in 0..21 {
        sqlx::query("INSERT INTO projects (name, company) VALUES ($1, '测试企业')")
            .bind(format!("批量项目{i:02}"))
            .execute(&app.pool)
            .await
            .unwrap();
    }
    // The list shows what the last run saw; the inserts woke the job, here run by hand.
    app.recompute().await;
    let (_, first) = official.get_text("/projects").await;
    assert!(first.contains("第 1 / 2 页，共 26 条") && first.contains("rel=\"next\""));
    let (_, second) = official.get_text("/projects?page=2").await;
    assert!(second.contains("第 2 / 2 页") && second.contains("rel=\"prev\""));
}

#[tokio::test]
async fn an_empty_county_shows_a_helpful_empty_list() {
    let app = spawn_app().await;
    app.add_user("official", Role::Official, None, &[]).await;
    let (status, body) = app.login("official").await.get_text("/projects").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("暂无可查看的项目") && body.contains(zh().projects.new_project));
}

#[tokio::test]
async fn nul_characters_in_input_never_cause_a_500() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    for path in [
        "/projects?q=a%00b",
        "/projects?park=%00",
        "/units/zr%00zyj",
        "/rankings?week=%00",
        "/notices?project=%00",
    ] {
        let status = official.get(path).await.status();
        assert!(
            status.is_success() || status == StatusCode::NOT_FOUND,
            "{path}: {status}"
        );
    }
    let qixiang = app.project_id(QIXIANG).await;
    let r = official
        .submit(
            &format!("/projects/{qixiang}/items"),
            &[
                ("title", "a\0b"),
                ("responsible_unit", "zr\0zyj"),
                ("deadline", "2026-12-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields = project_fields("带\0空字符", &[]).await;
    fields.push(("member_units", "x\0y"));
    assert_eq!(
        official.submit("/projects", &fields).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn an_items_history_names_its_units() {
    let app = spawn_demo_app().await;
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM checklist_items WHERE title = '宿舍楼规划方案调整'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let official = app.demo_login("official").await;
    let token = app.bearer("official").await;
    let r = reqwest::Client::new()
        .patch(format!("{}/api/v1/items/{id}", app.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({"version": 1, "responsible_unit": "gdgs"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (_, page) = official.get_text(&format!("/items/{id}")).await;
    let history = &page[page.find("id=\"history\"").unwrap()..];
    assert!(
        history.contains("国网崇义县供电公司") && history.contains("县自然资源局"),
        "names, before and after"
    );
    assert!(!history.contains(">gdgs<") && !history.contains("zrzyj"), "not codes");
}
