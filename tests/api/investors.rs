//! The investor portal and investors' requests (企业诉求): the investor's view, triage into an
//! item, service levels, ratings, and isolation tested as an attacker would.

use reqwest::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;
use zhuanban::domain::role::Role;

use crate::harness::{Api, Client, TestApp, spawn_demo_app, zh};

const QIXIANG: &str = "祺祥新能源年产2万吨电池级碳酸锂项目";
const JINZHU: &str = "金竹矿业萤石矿项目";

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

async fn scalar<T>(app: &TestApp, sql: &str, id: Uuid) -> T
where
    T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + Unpin,
{
    sqlx::query_scalar(sql).bind(id).fetch_one(&app.pool).await.unwrap()
}

async fn request_version(app: &TestApp, request: Uuid) -> String {
    scalar::<i32>(app, "SELECT version FROM investor_requests WHERE id = $1", request)
        .await
        .to_string()
}

/// The investor raises a request through the form; returns its id.
async fn raise(investor: &Client, project: Uuid, title: &str) -> Uuid {
    let r = investor
        .submit(
            &format!("/projects/{project}/requests"),
            &[
                ("title", title),
                ("category", "utilities"),
                ("body", "35kV 专线"),
                ("wished_date", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    location(&r).trim_start_matches("/requests/").parse().unwrap()
}

#[tokio::test]
async fn an_investor_asks_for_help_and_follows_it_to_its_rating() {
    let app = spawn_demo_app().await;
    let qixiang = app.project_id(QIXIANG).await;
    let investor = app.demo_login("investor").await;

    // Home is the portal: their project, its progress and open matters, nobody else's.
    let r = investor.get("/").await;
    assert_eq!(location(&r), "/portal");
    let (status, portal) = investor.get_text("/portal").await;
    assert_eq!(status, StatusCode::OK);
    assert!(portal.contains(QIXIANG) && portal.contains("<progress"), "{portal}");
    assert!(portal.contains("进场道路临时占用审批"), "open items with their units");
    assert!(!portal.contains(JINZHU), "no other project");

    // A bad form keeps what was typed and names the fields.
    let r = investor
        .submit(
            &format!("/projects/{qixiang}/requests"),
            &[
                ("title", " "),
                ("body", "需要接入 35kV 专线"),
                ("wished_date", "2001-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("需要接入 35kV 专线") && page.contains("日期不能早于今天"),
        "{page}"
    );

    let request = raise(&investor, qixiang, "协调电网接入").await;
    let (_, shown) = investor.get_text(&format!("/requests/{request}")).await;
    assert!(shown.contains(zh().requests.requests_pending) && shown.contains("协调电网接入"));
    assert!(!shown.contains("/accept"), "investors do not triage");

    // The lead of the task force accepts it as an item for the power supply unit.
    let lead = app.demo_login("lead").await;
    let (_, list) = lead.get_text("/requests").await;
    assert!(list.contains("协调电网接入"));
    let version = request_version(&app, request).await;
    let r = lead
        .submit(
            &format!("/requests/{request}/accept"),
            &[
                ("version", &version),
                ("title", "电网接入方案批复（帮办代办）"),
                ("responsible_unit", "gdgs"),
                ("deadline", "2027-01-15"),
                ("category", "utilities"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let item: Uuid = scalar(
        &app,
        "SELECT id FROM checklist_items WHERE investor_request_id = $1",
        request,
    )
    .await;
    let (source, unit): (String, String) = sqlx::query_as(
        "SELECT i.source, u.code FROM checklist_items i JOIN units u ON u.id = i.responsible_unit_id WHERE i.id = $1",
    )
    .bind(item)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((source.as_str(), unit.as_str()), ("investor_request", "gdgs"));
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE entity_id IN ($1, $2) ORDER BY at, action")
            .bind(request)
            .bind(item)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(audited, ["request.create", "item.create", "request.accept"]);
    // The company hears of it in its inbox.
    let (_, inbox) = investor.get_text("/inbox").await;
    assert!(inbox.contains("协调电网接入"), "{inbox}");

    // Progress for the investor reaches them; internal progress does not.
    for (body, for_investor) in [("供电公司已完成现场勘查", true), ("内部：线路走廊尚有争议", false)]
    {
        let mut fields = vec![("body", body)];
        if for_investor {
            fields.push(("for_investor", "on"));
        }
        let r = lead.submit(&format!("/items/{item}/updates"), &fields).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let (_, shown) = investor.get_text(&format!("/requests/{request}")).await;
    assert!(shown.contains("办理中") && shown.contains("电网接入方案批复"));
    assert!(shown.contains("供电公司已完成现场勘查"));
    assert!(!shown.contains("线路走廊尚有争议"), "internal update leaked");
    let (_, item_page) = investor.get_text(&format!("/items/{item}")).await;
    assert!(item_page.contains("供电公司已完成现场勘查") && !item_page.contains("线路走廊尚有争议"));

    // Not resolved yet: no rating.
    let r = investor
        .submit(&format!("/requests/{request}/rate"), &[("rating", "5")])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // The item is closed: resolved, and the investor rates the help once.
    let v: i32 = scalar(&app, "SELECT version FROM checklist_items WHERE id = $1", item).await;
    let r = lead
        .submit(
            &format!("/items/{item}/close"),
            &[("version", &v.to_string()), ("text", "批复已下达")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, shown) = investor.get_text(&format!("/requests/{request}")).await;
    assert!(shown.contains("已办结") && shown.contains("name=\"rating\""));
    assert!(!shown.contains("批复已下达"), "the closing note is internal");
    let r = investor
        .submit(
            &format!("/requests/{request}/rate"),
            &[("rating", "9"), ("comment", "很快")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("很快"), "the comment is kept");
    let r = investor
        .submit(
            &format!("/requests/{request}/rate"),
            &[("rating", "4"), ("comment", "很快")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let rating: Option<i16> = scalar(&app, "SELECT rating FROM investor_requests WHERE id = $1", request).await;
    assert_eq!(rating, Some(4));
    let r = investor
        .submit(&format!("/requests/{request}/rate"), &[("rating", "5")])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "rated once");
    let r = lead
        .submit(&format!("/requests/{request}/rate"), &[("rating", "5")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "only investors rate");
}

#[tokio::test]
async fn triage_belongs_to_the_task_force_and_happens_once() {
    let app = spawn_demo_app().await;
    let qixiang = app.project_id(QIXIANG).await;
    let investor = app.demo_login("investor").await;
    let request = raise(&investor, qixiang, "协调消防验收").await;
    let version = request_version(&app, request).await;

    // A member of a unit, and a lead of another task force, may not triage.
    let member = app.demo_login("member").await;
    let r = member
        .submit(
            &format!("/requests/{request}/decline"),
            &[("version", &version), ("reason", "x")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    app.add_user("lead2", Role::Lead, Some("fgw"), &[]).await;
    let other_lead = app.login("lead2").await;
    let r = other_lead
        .submit(
            &format!("/requests/{request}/decline"),
            &[("version", &version), ("reason", "x")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "not on this task force: the request is not theirs to see"
    );

    // An official must give a reason; what was typed is kept.
    let official = app.demo_login("official").await;
    let r = official
        .submit(
            &format!("/requests/{request}/decline"),
            &[("version", &version), ("reason", "  ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = official
        .submit(
            &format!("/requests/{request}/accept"),
            &[
                ("version", &version),
                ("title", "协调消防验收"),
                ("responsible_unit", "nosuch"),
                ("deadline", "2027-01-10"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("没有这个单位"));

    let r = official
        .submit(
            &format!("/requests/{request}/decline"),
            &[("version", &version), ("reason", "已由市级部门直接办理")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // The lead's form was opened at the old version: it changes nothing and says why.
    let lead = app.demo_login("lead").await;
    let r = lead
        .submit(
            &format!("/requests/{request}/accept"),
            &[
                ("version", &version),
                ("title", "协调消防验收"),
                ("responsible_unit", "zjj"),
                ("deadline", "2027-01-10"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("该诉求已由他人处理"));
    let items: i64 = scalar(
        &app,
        "SELECT count(*) FROM checklist_items WHERE investor_request_id = $1",
        request,
    )
    .await;
    assert_eq!(items, 0);

    let (_, shown) = investor.get_text(&format!("/requests/{request}")).await;
    assert!(shown.contains(zh().requests.request_decline_heading) && shown.contains("已由市级部门直接办理"));
}

#[tokio::test]
async fn officials_link_investor_accounts_to_projects() {
    let app = spawn_demo_app().await;
    let jinzhu = app.project_id(JINZHU).await;
    app.add_user("jinzhu-co", Role::Investor, None, &[]).await;
    let newcomer = app.login("jinzhu-co").await;
    let (_, portal) = newcomer.get_text("/portal").await;
    assert!(portal.contains("尚未关联项目"));
    assert_eq!(
        newcomer.get(&format!("/projects/{jinzhu}")).await.status(),
        StatusCode::NOT_FOUND
    );

    // Natural resources is on this task force: it sees the project but does not manage it.
    let member = app.demo_login("member").await;
    let r = member
        .submit(&format!("/projects/{jinzhu}/investors"), &[("username", "jinzhu-co")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let lead = app.demo_login("lead").await;
    let r = lead
        .submit(&format!("/projects/{jinzhu}/investors"), &[("username", "jinzhu-co")])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "not their task force: not theirs to see"
    );
    let official = app.demo_login("official").await;
    let r = official
        .submit(&format!("/projects/{jinzhu}/investors"), &[("username", "member")])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "only investor accounts are linked"
    );
    let r = official
        .submit(&format!("/projects/{jinzhu}/investors"), &[("username", "jinzhu-co")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, portal) = newcomer.get_text("/portal").await;
    assert!(portal.contains(JINZHU) && !portal.contains(QIXIANG));
    let (_, page) = official.get_text(&format!("/projects/{jinzhu}")).await;
    assert!(page.contains("jinzhu-co"));

    let r = official
        .submit(
            &format!("/projects/{jinzhu}/investors"),
            &[("username", "jinzhu-co"), ("action", "unlink")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        newcomer.get(&format!("/projects/{jinzhu}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE entity_id = $1 AND action LIKE 'project.investor%' ORDER BY at",
    )
    .bind(jinzhu)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(actions, ["project.investor_link", "project.investor_unlink"]);
}

#[tokio::test]
async fn late_requests_are_flagged_and_count_in_the_figures() {
    let app = spawn_demo_app().await;
    app.recompute().await;
    let official = app.demo_login("official").await;
    // The demo holds a request waiting six days and an accepted one past its resolution promise.
    let (_, dashboard) = official.get_text("/dashboard").await;
    assert!(dashboard.contains(zh().standings.dashboard_requests));
    assert!(
        dashboard.contains("申请协调员工宿舍配套用地") && dashboard.contains(zh().requests.triage_late),
        "{dashboard}"
    );
    assert!(dashboard.contains("协调办理进场道路临时占用手续") && dashboard.contains(zh().requests.resolve_late));
    assert!(
        !dashboard.contains("协调接入施工临时用电"),
        "resolved in time is not flagged"
    );

    let (_, rankings) = official.get_text("/rankings").await;
    assert!(
        rankings.contains(zh().requests.service_heading) && rankings.contains("5.0（1）"),
        "{rankings}"
    );
    let (_, units) = official.get_text("/units").await;
    assert!(units.contains("5.0（1）"), "the power supply unit's rating");

    // A longer promise takes the flag away.
    sqlx::query("UPDATE settings SET request_triage_days = 30, request_resolve_days = 60")
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, dashboard) = official.get_text("/dashboard").await;
    assert!(dashboard.contains("没有超时的企业诉求"));
}

#[tokio::test]
async fn the_api_raises_triages_and_lists_requests() {
    let app = spawn_demo_app().await;
    let qixiang = app.project_id(QIXIANG).await;
    let investor = Api::as_user(&app, "investor").await;
    let official = Api::as_user(&app, "official").await;
    let path = format!("/api/v1/projects/{qixiang}/requests");

    let (status, body) = investor
        .send(
            Method::POST,
            &path,
            Some(json!({"title": "", "wished_date": "2001-01-01", "category": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = body["fields"].as_object().unwrap();
    for f in ["title", "wished_date", "category"] {
        assert!(fields.contains_key(f), "{f}: {body}");
    }

    let (status, created) = investor
        .send(
            Method::POST,
            &path,
            Some(json!({"title": "协调电网接入", "category": "utilities"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["state"], "pending");
    let id = created["id"].as_str().unwrap().to_string();

    let (status, _) = official
        .send(Method::POST, &path, Some(json!({"title": "代企业提出"})))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "requests are the investor's");

    let (status, _) = investor
        .send(
            Method::POST,
            &format!("/api/v1/requests/{id}/accept"),
            Some(json!({"responsible_unit": "gdgs", "deadline": "2027-01-15"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = official
        .send(
            Method::POST,
            &format!("/api/v1/requests/{id}/accept"),
            Some(json!({"responsible_unit": "gdgs", "deadline": "bad"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, accepted) = official
        .send(
            Method::POST,
            &format!("/api/v1/requests/{id}/accept"),
            Some(json!({"responsible_unit": "gdgs", "deadline": "2027-01-15"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert_eq!(accepted["standing"], "in_progress");
    assert_eq!(
        accepted["item"]["title"], "协调电网接入",
        "the request's title by default"
    );
    assert_eq!(accepted["item"]["state"], "open");
    let (status, _) = official
        .send(
            Method::POST,
            &format!("/api/v1/requests/{id}/decline"),
            Some(json!({"reason": "重复"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "triaged already");

    let (status, list) = investor.send(Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK);
    let titles: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"协调电网接入") && titles.contains(&"申请协调员工宿舍配套用地"),
        "{titles:?}"
    );
    assert_eq!(list[0]["standing"], "pending", "pending first");

    let (status, rated) = investor
        .send(
            Method::POST,
            &format!("/api/v1/requests/{id}/rating"),
            Some(json!({"rating": 5})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "not resolved: {rated}");
    let (status, body) = investor.send(Method::GET, "/api/v1/projects", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.as_array().unwrap().len(), 1);
    assert_eq!(body[0]["name"], QIXIANG);
}

/// Ids of another project's objects, for an investor to try.
struct Foreign {
    project: Uuid,
    item: Uuid,
    request: Uuid,
    meeting: Uuid,
    notice: Uuid,
    unit: String,
}

async fn foreign_objects(app: &TestApp) -> Foreign {
    let project = app.project_id(JINZHU).await;
    let item: Uuid = scalar(
        app,
        "SELECT id FROM checklist_items WHERE project_id = $1 LIMIT 1",
        project,
    )
    .await;
    let other = app.add_user("jinzhu-co", Role::Investor, None, &[project]).await;
    let request: Uuid = sqlx::query_scalar(
        "INSERT INTO investor_requests (project_id, submitted_by, title) VALUES ($1, $2, '金竹的秘密诉求') RETURNING id",
    )
    .bind(project)
    .bind(other)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let meeting: Uuid = sqlx::query_scalar("SELECT id FROM meetings LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let official = app.demo_login("official").await;
    let r = official.publish_week(&[("title", "第一期通报")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "publish a notice");
    let notice: Uuid = sqlx::query_scalar("SELECT id FROM notices LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    Foreign {
        project,
        item,
        request,
        meeting,
        notice,
        unit: "gxj".into(),
    }
}

#[tokio::test]
async fn an_investor_reaches_nothing_of_another_project_whatever_they_try() {
    let app = spawn_demo_app().await;
    let f = foreign_objects(&app).await;
    let secrets: Vec<String> = sqlx::query_scalar(
        "SELECT title FROM checklist_items WHERE project_id = $1 UNION ALL SELECT name FROM projects WHERE id = $1
         UNION ALL SELECT '金竹的秘密诉求'",
    )
    .bind(f.project)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let investor = app.demo_login("investor").await;
    let (p, i, q, m, n) = (f.project, f.item, f.request, f.meeting, f.notice);
    let gets = [
        format!("/projects/{p}"),
        format!("/projects/{p}/edit"),
        format!("/projects/{p}/items/new"),
        format!("/projects/{p}/requests/new"),
        format!("/items/{i}"),
        format!("/items/{i}/edit"),
        format!("/requests/{q}"),
        format!("/meetings/{m}"),
        format!("/notices/{n}"),
        format!("/notices/{n}/xlsx"),
        format!("/api/v1/projects/{p}"),
        format!("/api/v1/projects/{p}/items"),
        format!("/api/v1/projects/{p}/requests"),
        format!("/api/v1/items/{i}"),
        format!("/api/v1/requests/{q}"),
        format!("/api/v1/meetings/{m}"),
        format!("/api/v1/notices/{n}"),
        // Guessed and malformed ids are just as unknown.
        format!("/projects/{}", Uuid::new_v4()),
        "/requests/not-a-uuid".to_string(),
    ];
    // Every route is tried before judging, so one run names every hole.
    let mut holes = Vec::new();
    for path in &gets {
        let (status, body) = investor.get_text(path).await;
        if status != StatusCode::NOT_FOUND {
            holes.push(format!("GET {path}: {status}"));
        }
        holes.extend(
            secrets
                .iter()
                .filter(|s| body.contains(s.as_str()))
                .map(|s| format!("GET {path} leaked {s}")),
        );
    }
    let posts = [
        format!("/projects/{p}/edit"),
        format!("/projects/{p}/stage"),
        format!("/projects/{p}/items"),
        format!("/projects/{p}/requests"),
        format!("/items/{i}/edit"),
        format!("/items/{i}/updates"),
        format!("/items/{i}/close"),
        format!("/items/{i}/reopen"),
        format!("/items/{i}/cancel"),
        format!("/requests/{q}/accept"),
        format!("/requests/{q}/decline"),
        format!("/requests/{q}/rate"),
    ];
    for path in &posts {
        let r = investor
            .submit(
                path,
                &[
                    ("title", "x"),
                    ("body", "x"),
                    ("text", "x"),
                    ("rating", "5"),
                    ("version", "1"),
                ],
            )
            .await;
        let status = r.status();
        let body = r.text().await.unwrap();
        if status != StatusCode::NOT_FOUND {
            holes.push(format!("POST {path}: {status}"));
        }
        holes.extend(
            secrets
                .iter()
                .filter(|s| body.contains(s.as_str()))
                .map(|s| format!("POST {path} leaked {s}")),
        );
    }
    assert!(holes.is_empty(), "{holes:#?}");
    // Internal pages are closed to investors; lists hold only their own.
    for path in [
        "/dashboard",
        "/rankings",
        "/units",
        &format!("/units/{}", f.unit),
        "/settings",
        "/since",
    ] {
        let status = investor.get(path).await.status();
        assert!(
            status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
            "GET {path}: {status}"
        );
    }
    let own = format!("/projects/{}", app.project_id(QIXIANG).await);
    for path in [
        "/projects",
        "/requests",
        "/portal",
        "/notices",
        "/meetings",
        "/api/v1/projects",
        // Their own project's page lists its requests, not another project's.
        &own,
    ] {
        let (_, body) = investor.get_text(path).await;
        for s in &secrets {
            assert!(!body.contains(s.as_str()), "GET {path} leaked {s}");
        }
    }
    let (status, page) = investor.get_text(&own).await;
    assert!(
        status == StatusCode::OK && page.contains(zh().requests.requests_title),
        "{status} {page}"
    );
    // So does an official's view of it.
    let (_, page) = app.demo_login("official").await.get_text(&own).await;
    assert!(
        page.contains(zh().requests.requests_title) && !page.contains("金竹的秘密诉求"),
        "{page}"
    );
    let nothing_changed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE project_id = $1 AND actor_id = (SELECT id FROM users WHERE username = 'investor')",
    )
    .bind(p)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(nothing_changed, 0);
}

/// The investor's project and its most urgent open item.
async fn qixiang_item(app: &TestApp) -> (Uuid, Uuid) {
    let qixiang = app.project_id(QIXIANG).await;
    let item = scalar(
        app,
        "SELECT id FROM checklist_items WHERE project_id = $1 AND state = 'open' ORDER BY deadline LIMIT 1",
        qixiang,
    )
    .await;
    (qixiang, item)
}

#[tokio::test]
async fn an_investor_never_sees_internal_notes_of_their_own_project() {
    let app = spawn_demo_app().await;
    let (qixiang, item) = qixiang_item(&app).await;
    sqlx::query("UPDATE checklist_items SET note = '内部备注：土地指标尚缺 20 亩' WHERE id = $1")
        .bind(item)
        .execute(&app.pool)
        .await
        .unwrap();
    let lead = app.demo_login("lead").await;
    let r = lead
        .submit(&format!("/items/{item}/updates"), &[("body", "内部进展：待县长签批")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let investor = app.demo_login("investor").await;
    for path in [
        format!("/items/{item}"),
        format!("/projects/{qixiang}"),
        "/portal".to_string(),
        format!("/api/v1/items/{item}"),
        format!("/api/v1/projects/{qixiang}/items"),
    ] {
        let (status, body) = investor.get_text(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!body.contains("土地指标尚缺"), "{path} leaked the note");
        assert!(!body.contains("待县长签批"), "{path} leaked the update");
    }
    let (_, body) = lead.get_text(&format!("/items/{item}")).await;
    assert!(
        body.contains("土地指标尚缺") && body.contains("待县长签批"),
        "the task force sees both"
    );

    // Marked for the investor, the note is theirs to read.
    sqlx::query("UPDATE checklist_items SET note_for_investor = true WHERE id = $1")
        .bind(item)
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, body) = investor.get_text(&format!("/items/{item}")).await;
    assert!(body.contains("土地指标尚缺"));
}

#[tokio::test]
async fn the_task_force_shows_an_items_note_to_the_investor_from_the_form_and_the_api() {
    let app = spawn_demo_app().await;
    let (qixiang, item) = qixiang_item(&app).await;
    let (title, unit, deadline, category, version): (String, String, chrono::NaiveDate, String, i32) = sqlx::query_as(
        "SELECT i.title, u.code, i.deadline, i.category, i.version FROM checklist_items i
         JOIN units u ON u.id = i.responsible_unit_id WHERE i.id = $1",
    )
    .bind(item)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let lead = app.demo_login("lead").await;
    let investor = app.demo_login("investor").await;
    let (_, form) = lead.get_text(&format!("/items/{item}/edit")).await;
    assert!(
        form.contains("name=\"note_for_investor\" value=\"on\">"),
        "unchecked: {form}"
    );

    // The lead writes a note for the company and ticks the box.
    let (d, v) = (deadline.to_string(), version.to_string());
    let mut fields = vec![
        ("version", v.as_str()),
        ("title", title.as_str()),
        ("responsible_unit", unit.as_str()),
        ("deadline", d.as_str()),
        ("category", category.as_str()),
        ("note", "请企业先行备齐环评批复原件"),
        ("note_for_investor", "on"),
    ];
    let r = lead.submit(&format!("/items/{item}/edit"), &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = investor.get_text(&format!("/items/{item}")).await;
    assert!(page.contains("请企业先行备齐环评批复原件"), "the investor reads it");
    let (_, form) = lead.get_text(&format!("/items/{item}/edit")).await;
    assert!(
        form.contains("name=\"note_for_investor\" value=\"on\" checked"),
        "kept: {form}"
    );
    let (_, page) = lead.get_text(&format!("/items/{item}")).await;
    assert!(
        page.contains("备注企业可见") && page.contains("否") && page.contains("是"),
        "in the history"
    );

    // Unticked, it is internal again; the API can tick it, and leaves it alone when not asked.
    let v2 = (version + 1).to_string();
    fields[0] = ("version", v2.as_str());
    fields.pop();
    assert_eq!(
        lead.submit(&format!("/items/{item}/edit"), &fields).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, page) = investor.get_text(&format!("/items/{item}")).await;
    assert!(!page.contains("请企业先行备齐环评批复原件"));
    let api = Api::as_user(&app, "lead").await;
    let (status, body) = api
        .patch(
            &format!("/api/v1/items/{item}"),
            json!({ "version": version + 2, "note_for_investor": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = api
        .patch(
            &format!("/api/v1/items/{item}"),
            json!({ "version": version + 3, "title": "环评批复" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["note_for_investor"], true, "kept when not asked: {body}");
    let investor_api = Api::as_user(&app, "investor").await;
    let (_, seen) = investor_api.get(&format!("/api/v1/items/{item}")).await;
    assert_eq!(seen["note"], "请企业先行备齐环评批复原件", "{seen}");

    // A new item can be written for the company from the start.
    let (status, created) = api
        .post(
            &format!("/api/v1/projects/{qixiang}/items"),
            json!({ "title": "企业自备材料清单", "responsible_unit": unit, "deadline": d,
                    "note": "见附件清单", "note_for_investor": true }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (_, list) = investor_api.get(&format!("/api/v1/projects/{qixiang}/items")).await;
    assert!(list.to_string().contains("见附件清单"), "{list}");
}

#[tokio::test]
async fn holidays_kept_in_the_settings_stop_the_service_clock() {
    let app = spawn_demo_app().await;
    app.recompute().await;
    let admin = app.demo_login("admin").await;
    let today = app.today().await;
    let from = today - chrono::Days::new(12);
    let span = format!("# 停电检修周\n{from}~{today} 休");
    let mut fields = vec![
        ("red_after_days", "7"),
        ("due_soon_days", "3"),
        ("red_list_size", "3"),
        ("red_min_due", "3"),
        ("red_min_rate", "90"),
        ("ranking_weeks", "8"),
        ("ranking_method", "0"),
        ("score_red_item", "10"),
        ("score_overdue_day", "1"),
        ("score_overdue_cap", "30"),
        ("score_late_request", "5"),
        ("score_late_order", "5"),
        ("score_on_time_item", "2"),
        ("score_investment_ahead", "5"),
        ("time_zone", "Asia/Shanghai"),
        ("request_triage_days", "2"),
        ("request_resolve_days", "5"),
        ("session_idle_minutes", "30"),
        ("session_max_hours", "12"),
        ("county_name", "崇义县"),
        ("notice_issuer", "崇义县项目专班办公室"),
        ("import_max_rows", "5000"),
        ("report_due_day", "5"),
        ("investment_yellow_points", "10"),
        ("investment_red_points", "30"),
        ("investment_colour", "1"),
        ("public_disclosure", "0"),
    ];
    let bad = format!("{span}\n2026-02-30 班");
    let mut bad_fields = fields.clone();
    bad_fields.push(("working_days", &bad));
    let r = admin.submit("/settings", &bad_fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("第 3 行") && page.contains("停电检修周"),
        "the line is named, the text kept"
    );

    let official = app.demo_login("official").await;
    let (_, dashboard) = official.get_text("/dashboard").await;
    assert!(dashboard.contains(zh().requests.triage_late));
    fields.push(("working_days", &span));
    let r = admin.submit("/settings", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // With every day since the requests off, nothing has waited a working day.
    let (_, dashboard) = official.get_text("/dashboard").await;
    assert!(dashboard.contains("没有超时的企业诉求"), "{dashboard}");
    let (_, form) = admin.get_text("/settings").await;
    assert!(form.contains(&format!("{from} off")) && form.contains(&format!("{today} off")));
    let audited: String = sqlx::query_scalar(
        "SELECT after->>'working_days' FROM audit_log WHERE action = 'settings.update' ORDER BY at DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(audited.starts_with(&format!("{from} off")));
}

#[tokio::test]
async fn a_constraint_no_rule_caught_answers_with_its_field_not_an_internal_error() {
    let app = spawn_demo_app().await;
    let qixiang = app.project_id(QIXIANG).await;
    let investor = Api::as_user(&app, "investor").await;
    let official = Api::as_user(&app, "official").await;
    let (_, created) = investor
        .post(
            &format!("/api/v1/projects/{qixiang}/requests"),
            json!({"title": "协调电网接入", "category": "utilities"}),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_string();
    let accept = format!("/api/v1/requests/{id}/accept");
    let deadline = (app.today().await + chrono::Duration::days(30)).to_string();
    let (status, _) = official
        .post(&accept, json!({"responsible_unit": "gdgs", "deadline": deadline}))
        .await;
    assert_eq!(status, StatusCode::OK);
    // Two officials read the request as pending at once: the second accept's item breaks the
    // one-item-per-request constraint.
    sqlx::query(
        "UPDATE investor_requests SET state = 'pending', triaged_at = NULL, triaged_by = NULL WHERE id = $1::uuid",
    )
    .bind(&id)
    .execute(&app.pool)
    .await
    .unwrap();
    let (status, body) = official
        .post(&accept, json!({"responsible_unit": "gdgs", "deadline": deadline}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "conflict");
    let t = zhuanban::i18n::Lang::Zh.catalog();
    let taken = t.problem(zhuanban::domain::input::Problem::TakenName);
    assert_eq!(body["fields"]["request"], taken.as_str(), "{body}");
    // The same on a page: the error page says it in words, with the status.
    let page = app.demo_login("official").await;
    let version = request_version(&app, id.parse().unwrap()).await;
    let fields = [
        ("version", version.as_str()),
        ("title", "协调电网接入"),
        ("responsible_unit", "gdgs"),
        ("deadline", &deadline),
        ("category", "utilities"),
        ("note", ""),
    ];
    let response = page.submit(&format!("/requests/{id}/accept"), &fields).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let page = response.text().await.unwrap();
    assert!(page.contains(&taken));
    assert!(!page.contains("request："), "no code name on the page");
}

#[tokio::test]
async fn accepting_defaults_to_the_promised_resolution_and_warns_of_a_later_deadline() {
    let app = spawn_demo_app().await;
    let qixiang = app.project_id(QIXIANG).await;
    let investor = Api::as_user(&app, "investor").await;
    let (_, created) = investor
        .post(
            &format!("/api/v1/projects/{qixiang}/requests"),
            json!({"title": "协调解决施工用水", "category": "utilities"}),
        )
        .await;
    let id: Uuid = created["id"].as_str().unwrap().parse().unwrap();
    let settings = zhuanban::db::settings::load(&app.pool).await.unwrap();
    let promised = zhuanban::domain::request::promised_resolution(settings.today(), settings.service_level());
    let official = app.demo_login("official").await;
    let (_, page) = official.get_text(&format!("/requests/{id}")).await;
    assert!(
        page.contains(&format!("name=\"deadline\" type=\"date\" value=\"{promised}\"")),
        "defaults to the promise"
    );
    assert!(page.contains(&zh().request_promise_hint(promised)));
    assert!(page.contains(zh().labels.field_note_internal) && !page.contains(zh().labels.field_note));
    let later = (promised + chrono::Duration::days(20)).to_string();
    let version = request_version(&app, id).await;
    let r = official
        .submit(
            &format!("/requests/{id}/accept"),
            &[
                ("version", &version),
                ("title", "协调解决施工用水"),
                ("responsible_unit", "gdgs"),
                ("deadline", &later),
                ("category", "utilities"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "warned, not refused");
    let (_, after) = official.get_text(&format!("/requests/{id}")).await;
    let warning = zh().flash(zhuanban::domain::done::Flash::one(
        zhuanban::domain::done::Done::RequestAcceptedLate,
    ));
    assert!(after.contains(&warning));
}
