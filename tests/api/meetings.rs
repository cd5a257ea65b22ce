//! Dispatch meetings, decisions that become items, and frozen notices.

use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;
use zhuanban::db::settings;

use crate::harness::{Client, TestApp, hidden, spawn_demo_app, zh};

const CNNC: &str = "中核南方新材料独居石项目";
const QIXIANG: &str = "祺祥新能源年产2万吨电池级碳酸锂项目";

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// Publishes a meeting's notice as the page does: the preview, then its confirmation.
async fn publish(client: &Client, meeting: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    client.confirm_preview(&format!("{meeting}/publish"), fields).await
}

/// Records a decision of `meeting` through its form: a new item of `project`, for `unit`.
async fn record_decision(
    client: &Client,
    meeting: &str,
    project: &str,
    (title, unit, deadline, category): (&str, &str, &str, &str),
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let mut fields = vec![
        ("project", project),
        ("title", title),
        ("responsible_unit", unit),
        ("deadline", deadline),
        ("category", category),
    ];
    fields.extend_from_slice(extra);
    client.submit(&format!("{meeting}/decisions"), &fields).await
}

async fn schedule(app: &TestApp, client: &Client, when: &str, projects: &[&str]) -> String {
    let ids: Vec<String> = {
        let mut v = Vec::new();
        for p in projects {
            v.push(app.project_id(p).await.to_string());
        }
        v
    };
    let mut fields = vec![
        ("kind", "weekly"),
        ("title", "重点工业项目每周调度会"),
        ("starts_at", when),
        ("place", "县政府三楼"),
    ];
    for id in &ids {
        fields.push(("projects", id.as_str()));
    }
    fields.push(("units", "zrzyj"));
    fields.push(("invitees", "周海峰\n张华"));
    let r = client.submit("/meetings", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    location(&r)
}

async fn today(app: &TestApp) -> chrono::NaiveDate {
    settings::load(&app.pool).await.unwrap().today()
}

#[tokio::test]
async fn the_agenda_is_built_from_the_checklists_and_decisions_become_items() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let day = today(&app).await;
    let meeting = schedule(
        &app,
        &official,
        &format!("{}T09:00", day + chrono::Duration::days(1)),
        &[CNNC, QIXIANG],
    )
    .await;
    let (status, page) = official.get_text(&meeting).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("伴生放射性监测方案备案") && page.contains("施工临时用电增容"),
        "red and yellow items on the agenda"
    );
    assert!(
        page.contains("补正监测方案并报省厅复核"),
        "an earlier decision still open"
    );
    assert!(page.contains("申请协调员工宿舍配套用地"), "a pending investor request");
    assert!(
        page.contains(zh().meetings.last_decisions) && page.contains("仍未完成"),
        "how the last meeting's decisions went"
    );
    assert!(
        page.contains("受邀人员") && page.contains("周海峰、张华"),
        "invited people"
    );

    let cnnc = app.project_id(CNNC).await.to_string();
    let qixiang = app.project_id(QIXIANG).await.to_string();
    let deadline = (day + chrono::Duration::days(10)).to_string();
    let bad = official
        .submit(
            &format!("{meeting}/decisions"),
            &[
                ("project", &cnnc),
                ("title", ""),
                ("responsible_unit", "nope"),
                ("deadline", "2026-02-30"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = bad.text().await.unwrap();
    assert!(body.contains("必填") && body.contains("没有这个单位") && body.contains("请输入有效日期"));
    for (project, title, unit) in [
        (&cnnc, "三日内完成线路迁改方案会审", "gdgs"),
        (&qixiang, "协调增容停电计划", "gdgs"),
    ] {
        let r = official
            .submit(
                &format!("{meeting}/decisions"),
                &[
                    ("project", project),
                    ("title", title),
                    ("responsible_unit", unit),
                    ("deadline", &deadline),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let made: Vec<(String, String, Option<Uuid>)> = sqlx::query_as(
        "SELECT i.title, i.source, i.meeting_id FROM checklist_items i JOIN meeting_decisions d ON d.item_id = i.id ORDER BY i.title",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let meeting_id = Uuid::parse_str(meeting.trim_start_matches("/meetings/")).unwrap();
    assert!(
        made.iter()
            .any(|(t, s, m)| t == "协调增容停电计划" && s == "meeting_decision" && *m == Some(meeting_id))
    );
    let (_, project_page) = official.get_text(&format!("/projects/{qixiang}")).await;
    assert!(
        project_page.contains("协调增容停电计划"),
        "the decision is on the project's checklist"
    );
    let decision: Uuid = sqlx::query_scalar("SELECT id FROM checklist_items WHERE title = '协调增容停电计划'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (_, item_page) = official.get_text(&format!("/items/{decision}")).await;
    assert!(
        item_page.contains(&format!("href=\"{meeting}\"")),
        "the item links back to its meeting"
    );
    let (_, queue) = official.get_text("/units/gdgs").await;
    assert!(queue.contains("三日内完成线路迁改方案会审"), "and in its unit's queue");

    // The next meeting shows how these decisions went.
    let id: Uuid = sqlx::query_scalar("SELECT id FROM checklist_items WHERE title = '协调增容停电计划'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let member_like = official
        .submit(
            &format!("/items/{id}/close"),
            &[("version", "1"), ("text", "停电计划已批复")],
        )
        .await;
    assert_eq!(member_like.status(), StatusCode::SEE_OTHER);
    // Later the same day (before the demo's on-site meeting), so this one is "the last meeting".
    let next = schedule(
        &app,
        &official,
        &format!("{}T18:00", day + chrono::Duration::days(1)),
        &[CNNC, QIXIANG],
    )
    .await;
    let (_, next_page) = official.get_text(&next).await;
    assert!(next_page.contains(zh().columns.col_on_time) && next_page.contains("协调增容停电计划"));
    assert!(next_page.contains("仍未完成") && next_page.contains("三日内完成线路迁改方案会审"));
}

#[tokio::test]
async fn a_bad_meeting_form_names_its_fields() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let r = official
        .submit(
            "/meetings",
            &[("kind", "party"), ("title", ""), ("starts_at", "tomorrow")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("请从列表中选择") && body.contains("必填") && body.contains("请输入有效日期"));
    assert!(body.contains("value=\"tomorrow\""), "input kept");
}

#[tokio::test]
async fn a_published_notice_is_numbered_printable_and_frozen() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let day = today(&app).await;
    let meeting = schedule(&app, &official, &format!("{day}T09:00"), &[CNNC, QIXIANG]).await;
    let r = publish(
        &official,
        &meeting,
        &[("title", "关于重点项目推进情况的通报"), ("body", "请各单位抓紧整改。")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let notice = location(&r);
    let (status, page) = official.get_text(&notice).await;
    assert_eq!(status, StatusCode::OK);
    let number = format!("{}年第1期", chrono::Datelike::year(&day));
    assert!(page.contains(&number) && page.contains("崇义县重点工业项目推进情况通报"));
    assert!(page.contains("伴生放射性监测方案备案") && page.contains("施工临时用电增容"));
    assert!(
        page.contains("中核南方新材料独居石项目（红色"),
        "the black list of the meeting's projects"
    );
    // Later changes never change a published notice.
    sqlx::query("UPDATE checklist_items SET title = '改过的标题' WHERE title = '伴生放射性监测方案备案'")
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, again) = official.get_text(&notice).await;
    assert!(again.contains("伴生放射性监测方案备案") && !again.contains("改过的标题"));
    // Numbers follow each other; the list finds notices by week and project.
    let r = official.publish_week(&[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, list) = official.get_text("/notices").await;
    assert!(list.contains(&number) && list.contains(&format!("{}年第2期", chrono::Datelike::year(&day))));
    let qixiang = app.project_id(QIXIANG).await;
    let zhangyuan = app.project_id("章源钨业三期碳化钨粉项目").await;
    let (_, by_project) = official.get_text(&format!("/notices?project={zhangyuan}")).await;
    assert!(
        !by_project.contains(&number) && by_project.contains("第2期"),
        "only the county-wide notice names 章源"
    );
    let (_, by_week) = official
        .get_text(&format!("/notices?week={day}&project={qixiang}"))
        .await;
    assert!(by_week.contains(&number));
    let (_, old_week) = official.get_text("/notices?week=2020-01-01").await;
    assert!(old_week.contains("暂无通报"));
}

#[tokio::test]
async fn investors_see_no_meeting_or_notice_and_units_see_notices_naming_them() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let day = today(&app).await;
    let meeting = schedule(&app, &official, &format!("{day}T15:00"), &[QIXIANG]).await;
    let r = publish(&official, &meeting, &[]).await;
    let notice = location(&r);
    let investor = app.demo_login("investor").await;
    assert_eq!(investor.get("/meetings").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(investor.get("/notices").await.status(), StatusCode::FORBIDDEN);
    for path in [meeting.clone(), notice.clone()] {
        let (status, body) = investor.get_text(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!body.contains("施工临时用电增容"));
    }
    // The notice names 国网崇义县供电公司 (its yellow item), not 县自然资源局.
    let member = app.demo_login("member").await;
    assert_eq!(member.get(&notice).await.status(), StatusCode::NOT_FOUND);
    app.add_user("power.staff", zhuanban::domain::role::Role::Member, Some("gdgs"), &[])
        .await;
    let power = app.login("power.staff").await;
    assert_eq!(power.get(&notice).await.status(), StatusCode::OK);
    let (_, list) = power.get_text("/notices").await;
    assert!(list.contains("第1期"));
    // Leads add decisions for their own task forces; only officials record and publish.
    let lead = app.demo_login("lead").await;
    let qixiang = app.project_id(QIXIANG).await.to_string();
    let deadline = (day + chrono::Duration::days(5)).to_string();
    let r = lead
        .submit(
            &format!("{meeting}/decisions"),
            &[
                ("project", &qixiang),
                ("title", "联络员跟进"),
                ("responsible_unit", "gyyq"),
                ("deadline", &deadline),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        lead.submit(&format!("{meeting}/publish"), &[]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        lead.submit(&format!("{meeting}/record"), &[("minutes", "x")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(lead.get("/meetings/new").await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_record_keeps_attendance_and_minutes() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let day = today(&app).await;
    let meeting = schedule(&app, &official, &format!("{day}T09:00"), &[QIXIANG]).await;
    let qixiang = app.project_id(QIXIANG).await;
    let r = official
        .submit(
            &format!("{meeting}/record"),
            &[
                ("attendees", "周海峰\n张华\n\n"),
                ("minutes", "听取汇报。"),
                (&format!("minutes_{qixiang}"), "用电增容本周完成。"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = official.get_text(&meeting).await;
    assert!(
        page.contains("周海峰\n张华")
            && page.contains("听取汇报。")
            && page.contains("用电增容本周完成。")
            && page.contains(zh().meetings.meeting_held)
    );
}

#[tokio::test]
async fn the_meetings_api_schedules_decides_and_publishes() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let day = today(&app).await;
    let cnnc = app.project_id(CNNC).await;
    let r = official
        .http
        .post(format!("{}/api/v1/meetings", app.base))
        .json(
            &json!({"kind": "onsite", "starts_at": format!("{day}T10:00"), "place": "项目现场", "project_ids": [cnnc]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let m: Value = official
        .get(&format!("/api/v1/meetings/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(m["kind"], "onsite");
    let flagged = m["agenda"][0]["flagged"].as_array().unwrap();
    assert!(
        flagged
            .iter()
            .any(|i| i["title"] == "伴生放射性监测方案备案" && i["status"] == "red")
    );
    let r = official
        .http
        .post(format!("{}/api/v1/meetings/{id}/decisions", app.base))
        .json(&json!({"project_id": cnnc, "title": "现场确定迁改路径", "responsible_unit": "gdgs", "deadline": (day + chrono::Duration::days(3)).to_string()}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let source: String = sqlx::query_scalar("SELECT source FROM checklist_items WHERE title = '现场确定迁改路径'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(source, "onsite_dispatch", "an on-site meeting's decisions say so");
    let bad = official
        .http
        .post(format!("{}/api/v1/meetings/{id}/decisions", app.base))
        .json(&json!({"project_id": Uuid::nil(), "title": "x", "responsible_unit": "gdgs", "deadline": "2026-12-01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = official
        .http
        .post(format!("{}/api/v1/meetings/{id}/publish", app.base))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let notice_id = r.json::<Value>().await.unwrap()["notice_id"]
        .as_str()
        .unwrap()
        .to_string();
    let n: Value = official
        .get(&format!("/api/v1/notices/{notice_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(n["number"], 1);
    assert!(
        n["content"]["red_items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["title"] == "伴生放射性监测方案备案")
    );
    let investor = app.demo_login("investor").await;
    assert_eq!(
        investor.get(&format!("/api/v1/meetings/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        investor.get(&format!("/api/v1/notices/{notice_id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let bad = official
        .http
        .post(format!("{}/api/v1/meetings", app.base))
        .json(&json!({"kind": "weekly", "starts_at": "soon", "project_ids": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: Value = bad.json().await.unwrap();
    assert!(err["fields"]["starts_at"].is_string() && err["fields"]["projects"].is_string());
}

#[tokio::test]
async fn the_chair_adds_and_orders_agenda_points() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let day = today(&app).await;
    let meeting = schedule(&app, &official, &format!("{day}T09:00"), &[QIXIANG]).await;
    for text in ["听取园区汇报", "研究宿舍用地"] {
        assert_eq!(
            official
                .submit(&format!("{meeting}/points"), &[("text", text)])
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
    }
    let empty = official.submit(&format!("{meeting}/points"), &[("text", " ")]).await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let second: Uuid = sqlx::query_scalar("SELECT id FROM meeting_agenda_points WHERE text = '研究宿舍用地'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let r = official
        .submit(
            &format!("{meeting}/points/move"),
            &[("point", &second.to_string()), ("direction", "up")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = official.get_text(&meeting).await;
    assert!(
        page.find("研究宿舍用地").unwrap() < page.find("听取园区汇报").unwrap(),
        "moved up"
    );
    let lead = app.demo_login("lead").await;
    assert_eq!(
        lead.submit(&format!("{meeting}/points"), &[("text", "x")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE entity = 'meeting'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(audited, 4, "schedule, two points, one reorder");
}

#[tokio::test]
async fn a_notice_downloads_as_xlsx() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let r = official.publish_week(&[]).await;
    let notice = location(&r);
    let r = official.get(&format!("{notice}/xlsx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"notice-")
    );
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an XLSX is a zip archive");
    assert_eq!(
        app.demo_login("investor")
            .await
            .get(&format!("{notice}/xlsx"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_calendar_feed_shows_meetings_and_deadlines_until_revoked() {
    let app = spawn_demo_app().await;
    let member = app.demo_login("member").await;
    let (status, page) = member.get_text("/calendar").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("尚未生成订阅地址"));
    let r = member.submit("/calendar", &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    let start = body.find("id=\"feed-url\">").unwrap() + "id=\"feed-url\">".len();
    let url = body[start..]
        .split('<')
        .next()
        .unwrap()
        .replace("&#x2f;", "/")
        .replace("&#47;", "/");
    assert!(url.starts_with("http"), "{url}");
    assert!(url.ends_with(".ics"));
    let feed = reqwest::get(&url).await.unwrap();
    assert_eq!(feed.status(), StatusCode::OK);
    assert!(
        feed.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let ics = feed.text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR"));
    assert!(ics.contains("宿舍楼规划方案调整"), "the unit's deadlines");
    assert!(
        ics.contains("重点工业项目每周调度会"),
        "meetings of projects the member may see"
    );
    assert!(!ics.contains("施工临时用电增容"), "not other units' deadlines");
    // Each event says what it is and links back; a deadline leaves the day free (Outlook would
    // show it Busy otherwise), a meeting does not.
    let unfolded = ics.replace("\r\n ", "");
    let events: Vec<&str> = unfolded.split("BEGIN:VEVENT").skip(1).collect();
    let base = app.base.trim_end_matches('/');
    for e in &events {
        assert!(e.contains("\r\nDESCRIPTION:"), "{e}");
        let deadline = e.contains("DTSTART;VALUE=DATE:");
        let path = if deadline { "/items/" } else { "/meetings/" };
        assert!(e.contains(&format!("\r\nURL:{base}{path}")), "{e}");
        assert_eq!(e.contains("\r\nTRANSP:TRANSPARENT\r\n"), deadline, "{e}");
    }
    assert!(
        events
            .iter()
            .any(|e| e.contains("宿舍楼规划方案调整") && e.contains("完成期限是"))
    );
    // Revoking ends the URL; a made-up one never worked.
    assert_eq!(
        member.submit("/calendar/revoke", &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(reqwest::get(&url).await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(
        reqwest::get(format!("{}/ics/nonsense.ics", app.base))
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.demo_login("investor").await.get("/calendar").await.status(),
        StatusCode::FORBIDDEN
    );
}

/// The meeting page's forms refuse what they cannot keep exactly, name the field and keep what
/// was typed: a long invitee or attendee line, a NUL, an agenda point too long, a notice title
/// too long.
#[tokio::test]
async fn meeting_forms_refuse_rather_than_cut_and_keep_what_was_typed() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let day = today(&app).await;
    let qixiang = app.project_id(QIXIANG).await.to_string();
    let long_name = "长".repeat(101);
    let invitees = format!("周海峰\n{long_name}");
    let place = "会".repeat(201);
    let r = official
        .submit(
            "/meetings",
            &[
                ("kind", "weekly"),
                ("title", "调度会"),
                ("starts_at", &format!("{day}T09:00")),
                ("place", &place),
                ("chair", "坏\0字"),
                ("projects", &qixiang),
                ("invitees", &invitees),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    for field in ["place-error", "chair-error", "invitees-error"] {
        assert!(page.contains(&format!("id=\"{field}\"")), "{field} is named");
    }
    assert!(
        page.contains("不能超过 100 个字") && page.contains("不能超过 200 个字") && page.contains("含有无法保存的字符")
    );
    assert!(
        page.contains(&long_name) && page.contains(&place),
        "what was typed is kept"
    );
    let none: i64 = sqlx::query_scalar("SELECT count(*) FROM meetings WHERE title = '调度会'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(none, 0);

    let meeting = schedule(&app, &official, &format!("{day}T09:00"), &[QIXIANG]).await;
    // The record: an attendee too long; the minutes typed come back with it.
    let attendees = format!("周海峰\n{long_name}");
    let r = official
        .submit(
            &format!("{meeting}/record"),
            &[
                ("attendees", &attendees),
                ("minutes", "听取汇报。"),
                (&format!("minutes_{qixiang}"), "用电增容本周完成。"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"attendees-error\"") && page.contains(&long_name));
    assert!(page.contains("听取汇报。") && page.contains("用电增容本周完成。"));
    let held: String = sqlx::query_scalar("SELECT state FROM meetings WHERE id = $1")
        .bind(Uuid::parse_str(meeting.rsplit('/').next().unwrap()).unwrap())
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(held, "scheduled", "nothing recorded");

    // An agenda point too long keeps its text and its project.
    let point = "议".repeat(1001);
    let r = official
        .submit(&format!("{meeting}/points"), &[("text", &point), ("project", &qixiang)])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"point-error\"") && page.contains(&point));
    assert!(
        page.contains(&format!("<option value=\"{qixiang}\" selected>")),
        "the project stays chosen"
    );

    // A notice title too long is refused, not cut, on the page and through the API.
    let title = "通".repeat(201);
    let r = official
        .submit(
            &format!("{meeting}/publish"),
            &[("title", &title), ("body", "请抓紧。")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    // The error is tied to its field for screen readers.
    assert!(page.contains("id=\"notice_title-error\"") && page.contains("aria-describedby=\"notice_title-error\""));
    assert!(page.contains(&title) && page.contains("请抓紧。"));
    let token = app.bearer("official").await;
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1{}/publish", app.base, meeting))
        .bearer_auth(&token)
        .json(&json!({ "title": title }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: Value = r.json().await.unwrap();
    assert!(err["fields"]["title"].is_string(), "{err}");
    let notices: i64 = sqlx::query_scalar("SELECT count(*) FROM notices")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(notices, 0);
}

#[tokio::test]
async fn a_meeting_has_one_notice_with_its_decisions_and_issuer_and_a_correction_says_why() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let day = today(&app).await;
    let meeting = schedule(&app, &official, &format!("{day}T10:00"), &[QIXIANG]).await;
    let qixiang = app.project_id(QIXIANG).await.to_string();
    let deadline = (day + chrono::Duration::days(10)).to_string();
    let r = record_decision(
        &official,
        &meeting,
        &qixiang,
        ("五日内完成专线接入方案", "gdgs", &deadline, "utilities"),
        &[],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // The preview shows what will be frozen; nothing is published until it is confirmed.
    let r = official
        .submit(&format!("{meeting}/publish"), &[("title", ""), ("body", "")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let preview = r.text().await.unwrap();
    assert!(preview.contains("五日内完成专线接入方案") && preview.contains("县项目专班办公室"));
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM notices")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    assert_eq!(count().await, 0, "a preview publishes nothing");
    let digest = hidden(&preview, "digest");
    let confirm = [
        ("title", ""),
        ("body", ""),
        ("step", "confirm"),
        ("digest", digest.as_str()),
    ];
    // Confirmed twice (a double click): one notice, and the second answer points at it.
    let first = official.submit(&format!("{meeting}/publish"), &confirm).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let notice = location(&first);
    let second = official.submit(&format!("{meeting}/publish"), &confirm).await;
    assert_eq!(second.status(), StatusCode::CONFLICT);
    let again = second.text().await.unwrap();
    assert!(again.contains(zh().meetings.notice_exists) && again.contains(&notice));
    assert_eq!(count().await, 1);

    // The notice lists the decisions, links its meeting, and ends with the office and the date.
    let (_, page) = official.get_text(&notice).await;
    assert!(page.contains(zh().meetings.notice_decisions) && page.contains("五日内完成专线接入方案"));
    assert!(page.contains(&format!("href=\"{meeting}\"")), "links to its meeting");
    assert!(page.contains("县项目专班办公室") && page.contains(&zh().notice_date(&day)));
    assert!(page.contains("data-print"), "a print button");
    // The meeting page shows its notice and offers a correction instead of a second notice.
    let (_, meeting_page) = official.get_text(&meeting).await;
    assert!(meeting_page.contains(zh().meetings.meeting_notice) && meeting_page.contains(&notice));
    assert!(meeting_page.contains(zh().meetings.reissue_submit));

    // A correction needs its reason; with it, the new notice says what it corrects and why.
    let r = official
        .submit(&format!("{meeting}/publish"), &[("reissue", "1"), ("reason", " ")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("id=\"reason-error\""));
    let r = publish(
        &official,
        &meeting,
        &[("reissue", "1"), ("reason", "决定事项的责任单位有误")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let corrected = location(&r);
    assert_ne!(corrected, notice);
    let (_, page) = official.get_text(&corrected).await;
    assert!(page.contains(zh().meetings.notice_corrects) && page.contains("决定事项的责任单位有误"));
    assert!(page.contains(&format!("href=\"{notice}\"")));
    let (_, old) = official.get_text(&notice).await;
    assert!(old.contains(zh().meetings.notice_superseded) && old.contains(&corrected));
    assert_eq!(count().await, 2);
}

#[tokio::test]
async fn the_api_publishes_a_meetings_notice_once_and_corrects_it_with_a_reason() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let day = today(&app).await;
    let meeting = schedule(&app, &official, &format!("{day}T11:00"), &[QIXIANG]).await;
    let token = app.bearer("official").await;
    let post = |body: Value| {
        let (base, token, path) = (app.base.clone(), token.clone(), format!("/api/v1{meeting}/publish"));
        async move {
            let r = reqwest::Client::new()
                .post(format!("{base}{path}"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = r.status();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    // Two at once: one notice.
    let (a, b) = tokio::join!(post(json!({})), post(json!({})));
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT], "{a:?} {b:?}");
    let (created, conflict) = if a.0 == StatusCode::CREATED {
        (a.1, b.1)
    } else {
        (b.1, a.1)
    };
    assert_eq!(
        conflict["notice_id"], created["notice_id"],
        "the answer names the notice"
    );
    assert_eq!(conflict["error"], "conflict");
    let (status, err) = post(json!({"reissue": true})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["fields"]["reason"].is_string(), "{err}");
    let (status, reissued) = post(json!({"reissue": true, "reason": "漏列一项决定"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, n) = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/notices/{}",
            app.base,
            reissued["notice_id"].as_str().unwrap()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .map(|r| (r.status(), r))
        .unwrap();
    assert_eq!(status, StatusCode::OK);
    let n: Value = n.json().await.unwrap();
    assert_eq!(n["corrects"], created["notice_id"]);
    assert_eq!(n["correction_reason"], "漏列一项决定");
    assert_eq!(n["content"]["issuer"], "县项目专班办公室");
}

#[tokio::test]
async fn a_notice_that_changed_since_its_preview_is_shown_again_not_published() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let day = today(&app).await;
    let meeting = schedule(&app, &official, &format!("{day}T12:00"), &[QIXIANG]).await;
    let r = official.submit(&format!("{meeting}/publish"), &[]).await;
    let digest = hidden(&r.text().await.unwrap(), "digest");
    // An item of the meeting's project falls far behind after the preview.
    sqlx::query(
        "UPDATE checklist_items SET title = '专线接入迟迟未办', deadline = $1
         WHERE id = (SELECT i.id FROM checklist_items i JOIN projects p ON p.id = i.project_id
                     WHERE p.name = $2 AND i.state = 'open' ORDER BY i.id LIMIT 1)",
    )
    .bind(day - chrono::Duration::days(40))
    .bind(QIXIANG)
    .execute(&app.pool)
    .await
    .unwrap();
    let r = official
        .submit(
            &format!("{meeting}/publish"),
            &[("step", "confirm"), ("digest", &digest)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let page = r.text().await.unwrap();
    assert!(page.contains(zh().meetings.notice_preview_stale) && page.contains("专线接入迟迟未办"));
    assert_ne!(hidden(&page, "digest"), digest, "the new preview to confirm");
    let notices: i64 = sqlx::query_scalar("SELECT count(*) FROM notices")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(notices, 0);
}

#[tokio::test]
async fn a_form_that_changed_something_says_so_once_on_the_next_page() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let day = today(&app).await;
    let meeting = schedule(&app, &official, &format!("{day}T14:00"), &[QIXIANG]).await;
    let scheduled = zh().flash(zhuanban::domain::done::Flash::one(
        zhuanban::domain::done::Done::MeetingScheduled,
    ));
    let (_, first) = official.get_text(&meeting).await;
    assert!(first.contains(&scheduled), "said on the page the form led to");
    assert!(first.contains("role=\"status\""));
    let (_, again) = official.get_text(&meeting).await;
    assert!(!again.contains(&scheduled), "said once");
    let qixiang = app.project_id(QIXIANG).await.to_string();
    let deadline = (day + chrono::Duration::days(7)).to_string();
    let r = record_decision(
        &official,
        &meeting,
        &qixiang,
        ("一周内完成用地报批", "zrzyj", &deadline, "land"),
        &[],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = official.get_text(&location(&r)).await;
    assert!(page.contains("已记录 1 项会议决定"), "in words, with the count");
    // In English on request.
    official.get("/lang/en?next=/meetings").await;
    let r = official
        .submit(
            &format!("{meeting}/points"),
            &[("text", "用地报批进展"), ("project", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = official.get_text(&location(&r)).await;
    assert!(page.contains("Point added."), "{}", &page[..page.len().min(300)]);
}

#[tokio::test]
async fn pages_name_their_columns_and_choices_in_plain_words() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let day = today(&app).await;
    let meeting = schedule(&app, &official, &format!("{day}T16:00"), &[QIXIANG, CNNC]).await;
    let (_, page) = official.get_text(&meeting).await;
    // The decision form asks which project instead of picking the first.
    let select = &page[page.find("id=\"d-project\"").unwrap()..];
    let first_option = &select[select.find("<option").unwrap()..];
    assert!(first_option.starts_with(&format!("<option value=\"\" selected>{}", zh().choose)));
    // What is only shown is named without the form's hint; the form keeps its hint.
    let l = &zh().labels;
    assert!(
        page.contains(&format!("<dt>{}</dt>", l.field_invitees)),
        "受邀人员, not 受邀人员（每行一人）"
    );
    assert!(page.contains(&format!(
        "{} <span class=\"hint\">{}</span>",
        l.field_attendees, l.hint_one_per_line
    )));
    let r = publish(&official, &meeting, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, list) = official.get_text("/notices").await;
    assert!(list.contains(zh().columns.col_notice_no) && list.contains(zh().columns.col_as_of));
    assert!(!list.contains(&format!("<th scope=\"col\">{}</th>", zh().columns.col_deadline)));
    let c = &zh().columns;
    assert!(
        list.contains(&format!("data-label=\"{}\"", c.col_notice_no)),
        "the phone's cards name them too"
    );
    assert!(!list.contains(&format!("data-label=\"{}\"", c.col_deadline)));
    let (_, hooks) = app.demo_login("admin").await.get_text("/webhooks").await;
    assert!(hooks.contains("机器人地址"));
}

#[tokio::test]
async fn a_decision_answering_a_pending_request_accepts_it_into_its_item() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let day = today(&app).await;
    let meeting = schedule(&app, &official, &format!("{day}T17:00"), &[QIXIANG]).await;
    let qixiang = app.project_id(QIXIANG).await;
    let investor_id: Uuid = sqlx::query_scalar("SELECT id FROM users WHERE username = 'investor'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let request: Uuid = sqlx::query_scalar(
        "INSERT INTO investor_requests (project_id, submitted_by, title) VALUES ($1, $2, '协调解决临时用电') RETURNING id",
    )
    .bind(qixiang)
    .bind(investor_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (_, page) = official.get_text(&meeting).await;
    assert!(page.contains(&format!("<option value=\"{request}\"")) && page.contains("协调解决临时用电"));
    let deadline = (day + chrono::Duration::days(5)).to_string();
    let project = qixiang.to_string();
    let request_text = request.to_string();
    let decide = |answer: String| {
        let what = ("三日内完成临时用电接入", "gdgs", deadline.as_str(), "utilities");
        let (official, meeting, project) = (&official, &meeting, &project);
        async move { record_decision(official, meeting, project, what, &[("request", answer.as_str())]).await }
    };
    let r = decide("not-a-request".into()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("id=\"request-error\""));
    let r = decide(request_text.clone()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (state, item): (String, Option<Uuid>) = sqlx::query_as(
        "SELECT r.state, i.id FROM investor_requests r LEFT JOIN checklist_items i ON i.investor_request_id = r.id
         WHERE r.id = $1",
    )
    .bind(request)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(state, "accepted", "the meeting's decision answered it");
    let item = item.expect("the decision's item carries the request");
    let in_meeting: i64 = sqlx::query_scalar("SELECT count(*) FROM meeting_decisions WHERE item_id = $1")
        .bind(item)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(in_meeting, 1);
    let told: i64 =
        sqlx::query_scalar("SELECT count(*) FROM events WHERE kind = 'request_accepted' AND request_id = $1")
            .bind(request)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(told, 1, "the investor hears it was accepted");
    // Answered already: a second decision naming it is refused and writes nothing.
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM checklist_items")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let r = decide(request_text.clone()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM checklist_items")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(before, after);
}
