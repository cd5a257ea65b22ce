//! Investment against the time line: plans, monthly reports (drafted, confirmed, corrected), the
//! figures and colours they give, the to-do, and the month's statement frozen and exported.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;
use zhuanban::domain::done::{Done, Flash};
use zhuanban::domain::investment::{Month, reporting_month};

use crate::harness::{Api, Client, TestApp, hidden, spawn_demo_app, zh};

const QIXIANG: &str = "祺祥新能源年产2万吨电池级碳酸锂项目";
const JINZHU: &str = "金竹矿业萤石矿项目";

async fn month(app: &TestApp) -> Month {
    reporting_month(app.today().await)
}

/// A new project with no figures yet.
async fn fresh_project(api: &Api, name: &str) -> Uuid {
    let (status, body) = api
        .post(
            "/api/v1/projects",
            json!({ "name": name, "company": "崇义萤石新材有限公司", "task_force": { "lead_unit": "gxj" } }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().parse().unwrap()
}

/// A plan that puts all of the year into January, so the time progress is 100% through any month,
/// and reports of January (and of the month being reported) that complete `completed` of 1200.
async fn behind(app: &TestApp, api: &Api, project: Uuid, completed: f64) {
    let m = month(app).await;
    let mut monthly = vec![0.0; 12];
    monthly[0] = 1200.0;
    let (status, body) = api
        .send(
            Method::PUT,
            &format!("/api/v1/projects/{project}/plans/{}", m.year()),
            Some(json!({ "annual_investment": 1200, "monthly": monthly })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let january = Month::new(m.year(), 1).unwrap();
    for (month, amount) in [(january, completed), (m, 0.0)] {
        let (status, body) = api
            .post(
                &format!("/api/v1/projects/{project}/monthly-reports"),
                json!({ "month": month.to_string(), "completed_investment": amount, "reason": "按实更正" }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
}

#[tokio::test]
async fn a_project_35_points_behind_the_time_line_is_red_and_says_why() {
    let app = spawn_demo_app().await;
    let official = Api::as_user(&app, "official").await;
    let project = fresh_project(&official, "萤石精深加工项目").await;
    behind(&app, &official, project, 780.0).await;
    let (status, p) = official.get(&format!("/api/v1/projects/{project}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(p["investment_status"], "red", "{p}");
    assert_eq!(p["checklist_status"], "green", "no open item");
    assert_eq!(p["status"], "red", "the worse of the two colours");
    let reason = p["status_reason"].as_str().unwrap();
    assert!(reason.contains("投资落后时间进度 35.0 个百分点"), "{reason}");
    // The page says the same, with the checklist's colour beside it.
    let client = app.demo_login("official").await;
    let (_, page) = client.get_text(&format!("/projects/{project}")).await;
    assert!(page.contains("投资落后时间进度 35.0 个百分点"), "{page}");
    assert!(page.contains(zh().investment.heading));
    // Exactly thirty points behind is still yellow, a tenth more red; the list filters by the
    // overall colour once the engine ran.
    behind(&app, &official, project, 840.0).await;
    let (_, p) = official.get(&format!("/api/v1/projects/{project}")).await;
    assert_eq!(p["investment_status"], "yellow", "{p}");
    behind(&app, &official, project, 838.8).await;
    let (_, p) = official.get(&format!("/api/v1/projects/{project}")).await;
    assert_eq!(p["investment_status"], "red", "{p}");
    behind(&app, &official, project, 780.0).await;
    app.recompute().await;
    let (_, list) = client.get_text("/projects?colour=red").await;
    assert!(list.contains("萤石精深加工项目"), "red by investment, listed as red");
    // A setting turns the investment colour off: shown, not counted.
    sqlx::query("UPDATE settings SET investment_colour = 0")
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, p) = official.get(&format!("/api/v1/projects/{project}")).await;
    assert_eq!(p["investment_status"], Value::Null, "{p}");
    assert_eq!(p["status"], p["checklist_status"]);
}

#[tokio::test]
async fn the_lead_files_the_month_and_the_county_figures_follow() {
    let app = spawn_demo_app().await;
    let m = month(&app).await;
    let qixiang = app.project_id(QIXIANG).await;
    let lead = app.demo_login("lead").await;
    // The month's report waits in the lead's to-do, leading to the project's investment page.
    let (_, home) = lead.get_text("/projects").await;
    assert!(
        home.contains(zh().todo_section(zhuanban::domain::todo::Section::ReportsDue)),
        "{home}"
    );
    assert!(home.contains(&format!("/projects/{qixiang}/investment")));
    let (status, page) = lead.get_text(&format!("/projects/{qixiang}/investment")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(zh().investment.state_draft),
        "the investor's draft is listed"
    );

    // A bad amount is named, and what was typed stays.
    let (lead_ref, month_text) = (&lead, m.to_string());
    let form = |amount: &'static str| {
        let month = month_text.clone();
        async move {
            lead_ref
                .submit(
                    &format!("/projects/{qixiang}/monthly-reports"),
                    &[
                        ("month", month.as_str()),
                        ("completed_investment", amount),
                        ("progress", "二期设备安装完成六成"),
                        ("problems", "110kV 专线接入待批复\n环评验收排期"),
                    ],
                )
                .await
        }
    };
    let r = form("3000.123").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains(zh().problems.not_an_amount) && page.contains("二期设备安装完成六成"));
    assert!(page.contains("id=\"completed_investment-error\""));
    let r = form("3000").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = lead.get_text(r.headers()["location"].to_str().unwrap()).await;
    assert!(page.contains(&zh().flash(Flash::one(Done::MonthReported))));
    // Each problem can become a checklist item in one step: a form filled with it.
    assert!(
        page.contains(&format!("/projects/{qixiang}/items/new?title=110kV")),
        "{page}"
    );
    let start = page.find(&format!("/projects/{qixiang}/items/new?")).unwrap();
    let href = page[start..page[start..].find('"').unwrap() + start].replace("&#38;", "&");
    let (status, form_page) = lead.get_text(&href).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form_page.contains("value=\"110kV 专线接入待批复\""), "{href}");
    assert!(
        form_page.contains(&zh().problem_note(m)),
        "the note names the report: {href}"
    );
    let (confirmed, by): (bool, String) = sqlx::query_as(
        "SELECT r.confirmed, u.username FROM monthly_reports r JOIN users u ON u.id = r.confirmed_by
         WHERE r.project_id = $1 AND r.month = $2",
    )
    .bind(qixiang)
    .bind(m.first_day())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(
        confirmed && by == "lead",
        "the draft became the lead's confirmed report"
    );
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'investment.report' AND project_id = $1")
            .bind(qixiang)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(audited, 1);
    let (_, home) = lead.get_text("/projects").await;
    assert!(
        !home.contains(&format!("/projects/{qixiang}/investment")),
        "done, off the to-do"
    );

    // The county's figures: plans of the demo's five projects, completion through the month.
    let official = Api::as_user(&app, "official").await;
    let (status, f) = official
        .get(&format!("/api/v1/investment?year={}&month={}", m.year(), m.number()))
        .await;
    assert_eq!(status, StatusCode::OK, "{f}");
    assert_eq!(f["plan_total"], 91000.0);
    let months = f64::from(m.number());
    assert!(
        (f["time_progress"].as_f64().unwrap() - months / 12.0).abs() < 1e-9,
        "{f}"
    );
    let completed: f64 = f["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["completed"].as_f64().unwrap())
        .sum();
    assert!((f["completed_total"].as_f64().unwrap() - completed).abs() < 1e-6);
    let rate = f["completion_rate"].as_f64().unwrap();
    assert!((rate - completed / 91000.0).abs() < 1e-9);
    let points = f["deviation_points"].as_f64().unwrap();
    assert!((points - ((rate - months / 12.0) * 1000.0).round() / 10.0).abs() < 1e-9);
    let first = &f["projects"][0];
    assert!(
        first["deviation_points"].as_f64().unwrap() <= f["projects"][1]["deviation_points"].as_f64().unwrap(),
        "most behind first"
    );
    // The dashboard reads the same after the engine's run.
    app.recompute().await;
    let client = app.demo_login("official").await;
    let (_, dashboard) = client.get_text("/dashboard").await;
    let t = zh();
    assert!(dashboard.contains(&t.completed_through(m)), "{dashboard}");
    assert!(dashboard.contains(&t.deviation(points)), "{dashboard}");
    assert!(dashboard.contains("91000"));
    let (status, county) = client.get_text(&format!("/investment?month={m}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(county.contains(t.investment.by_park) && county.contains("崇义县工业园区"));
}

#[tokio::test]
async fn the_investor_drafts_the_task_force_confirms_and_a_correction_needs_a_reason() {
    let app = spawn_demo_app().await;
    let m = month(&app).await;
    let qixiang = app.project_id(QIXIANG).await;
    let investor = Api::as_user(&app, "investor").await;
    let path = format!("/api/v1/projects/{qixiang}/monthly-reports");
    let (status, draft) = investor
        .post(&path, json!({ "month": m.to_string(), "completed_investment": 2900.5 }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    assert_eq!(draft["confirmed"], false);
    assert_eq!(draft["completed_investment"], "2900.5");
    // A draft does not count until the task force confirms it.
    let (_, f) = investor.get("/api/v1/investment").await;
    assert_eq!(
        f["projects"].as_array().unwrap().len(),
        1,
        "only their own project: {f}"
    );
    assert_eq!(f["projects"][0]["reported"], false);
    let id = draft["id"].as_str().unwrap().to_string();
    let investor_page = app.demo_login("investor").await;
    let r = investor_page
        .submit(&format!("/monthly-reports/{id}/confirm"), &[("version", "2")])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "the company does not confirm its own figures"
    );
    let lead = app.demo_login("lead").await;
    let (_, page) = lead.get_text(&format!("/projects/{qixiang}/investment")).await;
    let version = {
        let at = page.find(&format!("/monthly-reports/{id}/confirm")).unwrap();
        hidden(&page[at..], "version")
    };
    let r = lead
        .submit(&format!("/monthly-reports/{id}/confirm"), &[("version", &version)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, f) = investor.get("/api/v1/investment").await;
    assert_eq!(f["projects"][0]["reported"], true, "{f}");

    // Confirmed: the investor's draft and a report without a reason are refused, nothing changed.
    let (status, body) = investor
        .post(&path, json!({ "month": m.to_string(), "completed_investment": 1 }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let lead_api = Api::as_user(&app, "lead").await;
    let (status, body) = lead_api
        .post(&path, json!({ "month": m.to_string(), "completed_investment": 3100 }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["current"]["completed_investment"], "2900.5");
    let r = lead
        .submit(
            &format!("/projects/{qixiang}/monthly-reports"),
            &[("month", &m.to_string()), ("completed_investment", "3100")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains(zh().investment.already_confirmed));
    let (status, body) = lead_api
        .post(
            &path,
            json!({ "month": m.to_string(), "completed_investment": 3100, "reason": "企业补报设备款" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["completed_investment"], "3100");
    let (_, page) = lead.get_text(&format!("/projects/{qixiang}/investment")).await;
    assert!(
        page.contains("企业补报设备款") && page.contains("2900.5 → 3100"),
        "the history keeps it"
    );

    // Months to come are refused; other projects are not theirs.
    let next = m.next().next().to_string();
    let (status, body) = lead_api
        .post(&path, json!({ "month": next, "completed_investment": 1 }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["month"].is_string());
    let other = app.project_id(JINZHU).await;
    let (status, _) = investor
        .post(
            &format!("/api/v1/projects/{other}/monthly-reports"),
            json!({ "month": m.to_string(), "completed_investment": 1 }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        investor_page
            .get(&format!("/projects/{other}/investment"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

/// The version the page's plan form was opened at.
fn plan_version(page: &str) -> String {
    hidden(&page[page.find("/plan\"").expect("the plan form")..], "version")
}

async fn send(client: &Client, path: &str, fields: &[(String, String)]) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    client.submit(path, &pairs).await
}

#[tokio::test]
async fn plans_are_checked_kept_as_typed_and_never_overwritten_unseen() {
    let app = spawn_demo_app().await;
    let year = month(&app).await.year();
    let qixiang = app.project_id(QIXIANG).await;
    let lead = app.demo_login("lead").await;
    let (_, page) = lead.get_text(&format!("/projects/{qixiang}/investment")).await;
    let version = plan_version(&page);
    let mut fields: Vec<(String, String)> = vec![
        ("year".into(), year.to_string()),
        ("version".into(), version.clone()),
        ("annual_investment".into(), "1200".into()),
        ("planned_start_month".into(), "13".into()),
    ];
    for m in 1..=12 {
        fields.push((format!("m{m}"), if m == 1 { "1000".into() } else { String::new() }));
    }
    let plan = format!("/projects/{qixiang}/plan");
    let r = send(&lead, &plan, &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains(zh().problems.months_do_not_add_up), "{page}");
    assert!(page.contains("id=\"planned_start_month-error\"") && page.contains("value=\"13\""));
    fields[3].1 = "6".into();
    fields[4].1 = "1200".into();
    // Someone else saves the plan first: the lead's form is refused and shown against it.
    let official = app.demo_login("official").await;
    let mut first = fields.clone();
    first[2].1 = "5000".into();
    first[4].1 = "5000".into();
    assert_eq!(send(&official, &plan, &first).await.status(), StatusCode::SEE_OTHER);
    let r = send(&lead, &plan, &fields).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let page = r.text().await.unwrap();
    assert!(page.contains(zh().conflict_title) && page.contains("5000"));
    let stored: String =
        sqlx::query_scalar("SELECT annual::text FROM investment_plans WHERE project_id = $1 AND year = $2")
            .bind(qixiang)
            .bind(year)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, "5000.00", "nothing overwritten");
    // Sent again from the conflict page (its version), it is saved, and the change audited.
    fields[1].1 = plan_version(&page);
    assert_eq!(send(&lead, &plan, &fields).await.status(), StatusCode::SEE_OTHER);
    let (before, after): (Value, Value) = sqlx::query_as(
        "SELECT before, after FROM audit_log WHERE action = 'investment.plan' AND project_id = $1 ORDER BY at DESC LIMIT 1",
    )
    .bind(qixiang)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(before["annual_investment"], "5000");
    assert_eq!(after["annual_investment"], "1200");
    assert_eq!(after["planned_start_month"], 6);
    // The API: a stale version is a 409 with the plan as it is; a member may not plan.
    let api = Api::as_user(&app, "official").await;
    let (status, body) = api
        .send(
            Method::PUT,
            &format!("/api/v1/projects/{qixiang}/plans/{year}"),
            Some(json!({ "annual_investment": 1, "version": 1 })),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["current"]["annual_investment"], "1200");
    let (status, body) = api
        .send(
            Method::PUT,
            &format!("/api/v1/projects/{qixiang}/plans/{year}"),
            Some(json!({ "annual_investment": -5 })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let member = Api::as_user(&app, "member").await;
    let (status, _) = member
        .send(
            Method::PUT,
            &format!("/api/v1/projects/{qixiang}/plans/{year}"),
            Some(json!({ "annual_investment": 1 })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for bad in ["abc", "99999", "1999"] {
        let (status, _) = api
            .send(
                Method::PUT,
                &format!("/api/v1/projects/{qixiang}/plans/{bad}"),
                Some(json!({ "annual_investment": 1 })),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
    }
}

#[tokio::test]
async fn the_months_statement_is_frozen_once_numbered_and_exported_one_page_wide() {
    let app = spawn_demo_app().await;
    let m = month(&app).await;
    let official = Api::as_user(&app, "official").await;
    let (status, live) = official.get(&format!("/api/v1/monthly/{m}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(live["frozen"], false);
    let (status, body) = official.post(&format!("/api/v1/monthly/{m}/freeze"), json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["number"], 1);
    let (status, body) = official.post(&format!("/api/v1/monthly/{m}/freeze"), json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "once: {body}");
    let this_month = Month::of(app.today().await);
    let (status, _) = official
        .post(&format!("/api/v1/monthly/{this_month}/freeze"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "a month not over");

    // A correction afterwards changes the figures, never the frozen statement.
    let (_, frozen) = official.get(&format!("/api/v1/monthly/{m}")).await;
    assert_eq!(frozen["frozen"], true);
    assert_eq!(frozen["rows"].as_array().unwrap().len(), 5, "one row per project");
    let jinzhu = app.project_id(JINZHU).await;
    let (status, _) = official
        .post(
            &format!("/api/v1/projects/{jinzhu}/monthly-reports"),
            json!({ "month": m.to_string(), "completed_investment": 99999, "reason": "补报" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, again) = official.get(&format!("/api/v1/monthly/{m}")).await;
    assert_eq!(again, frozen, "frozen means frozen");

    let client = app.demo_login("official").await;
    let (status, page) = client.get_text(&format!("/monthly/{m}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&zh().statement_number(m.year(), 1)) && page.contains(zh().investment.county_total));
    let r = client.get(&format!("/monthly/{m}/xlsx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let mut zip = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    // One page wide (fitToWidth defaults to 1), as many long as it takes, A4 landscape.
    assert!(
        zip.contains("fitToPage=\"1\"") && zip.contains("fitToHeight=\"0\""),
        "{zip}"
    );
    assert!(zip.contains("paperSize=\"9\"") && zip.contains("orientation=\"landscape\""));
    zip = zip_entry(&bytes, "xl/sharedStrings.xml");
    assert!(zip.contains(zh().investment.county_total) && zip.contains(QIXIANG));
    let r = reqwest::Client::new()
        .get(format!("{}/api/v1/monthly/{m}.xlsx", app.base))
        .bearer_auth(app.bearer("official").await)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"), "a workbook");
    for bad in ["2026-13", "abc", "2026-1"] {
        assert_eq!(
            client.get(&format!("/monthly/{bad}")).await.status(),
            StatusCode::NOT_FOUND
        );
    }
    let member = app.demo_login("member").await;
    assert_eq!(
        member.get(&format!("/monthly/{m}")).await.status(),
        StatusCode::FORBIDDEN
    );
}

/// One file of an XLSX workbook, as text.
fn zip_entry(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

#[tokio::test]
async fn a_missing_monthly_report_is_reminded_to_its_task_force_once_then_as_late_to_the_office_too() {
    use chrono::Datelike;
    use zhuanban::domain::notification::EventKind;
    let app = spawn_demo_app().await;
    let qixiang = app.project_id(QIXIANG).await;
    let today = app.today().await;
    // A due day that puts today among the reminder's days: today itself, or the 28th once past it.
    let due_day = today.day().min(28);
    sqlx::query("UPDATE settings SET report_due_day = $1")
        .bind(due_day as i32)
        .execute(&app.pool)
        .await
        .unwrap();
    app.recompute().await;
    app.recompute().await;
    let reminded = |kind: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_as::<_, (Uuid, String)>(
                "SELECT project_id, subject FROM events WHERE kind = $1 ORDER BY created_at",
            )
            .bind(kind)
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    let m = month(&app).await.to_string();
    let expected = if today.day() <= 28 {
        "monthly_report_due"
    } else {
        "monthly_report_late"
    };
    assert_eq!(
        reminded(expected).await,
        vec![(qixiang, m.clone())],
        "only 祺祥's report (drafted, not confirmed) is missing; two runs remind once"
    );

    // Past the due day: late, once, to the task force and the office; never to a unit's staff.
    let due = month(&app).await.report_due(5);
    let mut conn = app.pool.acquire().await.unwrap();
    let late_day = due.succ_opt().unwrap();
    zhuanban::db::investment::remind_reports(&mut conn, late_day, 5)
        .await
        .unwrap();
    assert_eq!(
        zhuanban::db::investment::remind_reports(&mut conn, late_day, 5)
            .await
            .unwrap(),
        0
    );
    assert_eq!(reminded("monthly_report_late").await, vec![(qixiang, m)]);
    let link = format!("/projects/{qixiang}/investment");
    for (who, told) in [("lead", true), ("official", true), ("member", false)] {
        let (_, inbox) = app.demo_login(who).await.get_text("/inbox").await;
        assert_eq!(
            inbox.contains(zh().event_kind(EventKind::MonthlyReportLate)) && inbox.contains(&link),
            told,
            "{who}: {inbox}"
        );
    }
}

#[tokio::test]
async fn the_county_page_lists_the_most_behind_with_a_way_to_all_of_them() {
    let app = spawn_demo_app().await;
    let m = month(&app).await;
    sqlx::query(
        "WITH p AS (INSERT INTO projects (name, company, stage)
                    SELECT '投资项目' || lpad(g::text, 3, '0'), '投资企业' || g, 'signed'
                    FROM generate_series(1, 101) g RETURNING id)
         INSERT INTO investment_plans (project_id, year, annual) SELECT id, $1, 1000 FROM p",
    )
    .bind(m.year())
    .execute(&app.pool)
    .await
    .unwrap();
    let planned: i64 = sqlx::query_scalar("SELECT count(*) FROM investment_plans WHERE year = $1")
        .bind(m.year())
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let behind = |page: &str| {
        let start = page.find("id=\"behind\"").expect("the projects section");
        let end = page[start..].find("</section>").unwrap() + start;
        page[start..end].matches("/investment\">").count()
    };
    let official = app.demo_login("official").await;
    let (_, page) = official.get_text(&format!("/investment?month={m}")).await;
    assert_eq!(behind(&page), 100);
    assert!(page.contains(&format!("共 {planned} 个，列出前 100 个")), "{planned}");
    let all = format!("/investment?month={m}&#38;rows=all#behind");
    assert!(page.contains(&all), "the way to all of them, in the same month");
    let (_, page) = official.get_text(&format!("/investment?month={m}&rows=all")).await;
    assert_eq!(behind(&page), planned as usize);
    assert!(!page.contains("列出前"));
}
