//! Each role's main journey in a real browser (headless Chromium), on the demo dataset with the
//! recomputation job running as in production.

use fantoccini::Locator;
use fantoccini::wd::PrintConfiguration;
use sqlx::PgPool;
use tokio::sync::watch;
use uuid::Uuid;
use zhuanban::domain::done::{Done, Flash};
use zhuanban::web::login::DEMO_PASSWORD;

use crate::browser::{Page, Screen, journey};
use crate::harness::{TestApp, spawn_demo_app, zh};

/// The demo server with its background recomputation, stopped when dropped.
struct Running {
    app: TestApp,
    _stop: watch::Sender<bool>,
}

async fn running_demo() -> Running {
    let app = spawn_demo_app().await;
    zhuanban::jobs::recompute::run_once(&app.pool, None).await.unwrap();
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(zhuanban::jobs::recompute::run_forever(
        app.pool.clone(),
        app.runs.clone(),
        stopped,
    ));
    Running { app, _stop: stop }
}

/// The day `days` from the county's `today`, as a date field takes it.
fn days_from(today: chrono::NaiveDate, days: i64) -> String {
    (today + chrono::Duration::days(days)).to_string()
}

/// The number on the dashboard's green tile.
async fn green_projects(page: &Page) -> u32 {
    let tile = page.client.find(Locator::Css(".tiles a.c-green .n")).await.unwrap();
    tile.text().await.unwrap().trim().parse().unwrap()
}

async fn class_of(page: &Page, css: &str) -> String {
    let element = page.client.find(Locator::Css(css)).await.unwrap();
    element.attr("class").await.unwrap().unwrap_or_default()
}

#[tokio::test]
async fn an_official_creates_a_project_with_its_task_force_and_sees_it_on_the_dashboard() {
    let demo = running_demo().await;
    journey(
        &demo.app,
        "official_creates_project",
        Screen::Desktop,
        |page| async move {
            page.login("official", DEMO_PASSWORD).await;
            assert_eq!(page.path().await, "/dashboard", "an official's home is the dashboard");
            let green_before = green_projects(&page).await;

            page.goto("/projects").await;
            page.click("a[href='/projects/new']").await;
            page.type_into("#name", "稀土永磁电机项目").await;
            page.type_into("#company", "崇义永磁科技有限公司").await;
            page.type_into("#park", "龙勾工业园").await;
            page.type_into("#total_investment", "80000").await;
            page.select("#stage", "negotiating").await;
            page.type_into("#leader_name", "副县长 李明").await;
            page.select("#lead_unit", "gxj").await;
            page.click("input[name=member_units][value=zrzyj]").await;
            page.click("input[name=member_units][value=fgw]").await;
            page.submit("/projects").await;
            page.client
                .wait()
                .for_element(Locator::Css(".status-line .badge"))
                .await
                .unwrap();
            assert!(page.path().await.starts_with("/projects/"), "on the new project's page");
            let text = page.text().await;
            for shown in [
                "稀土永磁电机项目",
                "崇义永磁科技有限公司",
                "副县长 李明",
                "县自然资源局",
                "县发改委",
            ] {
                assert!(text.contains(shown), "the project page shows {shown}");
            }

            // On the dashboard once the job has counted it: one more green project, and the green
            // tile leads to it.
            let mut green = green_before;
            for _ in 0..150 {
                page.goto("/dashboard").await;
                green = green_projects(&page).await;
                if green == green_before + 1 {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            assert_eq!(green, green_before + 1, "the dashboard counts the new project");
            page.click(".tiles a.c-green").await;
            page.wait_for_path("/projects?").await;
            assert!(
                page.text().await.contains("稀土永磁电机项目"),
                "listed under its colour"
            );
        },
    )
    .await;
}

/// The lead's project whose task force has no red item yet, and its name (the lists name the
/// task forces by their projects).
async fn leads_calm_project(pool: &PgPool) -> (Uuid, String) {
    sqlx::query_as(
        "SELECT p.id, p.name FROM projects p JOIN task_forces f ON f.project_id = p.id
         JOIN task_force_members m ON m.task_force_id = f.id JOIN users u ON u.id = m.user_id
         WHERE u.username = 'lead' AND NOT EXISTS (
             SELECT 1 FROM checklist_items i JOIN item_status s ON s.item_id = i.id
             WHERE i.project_id = p.id AND s.colour = 'red')
         ORDER BY p.name LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .expect("the demo lead has a task force without red items")
}

#[tokio::test]
async fn a_lead_adds_items_and_sees_colours_and_the_black_list_change() {
    let demo = running_demo().await;
    let today = demo.app.today().await;
    let (project, name) = leads_calm_project(&demo.app.pool).await;
    journey(&demo.app, "lead_adds_items", Screen::Desktop, move |page| async move {
        page.login("lead", DEMO_PASSWORD).await;
        page.goto("/rankings").await;
        let black = page
            .client
            .find(Locator::Css(".black-list"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!black.contains(&name), "not on the black list yet");
        page.goto(&format!("/projects/{project}")).await;
        assert!(!class_of(&page, ".status-line .badge").await.contains("c-red"));

        // One item due next month, one that was due twenty days ago (recorded late).
        for (title, deadline) in [
            ("环评批复跟踪", days_from(today, 30)),
            ("补办林地使用手续", days_from(today, -20)),
        ] {
            page.goto(&format!("/projects/{project}")).await;
            page.click(&format!("a[href='/projects/{project}/items/new']")).await;
            page.type_into("#title", title).await;
            page.select("#responsible_unit", "zrzyj").await;
            page.set_value("#deadline", &deadline).await;
            page.submit(&format!("/projects/{project}/items")).await;
            page.wait_for_text(&zh().flash(Flash::one(Done::ItemAdded))).await;
            assert!(page.text().await.contains(title), "{title} added");
        }

        // The job recomputes within moments: the project turns red, the overdue item says why,
        // and the task force is on the black list.
        let mut red = false;
        for _ in 0..150 {
            page.goto(&format!("/projects/{project}")).await;
            if class_of(&page, ".status-line .badge").await.contains("c-red") {
                red = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        assert!(red, "the project turned red after recomputation");
        let text = page.text().await;
        assert!(
            text.contains("补办林地使用手续") && text.contains("20"),
            "the reason names the item and its lateness"
        );
        page.goto("/rankings").await;
        let black = page
            .client
            .find(Locator::Css(".black-list"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(black.contains(&name), "on the black list now: {black}");
    })
    .await;
}

#[tokio::test]
async fn a_member_on_a_phone_posts_progress_and_submits_an_item_that_is_verified_and_closed() {
    let demo = running_demo().await;
    journey(&demo.app, "member_closes_item", Screen::Phone, move |page| async move {
        page.login("member", DEMO_PASSWORD).await;
        assert_eq!(page.path().await, "/units/zrzyj", "a member's home is the unit's queue");
        assert!(page.fits_the_width().await, "the queue fits a phone's width");
        let first = page.client.find(Locator::Css("main a[href^='/items/']")).await.unwrap();
        let title = first.text().await.unwrap();
        let href = first.attr("href").await.unwrap().unwrap();
        first.click().await.unwrap();
        page.client
            .wait()
            .for_element(Locator::Css("#update-body"))
            .await
            .unwrap();
        assert_eq!(page.path().await, href);
        assert!(page.fits_the_width().await, "the item page fits a phone's width");

        page.type_into("#update-body", "已完成现场踏勘，材料齐全").await;
        page.submit("/updates").await;
        // The progress is listed.
        page.wait_for_text("已完成现场踏勘，材料齐全").await;

        // 销号 by the unit is a submission with its evidence; the dispatch office verifies it.
        page.type_into("#submit-text", "用地预审意见已出具").await;
        page.submit("/submit").await;
        page.client
            .wait()
            .for_element(Locator::Css("#verification"))
            .await
            .unwrap();
        assert!(
            page.text().await.contains(zh().nav_verifications),
            "the item waits for verification"
        );

        // It is the dispatch office's turn: it is told, and finds the item at the top of its home.
        page.logout().await;
        page.login("official", DEMO_PASSWORD).await;
        assert_eq!(page.path().await, "/dashboard", "an official's home");
        let bell = page.client.find(Locator::Css(".bell .count")).await.unwrap();
        assert!(
            bell.text().await.unwrap().parse::<u32>().unwrap() >= 1,
            "the bell counts it"
        );
        let waiting = page.client.find(Locator::Css(".todo-link .count")).await.unwrap();
        assert!(
            waiting.text().await.unwrap().parse::<u32>().unwrap() >= 1,
            "the navigation counts it"
        );
        let todo = page.client.find(Locator::Css("#todo")).await.unwrap();
        assert!(
            todo.text().await.unwrap().contains(&title),
            "{title} waits in the to-do"
        );
        let first_section = page.client.find(Locator::Css("main > h1 + *")).await.unwrap();
        assert_eq!(
            first_section.attr("id").await.unwrap().as_deref(),
            Some("todo"),
            "first on the page, under its heading"
        );
        page.click(&format!("#todo a[href='{href}']")).await;
        page.client
            .wait()
            .for_element(Locator::Css("#verification"))
            .await
            .unwrap();
        page.submit("/verify").await;
        page.wait_for_text(&zh().flash(Flash::one(Done::ItemVerified))).await;
        page.goto(&href).await;
        page.client
            .wait()
            .for_element(Locator::Css(".badge.closed"))
            .await
            .unwrap();
        assert!(
            page.text().await.contains("用地预审意见已出具"),
            "the unit's note closes it"
        );

        page.goto("/units/zrzyj").await;
        let queue = page
            .client
            .find(Locator::Css("main"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!queue.contains(&title), "{title} left the open queue");
    })
    .await;
}

#[tokio::test]
async fn an_official_schedules_a_meeting_records_a_decision_publishes_and_prints_the_notice() {
    let demo = running_demo().await;
    let pool = demo.app.pool.clone();
    let today = demo.app.today().await;
    let qixiang = demo.app.project_id("祺祥新能源年产2万吨电池级碳酸锂项目").await;
    journey(
        &demo.app,
        "official_runs_meeting",
        Screen::Desktop,
        move |page| async move {
            page.login("official", DEMO_PASSWORD).await;
            page.goto("/meetings").await;
            page.click("a[href='/meetings/new']").await;
            page.select("#kind", "onsite").await;
            page.type_into("#title", "祺祥项目现场调度会").await;
            page.set_value("#starts_at", &format!("{}T09:30", days_from(today, 0)))
                .await;
            page.type_into("#place", "龙勾工业园现场").await;
            page.click(&format!("input[name=projects][value='{qixiang}']")).await;
            page.submit("/meetings").await;
            page.wait_for_text(&zh().flash(Flash::one(Done::MeetingScheduled)))
                .await;
            assert!(page.text().await.contains("祺祥项目现场调度会"));

            page.type_into("#attendees", "张华\n刘洋\n黄丽").await;
            page.type_into("#minutes", "现场查看施工用电情况，明确办理时限。").await;
            page.submit("/record").await;
            page.wait_for_text(&zh().flash(Flash::one(Done::MinutesSaved))).await;

            page.select("#d-project", &qixiang.to_string()).await;
            page.type_into("#d-title", "协调供电公司完成专线接入").await;
            page.select("#d-unit", "gdgs").await;
            page.set_value("#d-deadline", &days_from(today, 10)).await;
            page.submit("/decisions").await;
            page.wait_for_text(&zh().flash(Flash::one(Done::DecisionRecorded)))
                .await;
            assert!(
                page.text().await.contains("协调供电公司完成专线接入"),
                "the decision is listed"
            );
            // The decision is a checklist item of the project, for the power company.
            let item = page
                .client
                .find(Locator::XPath("//a[normalize-space()='协调供电公司完成专线接入']"))
                .await
                .unwrap();
            let href = item.attr("href").await.unwrap().unwrap();
            page.goto(&href).await;
            let text = page.text().await;
            assert!(
                text.contains("国网崇义县供电公司") && text.contains("祺祥"),
                "the decision became an item"
            );
            page.client.back().await.unwrap();
            page.client.wait().for_element(Locator::Css("#n-body")).await.unwrap();
            // A second tab on the same meeting, left open.
            let (first_tab, meeting) = (page.client.window().await.unwrap(), page.path().await);
            let second_tab = page.client.new_window(true).await.unwrap().handle;
            page.client.switch_to_window(second_tab.clone()).await.unwrap();
            page.goto(&meeting).await;
            page.client.wait().for_element(Locator::Css("#n-body")).await.unwrap();
            page.client.switch_to_window(first_tab).await.unwrap();

            page.type_into("#n-body", "请各责任单位按期办结。").await;
            page.submit("/publish").await;
            // First the preview of what will be frozen, then its confirmation.
            page.client
                .wait()
                .for_element(Locator::Css("#confirm-heading"))
                .await
                .unwrap();
            let preview = page.text().await;
            assert!(preview.contains("请各责任单位按期办结。") && preview.contains("协调供电公司完成专线接入"));
            page.submit("/publish").await;
            // The preview has the notice's foot too: wait for the notice's own address.
            page.wait_for_path("/notices/").await;
            page.client
                .wait()
                .for_element(Locator::Css(".notice-foot"))
                .await
                .unwrap();
            let notice = page.text().await;
            assert!(notice.contains("请各责任单位按期办结。") && notice.contains("祺祥项目现场调度会"));
            assert!(notice.contains("年第") && notice.contains("期"), "a numbered notice");
            let pdf = page.client.print(PrintConfiguration::default()).await.unwrap();
            assert!(pdf.starts_with(b"%PDF") && pdf.len() > 5_000, "the notice prints");

            // The meeting, still open in a tab from before: publishing it again gives no second
            // notice but the one it has.
            let notice_path = page.path().await;
            page.client.switch_to_window(second_tab).await.unwrap();
            page.type_into("#n-body", "再点一次发布").await;
            page.submit("/publish").await;
            page.client
                .wait()
                .for_element(Locator::Css("#confirm-heading"))
                .await
                .unwrap();
            page.submit("/publish").await;
            let link = page
                .client
                .wait()
                .for_element(Locator::Css(".meeting-notice a"))
                .await
                .unwrap();
            assert_eq!(link.attr("href").await.unwrap().as_deref(), Some(notice_path.as_str()));
            assert!(page.text().await.contains(zh().meetings.notice_exists));
            let notices: i64 = sqlx::query_scalar("SELECT count(*) FROM notices")
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!(notices, 1, "one notice for the meeting");
        },
    )
    .await;
}

#[tokio::test]
async fn the_language_switch_shows_the_same_page_in_english_and_back_in_chinese() {
    let demo = running_demo().await;
    let qixiang = demo.app.project_id("祺祥新能源年产2万吨电池级碳酸锂项目").await;
    journey(&demo.app, "language_switch", Screen::Desktop, move |page| async move {
        page.login("official", DEMO_PASSWORD).await;
        let path = format!("/projects/{qixiang}");
        page.goto(&path).await;
        let chinese = page.text().await;
        assert!(chinese.contains(zh().nav_logout) && chinese.contains("祺祥新能源"));
        page.click("a.lang").await;
        page.wait_for_text("Log out").await;
        assert_eq!(page.path().await, path, "the same page");
        let english = page.text().await;
        assert!(english.contains("Log out"), "in English");
        assert!(english.contains("祺祥新能源"), "the data stays as entered");
        let lang = page
            .client
            .find(Locator::Css("html"))
            .await
            .unwrap()
            .attr("lang")
            .await
            .unwrap();
        assert_eq!(lang.as_deref(), Some("en"));
        page.click("a.lang").await;
        page.wait_for_text(zh().nav_logout).await;
        assert_eq!(page.path().await, path);
        assert!(page.text().await.contains(zh().nav_logout), "back in Chinese");
    })
    .await;
}

#[tokio::test]
async fn an_investor_on_a_phone_asks_for_help_and_sees_it_become_an_item_and_close() {
    let demo = running_demo().await;
    let today = demo.app.today().await;
    let app = &demo.app;
    let lead = app.demo_login("lead").await;
    let pool = app.pool.clone();
    journey(app, "investor_request", Screen::Phone, move |page| async move {
        page.login("investor", DEMO_PASSWORD).await;
        assert_eq!(page.path().await, "/portal", "an investor's home is the portal");
        assert!(page.fits_the_width().await, "the portal fits a phone's width");
        let text = page.text().await;
        assert!(text.contains("祺祥新能源年产2万吨电池级碳酸锂项目") && text.contains(zh().requests.portal_progress));
        assert!(!text.contains("金竹矿业萤石矿项目"), "nothing of another project");

        page.click("a[href$='/requests/new']").await;
        page.type_into("#title", "协调 110kV 电网接入").await;
        page.select("#category", "utilities").await;
        page.type_into("#body", "二期投产前需接入 110kV 专线").await;
        page.submit("/requests").await;
        page.client
            .wait()
            .for_element(Locator::Css(".status-line"))
            .await
            .unwrap();
        let request = page.path().await;
        assert!(request.starts_with("/requests/"), "{request}");
        assert!(page.text().await.contains(zh().requests.requests_pending));
        assert!(page.fits_the_width().await, "the request page fits a phone's width");

        // The lead accepts it for the power supply unit, and later closes its item.
        let version: i32 =
            sqlx::query_scalar("SELECT version FROM investor_requests WHERE title = '协调 110kV 电网接入'")
                .fetch_one(&pool)
                .await
                .unwrap();
        let r = lead
            .submit(
                &format!("{request}/accept"),
                &[
                    ("version", &version.to_string()),
                    ("title", "110kV 接入系统方案评审"),
                    ("responsible_unit", "gdgs"),
                    ("deadline", &days_from(today, 10)),
                    ("category", "utilities"),
                ],
            )
            .await;
        assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
        page.goto(&request).await;
        let text = page.text().await;
        assert!(
            text.contains("办理中") && text.contains("110kV 接入系统方案评审"),
            "{text}"
        );

        let item: Uuid = sqlx::query_scalar("SELECT id FROM checklist_items WHERE title = '110kV 接入系统方案评审'")
            .fetch_one(&pool)
            .await
            .unwrap();
        let r = lead
            .submit(
                &format!("/items/{item}/close"),
                &[("version", "1"), ("text", "评审意见已印发")],
            )
            .await;
        assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
        page.goto(&request).await;
        assert!(page.text().await.contains("已办结"));
        page.click("input[name='rating'][value='5']").await;
        page.type_into("#comment", "供电公司上门服务").await;
        page.submit("/rate").await;
        page.client.wait().for_element(Locator::Css(".stars")).await.unwrap();
        assert!(page.text().await.contains("5/5"));
    })
    .await;
}

#[tokio::test]
async fn the_lead_reports_the_month_on_a_phone_and_the_office_freezes_the_statement() {
    let demo = running_demo().await;
    let month = zhuanban::domain::investment::reporting_month(demo.app.today().await);
    let qixiang = demo.app.project_id("祺祥新能源年产2万吨电池级碳酸锂项目").await;
    journey(&demo.app, "lead_reports_month", Screen::Phone, move |page| async move {
        let t = zh();
        page.login("lead", DEMO_PASSWORD).await;
        // The month's report is in the lead's to-do; it leads to the project's report form.
        page.click(&format!("main a[href='/projects/{qixiang}/investment']"))
            .await;
        page.wait_for_path(&format!("/projects/{qixiang}/investment")).await;
        page.client
            .wait()
            .for_element(Locator::Css("#completed_investment"))
            .await
            .unwrap();
        assert!(page.fits_the_width().await, "the report form fits a phone");
        page.select("#month", &month.to_string()).await;
        page.type_into("#completed_investment", "3000").await;
        page.type_into("#progress", "二期设备安装完成六成").await;
        page.type_into("#problems", "110kV 专线接入待批复").await;
        page.submit("/monthly-reports").await;
        page.wait_for_text(&t.flash(Flash::one(Done::MonthReported))).await;
        let text = page.text().await;
        assert!(text.contains(t.investment.state_confirmed) && text.contains("二期设备安装完成六成"));
        assert!(text.contains(t.investment.to_item), "the problem can become an item");

        // The office sees the county against the time line and freezes the month's statement.
        page.logout().await;
        page.login("official", DEMO_PASSWORD).await;
        page.goto(&format!("/investment?month={month}")).await;
        page.wait_for_text(&t.completed_through(month)).await;
        assert!(
            page.text().await.contains("时间进度"),
            "ahead or behind the time line, in words"
        );
        assert!(page.fits_the_width().await, "the county figures fit a phone");
        page.goto(&format!("/monthly/{month}")).await;
        page.submit("/freeze").await;
        page.wait_for_text(&t.statement_number(month.year(), 1)).await;
        let text = page.text().await;
        assert!(text.contains(t.investment.county_total) && text.contains("二期设备安装完成六成"));
        assert!(page.fits_the_width().await, "the statement scrolls in its own box");
        let pdf = page.client.print(PrintConfiguration::default()).await.unwrap();
        assert!(pdf.starts_with(b"%PDF"), "the statement prints");
    })
    .await;
}
