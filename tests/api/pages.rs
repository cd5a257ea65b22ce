use reqwest::StatusCode;
use zhuanban::domain::role::Role;

use crate::harness::{spawn_demo_app, zh};

const ALL: [&str; 5] = [
    "章源钨业三期碳化钨粉项目",
    "祺胜新材料项目",
    "金竹矿业萤石矿项目",
    "中核南方新材料独居石项目",
    "祺祥新能源年产2万吨电池级碳酸锂项目",
];

fn shown(body: &str) -> Vec<&'static str> {
    ALL.into_iter().filter(|p| body.contains(p)).collect()
}

#[tokio::test]
async fn each_role_sees_its_home_page() {
    let app = spawn_demo_app().await;
    for (user, expected) in [
        ("official", ALL.to_vec()),
        ("admin", ALL.to_vec()),
        (
            "lead",
            vec!["中核南方新材料独居石项目", "祺祥新能源年产2万吨电池级碳酸锂项目"],
        ),
        ("member", ALL.to_vec()),
        ("investor", vec!["祺祥新能源年产2万吨电池级碳酸锂项目"]),
    ] {
        let client = app.demo_login(user).await;
        let (status, body) = client.get_text("/projects").await;
        assert_eq!(status, StatusCode::OK, "{user}");
        assert_eq!(shown(&body), expected, "{user} sees exactly their projects");
    }
}

#[tokio::test]
async fn the_home_page_shows_colours_with_words_and_reasons() {
    let app = spawn_demo_app().await;
    app.recompute().await;
    let (_, body) = app.demo_login("official").await.get_text("/projects").await;
    assert!(body.contains("红色通报") && body.contains("黄色预警") && body.contains("绿色"));
    assert!(
        body.contains("已逾期 20 天"),
        "the red project says which item and how late"
    );
    assert!(body.contains("20亿元"), "investment in the units readers use");
    // Worst first: the red CNNC project comes before the green Zhangyuan one.
    assert!(body.find("中核南方").unwrap() < body.find("章源钨业").unwrap());
}

#[tokio::test]
async fn a_member_sees_only_projects_that_involve_their_unit() {
    let app = spawn_demo_app().await;
    app.add_user("tax.staff", Role::Member, Some("swj"), &[]).await;
    let (_, body) = app.login("tax.staff").await.get_text("/projects").await;
    assert_eq!(shown(&body), vec!["祺胜新材料项目"]);
}

#[tokio::test]
async fn the_project_page_shows_timeline_task_force_and_urgent_items() {
    let app = spawn_demo_app().await;
    let id = app.project_id("祺胜新材料项目").await;
    let (status, body) = app
        .demo_login("official")
        .await
        .get_text(&format!("/projects/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("备案至投产：37 天"), "the article's 37 days are measured");
    assert!(body.contains("县工业园区管委会") && body.contains("县委常委 王建国"));
    assert!(
        body.contains(zh().items.due_soon),
        "the item due in two days is flagged"
    );
}

#[tokio::test]
async fn an_investor_cannot_open_another_project_by_url() {
    let app = spawn_demo_app().await;
    let own = app.project_id("祺祥新能源年产2万吨电池级碳酸锂项目").await;
    let foreign = app.project_id("中核南方新材料独居石项目").await;
    let client = app.demo_login("investor").await;
    assert_eq!(client.get(&format!("/projects/{own}")).await.status(), StatusCode::OK);
    let (status, body) = client.get_text(&format!("/projects/{foreign}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "404, not 403: existence does not leak");
    assert!(!body.contains("中核南方") && !body.contains("伴生放射性"));
}

#[tokio::test]
async fn an_investor_sees_no_internal_notes() {
    let app = spawn_demo_app().await;
    let item: uuid::Uuid = sqlx::query_scalar("SELECT id FROM checklist_items WHERE title = '施工临时用电增容'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (status, body) = app
        .demo_login("investor")
        .await
        .get_text(&format!("/items/{item}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("施工临时用电增容"));
    assert!(!body.contains("变压器已到场"), "the item's internal note stays inside");
    assert!(
        !body.contains(zh().items.post_update) && !body.contains(zh().items.item_history),
        "no progress form, no history"
    );
    let (_, internal) = app
        .demo_login("official")
        .await
        .get_text(&format!("/items/{item}"))
        .await;
    assert!(internal.contains("变压器已到场"));
}

#[tokio::test]
async fn malformed_and_unknown_ids_are_404_pages() {
    let app = spawn_demo_app().await;
    let client = app.demo_login("official").await;
    for path in [
        "/projects/not-a-uuid",
        "/projects/123",
        "/projects/00000000-0000-0000-0000-000000000000",
        "/nowhere",
    ] {
        let (status, body) = client.get_text(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            body.contains("页面不存在") && body.contains(zh().nav_logout),
            "{path}: a 404 page in the layout"
        );
    }
}

#[tokio::test]
async fn the_language_switch_shows_english_and_back() {
    let app = spawn_demo_app().await;
    let client = app.demo_login("official").await;
    let r = client.get("/lang/en?next=%2F").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, body) = client.get_text("/projects").await;
    assert!(body.contains("lang=\"en\"") && body.contains("Projects") && body.contains("Red (notice)"));
    assert!(body.contains("中文"), "a way back");
    client.get("/lang/zh?next=https://evil.example").await;
    let (_, body) = client.get_text("/projects").await;
    assert!(body.contains("lang=\"zh-CN\"") && body.contains(zh().projects.home_title));
    assert_eq!(client.get("/lang/fr").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_login_page_says_it_is_a_demo_only_on_a_demo_database() {
    let app = spawn_demo_app().await;
    let (_, body) = app.client().get_text("/login").await;
    assert!(body.contains(zh().account.login_demo_heading) && body.contains("zhuanban-demo"));
    let plain = crate::harness::spawn_app().await;
    let (_, body) = plain.client().get_text("/login").await;
    assert!(!body.contains(zh().account.login_demo_heading));
}

#[tokio::test]
async fn pages_carry_security_headers_and_static_files_are_cached() {
    let app = spawn_demo_app().await;
    let r = app.client().get("/login").await;
    let h = r.headers();
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "same-origin");
    let css = app.client().get("/static/app.css").await;
    assert_eq!(css.status(), StatusCode::OK);
    assert!(css.headers()["cache-control"].to_str().unwrap().contains("max-age"));
    assert_eq!(
        app.client().get("/static/nope.js").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn output_is_escaped() {
    let app = spawn_demo_app().await;
    sqlx::query("UPDATE projects SET name = '<script>alert(1)</script>' WHERE name = '祺胜新材料项目'")
        .execute(&app.pool)
        .await
        .unwrap();
    let (_, body) = app.demo_login("official").await.get_text("/projects").await;
    assert!(!body.contains("<script>alert(1)</script>"));
    assert!(body.contains("&#60;script&#62;alert(1)&#60;/script&#62;") || body.contains("&lt;script&gt;"));
}

#[tokio::test]
async fn the_project_page_shows_the_latest_history_and_the_history_page_all_of_it() {
    let app = spawn_demo_app().await;
    let project = app.project_id("祺祥新能源年产2万吨电池级碳酸锂项目").await;
    // 130 entries newer than the demo's, numbered in the order they happened.
    sqlx::query(
        "INSERT INTO audit_log (at, actor_label, action, entity, entity_id, project_id, after)
         SELECT now() + n * interval '1 second', 'cli', 'item.progress', 'item',
                (SELECT id FROM checklist_items WHERE project_id = $1 LIMIT 1), $1,
                jsonb_build_object('progress', '记录-' || lpad(n::text, 3, '0'))
         FROM generate_series(1, 130) n",
    )
    .bind(project)
    .execute(&app.pool)
    .await
    .unwrap();
    let shown = |body: &str| {
        (1..=130)
            .filter(|n| body.contains(&format!("记录-{n:03}")))
            .collect::<Vec<_>>()
    };
    let all_href = format!("/projects/{project}/history");

    let official = app.demo_login("official").await;
    let (status, page) = official.get_text(&format!("/projects/{project}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown(&page), (121..=130).collect::<Vec<_>>(), "the latest 10");
    assert!(page.contains(&format!("href=\"{all_href}\"")), "a link to all of it");

    let (status, first) = official.get_text(&all_href).await;
    assert_eq!(status, StatusCode::OK);
    assert!(first.contains("祺祥新能源年产2万吨电池级碳酸锂项目的操作记录"));
    assert_eq!(
        shown(&first),
        (31..=130).collect::<Vec<_>>(),
        "a hundred a page, newest first"
    );
    assert!(first.find("记录-130") < first.find("记录-031"));
    assert!(first.contains(&format!("href=\"{all_href}?page=2\"")));
    assert!(
        !first.contains(zh().projects.history_newer),
        "nothing newer than the first page"
    );
    let (_, second) = official.get_text(&format!("{all_href}?page=2")).await;
    assert_eq!(shown(&second), (1..=30).collect::<Vec<_>>());
    assert!(second.contains(&format!("href=\"{all_href}?page=1\"")));
    assert!(
        !second.contains(zh().projects.history_older),
        "the demo's own entries fit on the last page"
    );
    let (status, garbled) = official.get_text(&format!("{all_href}?page=x%27")).await;
    assert_eq!(
        (status, shown(&garbled)),
        (StatusCode::OK, shown(&first)),
        "an unreadable page is the first"
    );

    // A lead of the task force reads it; an investor may not, and gets nothing of another project.
    let (status, _) = app.demo_login("lead").await.get_text(&all_href).await;
    assert_eq!(status, StatusCode::OK);
    let investor = app.demo_login("investor").await;
    let (status, body) = investor.get_text(&all_href).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(shown(&body).is_empty());
    let foreign = app.project_id("金竹矿业萤石矿项目").await;
    let (status, body) = investor.get_text(&format!("/projects/{foreign}/history")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("金竹矿业萤石矿项目"));
    let (status, _) = official.get_text("/projects/not-a-uuid/history").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The office's own forms say what they did on the page they lead to, like the checklist's do.
#[tokio::test]
async fn the_offices_forms_say_what_they_did() {
    use zhuanban::domain::done::{Done, Flash};
    let app = spawn_demo_app().await;
    let admin = app.demo_login("admin").await;
    let follow = |r: reqwest::Response| {
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.url());
        r.headers()["location"].to_str().unwrap().to_string()
    };
    let said = |d: Done| zh().flash(Flash::one(d));
    let webhook = follow(
        admin
            .submit(
                "/webhooks",
                &[
                    ("url", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"),
                    ("format", "wecom"),
                ],
            )
            .await,
    );
    type Form<'a> = (String, &'a [(&'a str, &'a str)], Done);
    let forms: [Form; 3] = [
        (
            "/inbox/preferences".into(),
            &[("kind", "item_red")],
            Done::PreferencesSaved,
        ),
        (format!("{webhook}/active"), &[("active", "0")], Done::WebhookPaused),
        (format!("{webhook}/active"), &[("active", "1")], Done::WebhookResumed),
    ];
    let (_, page) = admin.get_text(&webhook).await;
    assert!(page.contains(&said(Done::WebhookAdded)));
    for (action, fields, done) in forms {
        let to = follow(admin.submit(&action, fields).await);
        let (_, page) = admin.get_text(&to).await;
        assert!(page.contains(&said(done)), "{action}: {}", said(done));
        let (_, again) = admin.get_text(&to).await;
        assert!(!again.contains(&said(done)), "{action}: said once");
    }
    let official = app.demo_login("official").await;
    for (action, done) in [
        ("/rankings/freeze", Done::WeekFrozen),
        ("/calendar/revoke", Done::FeedRevoked),
    ] {
        let to = follow(official.submit(action, &[]).await);
        let (_, page) = official.get_text(&to).await;
        assert!(page.contains(&said(done)), "{action}: {}", said(done));
    }
}

/// Every field error the page shows has an id, and a field that is `aria-invalid` names it in its
/// `aria-describedby`: a screen reader reads the error with the field.
fn errors_are_tied_to_their_fields(page: &str, form: &str) {
    let mut shown = 0;
    for part in page.split("class=\"field-error\"").skip(1) {
        shown += 1;
        let id = part
            .strip_prefix(" id=\"")
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("{form}: a field error without an id: {}", &part[..part.len().min(80)]));
        assert!(
            page.contains(&format!("aria-invalid=\"true\" aria-describedby=\"{id}\"")),
            "{form}: no field is tied to {id}"
        );
    }
    assert!(shown > 0, "{form}: the bad input shows an error");
}

#[tokio::test]
async fn every_field_error_is_announced_with_its_field() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let r = official
        .submit(
            "/projects",
            &[
                ("name", ""),
                ("company", "某公司"),
                ("lead_unit", "gxj"),
                ("planned_signed", "2026-13-40"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    errors_are_tied_to_their_fields(&r.text().await.unwrap(), "the project form");
    let r = official
        .submit(
            "/account/password",
            &[("current", "wrong"), ("new", "short"), ("again", "other")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    errors_are_tied_to_their_fields(&r.text().await.unwrap(), "the password form");
    let admin = app.demo_login("admin").await;
    let r = admin
        .submit(
            "/templates",
            &[
                ("name", "技改"),
                ("line_title", "节能审查"),
                ("line_unit", "nope"),
                ("line_category", "other"),
                ("line_offset", "3"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    errors_are_tied_to_their_fields(&r.text().await.unwrap(), "the template form");
    let item: uuid::Uuid = sqlx::query_scalar("SELECT id FROM checklist_items WHERE state = 'open' LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let r = official
        .submit(&format!("/items/{item}/updates"), &[("body", " ")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    errors_are_tied_to_their_fields(&r.text().await.unwrap(), "the progress form");
}

#[tokio::test]
async fn pages_go_out_compressed_to_browsers_that_take_it() {
    use std::io::Read;
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let (_, plain) = official.get_text("/projects").await;
    let r = official
        .http
        .get(format!("{}/projects", official.base))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let packed = r.bytes().await.unwrap();
    assert!(
        packed.len() * 2 < plain.len(),
        "{} bytes of {}",
        packed.len(),
        plain.len()
    );
    let mut page = String::new();
    flate2::read::GzDecoder::new(&packed[..])
        .read_to_string(&mut page)
        .unwrap();
    assert!(page.contains("</html>") && ALL.iter().all(|p| page.contains(p)));
}
