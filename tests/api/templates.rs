//! Checklist templates: kept by admins, and a new project starting from one with its items
//! editable before saving.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::harness::{TestApp, spawn_demo_app, zh};

const NEW_PLANT: &str = "新建厂房（新供地）";

async fn template_id(app: &TestApp, name: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM checklist_templates WHERE name = $1")
        .bind(name)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

fn line<'a>(title: &'a str, unit: &'a str, category: &'a str, offset: &'a str) -> [(&'static str, &'a str); 4] {
    [
        ("line_title", title),
        ("line_unit", unit),
        ("line_category", category),
        ("line_offset", offset),
    ]
}

#[tokio::test]
async fn admins_keep_templates_and_bad_lines_are_named() {
    let app = spawn_demo_app().await;
    let admin = app.demo_login("admin").await;
    let (status, list) = admin.get_text("/templates").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.contains(NEW_PLANT) && list.contains("10 个事项"),
        "the demo ships one template"
    );
    let official = app.demo_login("official").await;
    assert_eq!(official.get("/templates").await.status(), StatusCode::FORBIDDEN);
    let r = official.submit("/templates", &[("name", "x")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let mut fields = vec![("name", "技改扩产（原址）"), ("description", "")];
    fields.extend(line("技改项目备案", "xzsp", "planning_approval", "3"));
    fields.extend(line("", "", "other", ""));
    fields.extend(line("节能审查", "nope", "environment_energy", "-1"));
    let r = admin.submit("/templates", &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(
        body.contains(zh().sheets.template_offset) && body.contains("value=\"节能审查\""),
        "the typed lines are kept"
    );
    fields.truncate(fields.len() - 4);
    fields.extend(line("节能审查", "nope", "environment_energy", "20"));
    let r = admin.submit("/templates", &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "an unknown unit");
    assert!(r.text().await.unwrap().contains("没有这个单位"));
    fields.truncate(fields.len() - 4);
    fields.extend(line("节能审查", "fgw", "environment_energy", "20"));
    let r = admin.submit("/templates", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = template_id(&app, "技改扩产（原址）").await;
    let lines: Vec<(i32, String, i32)> = sqlx::query_as(
        "SELECT position, title, offset_days FROM checklist_template_lines WHERE template_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        lines,
        vec![(1, "技改项目备案".into(), 3), (2, "节能审查".into(), 20)],
        "the blank line is dropped"
    );
    let r = admin.submit("/templates", &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "names are unique");

    let (_, edit) = admin.get_text(&format!("/templates/{id}")).await;
    assert!(edit.contains("value=\"节能审查\""));
    let mut changed = vec![("version", "1"), ("name", "技改扩产（原址）"), ("description", "")];
    changed.extend(line("技改项目备案", "xzsp", "planning_approval", "5"));
    let r = admin.submit(&format!("/templates/{id}"), &changed).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = admin.submit(&format!("/templates/{id}"), &changed).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "a stale version changes nothing");
    let r = admin.submit(&format!("/templates/{id}/delete"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        admin.get(&format!("/templates/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(admin.get("/templates/not-a-uuid").await.status(), StatusCode::NOT_FOUND);
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE entity = 'template' AND entity_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(actions, vec!["template.create", "template.update", "template.delete"]);
}

fn project_fields(name: &str) -> Vec<(&'static str, &str)> {
    vec![
        ("name", name),
        ("company", "崇义新材料有限公司"),
        ("stage", "signed"),
        ("lead_unit", "gxj"),
        ("member_units", "zrzyj"),
    ]
}

#[tokio::test]
async fn a_new_project_starts_from_the_template_with_all_its_deadlines() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let template = template_id(&app, NEW_PLANT).await;
    let (status, form) = official
        .get_text(&format!("/projects/new?template={template}&start=2026-12-01"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(form.matches("name=\"item_title\"").count(), 10);
    assert!(
        form.contains("value=\"项目备案\"") && form.contains("value=\"2026-12-06\""),
        "start + 5 days"
    );
    assert!(
        form.contains("value=\"竣工联合验收\"") && form.contains("value=\"2027-11-26\""),
        "start + 360 days"
    );

    // The official edits before saving: one matter renamed, one left out, one deadline moved.
    let lines: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT l.title, u.code, l.category, to_char(DATE '2026-12-01' + l.offset_days, 'YYYY-MM-DD')
         FROM checklist_template_lines l JOIN units u ON u.id = l.unit_id WHERE l.template_id = $1 ORDER BY l.position",
    )
    .bind(template)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut fields = project_fields("祺瑞新材料年产5万吨项目");
    for (n, (title, unit, category, deadline)) in lines.iter().enumerate() {
        let (title, deadline) = match n {
            0 => ("项目备案（当日办结）", deadline.as_str()),
            2 => ("", deadline.as_str()),
            4 => (title.as_str(), "2027-01-15"),
            _ => (title.as_str(), deadline.as_str()),
        };
        fields.extend([
            ("item_title", title),
            ("item_unit", unit.as_str()),
            ("item_category", category.as_str()),
            ("item_deadline", deadline),
        ]);
    }
    let mut bad = fields.clone();
    let at = bad.iter().rposition(|(k, _)| *k == "item_deadline").unwrap();
    bad[at].1 = "";
    let r = official.submit("/projects", &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("竣工联合验收") && body.contains("value=\"项目备案（当日办结）\""),
        "lines kept"
    );
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM projects WHERE name = '祺瑞新材料年产5万吨项目')")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(!exists, "nothing is created while a line is wrong");

    let r = official.submit("/projects", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let project = app.project_id("祺瑞新材料年产5万吨项目").await;
    let items: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT i.title, u.code, to_char(i.deadline, 'YYYY-MM-DD') FROM checklist_items i
         JOIN units u ON u.id = i.responsible_unit_id WHERE i.project_id = $1 ORDER BY i.deadline, i.title",
    )
    .bind(project)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(items.len(), 9, "the cleared line is left out");
    assert_eq!(
        items[0],
        ("项目备案（当日办结）".into(), "xzsp".into(), "2026-12-06".into())
    );
    assert!(items.contains(&("节能审查（能评）".into(), "fgw".into(), "2027-01-15".into())));
    assert!(items.contains(&("竣工联合验收".into(), "zjj".into(), "2027-11-26".into())));
    assert!(!items.iter().any(|(t, _, _)| t == "土地招拍挂出让"));
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE project_id = $1 AND action = 'item.create'")
            .bind(project)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(audited, 9);
}

#[tokio::test]
async fn a_template_adds_to_an_existing_checklist_what_it_lacks() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let project = app.project_id("祺祥新能源年产2万吨电池级碳酸锂项目").await;
    let template = template_id(&app, NEW_PLANT).await;
    let count = |title: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM checklist_items WHERE project_id = $1 AND title = $2")
                .bind(project)
                .bind(title)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    // The checklist has one of the template's matters already, typed with other spacing.
    let r = official
        .submit(
            &format!("/projects/{project}/items"),
            &[
                ("title", " 项目  备案 "),
                ("responsible_unit", "xzsp"),
                ("deadline", "2027-01-10"),
                ("category", "planning_approval"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = official.get_text(&format!("/projects/{project}")).await;
    assert!(
        page.contains(&format!("/projects/{project}/template")),
        "offered on the checklist"
    );
    let s = &zh().sheets;
    let (status, bad) = official
        .get_text(&format!(
            "/projects/{project}/template?template={template}&start=2026-13-01"
        ))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("aria-invalid=\"true\" aria-describedby=\"start-error\""));
    let preview = format!("/projects/{project}/template?template={template}&start=2027-01-01");
    let (status, page) = official.get_text(&preview).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&zh().apply_template_adds(9)),
        "ten lines, one on the checklist"
    );
    assert!(page.contains(s.apply_template_skipped));
    assert!(
        page.contains("2027-01-06") && page.contains("2027-12-27"),
        "real deadlines: start + 5, + 360"
    );
    let filed: i64 = sqlx::query_scalar("SELECT count(*) FROM checklist_items WHERE project_id = $1")
        .bind(project)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let filed_now = || {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM checklist_items WHERE project_id = $1")
                .bind(project)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };

    // The template changes after the preview: shown again, nothing added.
    let version = crate::harness::hidden(&page, "version");
    let fields = [
        ("template", template.to_string()),
        ("version", version.clone()),
        ("start", "2027-01-01".into()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    sqlx::query("UPDATE checklist_templates SET version = version + 1 WHERE id = $1")
        .bind(template)
        .execute(&app.pool)
        .await
        .unwrap();
    let r = official.submit(&format!("/projects/{project}/template"), &fields).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains(s.apply_template_stale));
    assert_eq!(filed_now().await, filed, "nothing added");
    sqlx::query("UPDATE checklist_templates SET version = version - 1 WHERE id = $1")
        .bind(template)
        .execute(&app.pool)
        .await
        .unwrap();

    let r = official.submit(&format!("/projects/{project}/template"), &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, shown) = official.get_text(r.headers()["location"].to_str().unwrap()).await;
    let said = zh().flash(zhuanban::domain::done::Flash::many(
        zhuanban::domain::done::Done::TemplateApplied,
        9,
    ));
    assert!(shown.contains(&said), "{said}");
    assert_eq!(
        filed_now().await,
        filed + 9,
        "the matter on the checklist is not added again"
    );
    assert_eq!(count("竣工联合验收").await, 1);
    let deadline: chrono::NaiveDate = sqlx::query_scalar(
        "SELECT deadline FROM checklist_items WHERE project_id = $1 AND title = '施工及生产用电接入'",
    )
    .bind(project)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(deadline.to_string(), "2027-05-31", "start + 150 days");
    // Each unit heard of its new items, as of items added by hand.
    let told: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM events e JOIN checklist_items i ON i.id = e.item_id
         WHERE e.kind = 'item_assigned' AND i.project_id = $1 AND i.title = '施工及生产用电接入'",
    )
    .bind(project)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(told, 1);
    // Applied again, there is nothing left to add.
    let (_, again) = official.get_text(&preview).await;
    assert!(again.contains(s.apply_template_nothing) && again.contains(&zh().apply_template_adds(0)));
    let r = official.submit(&format!("/projects/{project}/template"), &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(filed_now().await, filed + 9, "never twice");
}
