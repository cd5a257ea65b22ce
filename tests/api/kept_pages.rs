//! Project pages and unit queues keep what they read between requests (`app::kept`): every change
//! to what they show — through the application or written straight to the database — shows at
//! once on every instance, and a kept page is the page a fresh instance reads.

use reqwest::StatusCode;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;
use zhuanban::db::changes;
use zhuanban::domain::role::Role;

use crate::harness::{Api, Client, TestApp, serve, spawn_demo_app};

/// The same session on another instance.
async fn instance(app: &TestApp, client: &Client) -> Client {
    Client {
        base: serve(app.pool.clone()).await,
        http: client.http.clone(),
    }
}

/// The page, without its forms' one-time keys (new on every answer).
async fn page(client: &Client, path: &str) -> String {
    let (status, body) = client.get_text(path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    let mut parts = body.split(r#"name="once" value=""#);
    let mut page = parts.next().unwrap_or_default().to_string();
    for part in parts {
        page.push_str(part.split_once('"').map_or(part, |(_, rest)| rest));
    }
    page
}

/// The demo investor's project.
async fn investors_project(app: &TestApp) -> Uuid {
    sqlx::query_scalar(
        "SELECT ip.project_id FROM investor_projects ip JOIN users u ON u.id = ip.user_id
         WHERE u.username = 'investor' LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// Runs `sql` with the project as `$1`, and checks that both warm instances then show what a
/// fresh instance reads, and that it is not what they showed before.
async fn changed_shows(app: &TestApp, warm: [&Client; 2], path: &str, project: Uuid, sql: &str) {
    let before = page(warm[0], path).await;
    let done = sqlx::query(sql).bind(project).execute(&app.pool).await.unwrap();
    assert!(done.rows_affected() > 0, "the change changes something: {sql}");
    let fresh = page(&instance(app, warm[0]).await, path).await;
    assert_ne!(fresh, before, "the change shows on the page: {sql}");
    for client in warm {
        assert!(page(client, path).await == fresh, "a kept page missed: {sql}");
    }
}

#[tokio::test]
async fn a_kept_project_page_shows_every_change_to_it_at_once_on_every_instance() {
    let app = spawn_demo_app().await;
    app.add_user("liaison_k", Role::Member, Some("zrzyj"), &[]).await;
    app.add_user("investor_k", Role::Investor, None, &[]).await;
    let official = app.demo_login("official").await;
    let second = instance(&app, &official).await;
    let project = investors_project(&app).await;
    let path = format!("/projects/{project}");
    assert_eq!(page(&official, &path).await, page(&second, &path).await);

    // Through the application on the first instance.
    let item: Uuid = sqlx::query_scalar("SELECT id FROM checklist_items WHERE project_id = $1 ORDER BY title LIMIT 1")
        .bind(project)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (status, _) = Api::as_user(&app, "official")
        .await
        .post(
            &format!("/api/v1/items/{item}/updates"),
            json!({"body": "供电线路已架设完毕"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(page(&second, &path).await.contains("供电线路已架设完毕"));
    assert!(page(&official, &path).await.contains("供电线路已架设完毕"));

    // Written straight to the database, table by table of what the page reads.
    let item = "(SELECT id FROM checklist_items WHERE project_id = $1 ORDER BY title LIMIT 1)";
    for sql in [
        "UPDATE projects SET company = company || '（更名）' WHERE id = $1".to_string(),
        "UPDATE task_forces SET leader_name = '新任组长' WHERE project_id = $1".into(),
        "INSERT INTO task_force_units (task_force_id, unit_id)
         SELECT f.id, u.id FROM task_forces f, units u WHERE f.project_id = $1 AND u.id <> f.lead_unit_id
           AND NOT EXISTS (SELECT 1 FROM task_force_units x WHERE x.task_force_id = f.id AND x.unit_id = u.id)
         ORDER BY u.code LIMIT 1"
            .into(),
        "INSERT INTO task_force_members (task_force_id, user_id)
         SELECT f.id, (SELECT id FROM users WHERE username = 'liaison_k') FROM task_forces f WHERE f.project_id = $1"
            .into(),
        "UPDATE users SET display_name = '改名的联络员' WHERE username = 'liaison_k' AND $1::uuid IS NOT NULL".into(),
        format!(
            "UPDATE units SET name = name || '（更名）' WHERE id = (SELECT responsible_unit_id FROM checklist_items WHERE id = {item})"
        ),
        "INSERT INTO project_stage_dates (project_id, stage, planned_on) VALUES ($1, 'in_production', '2031-05-06')
         ON CONFLICT (project_id, stage) DO UPDATE SET planned_on = excluded.planned_on"
            .into(),
        "INSERT INTO investor_projects (user_id, project_id) SELECT id, $1 FROM users WHERE username = 'investor_k'"
            .into(),
        format!("INSERT INTO progress_updates (item_id, project_id, body) VALUES ({item}, $1, '现场又推进了一步')"),
        format!("UPDATE checklist_items SET title = title || '（改）' WHERE id = {item}"),
        "INSERT INTO audit_log (actor_label, action, entity, entity_id, project_id, before, after)
         VALUES ('system', 'project.update', 'project', $1, $1, '{\"park\": \"甲园\"}', '{\"park\": \"乙园\"}')"
            .into(),
        "INSERT INTO investor_requests (project_id, submitted_by, title)
         SELECT $1, id, '请协调供电接入' FROM users WHERE username = 'investor'"
            .into(),
        "UPDATE investment_plans SET annual = annual + 100 WHERE project_id = $1".into(),
        "UPDATE monthly_reports SET completed = completed + 7 WHERE project_id = $1 AND confirmed".into(),
    ] {
        changed_shows(&app, [&official, &second], &path, project, &sql).await;
    }
}

#[tokio::test]
async fn a_kept_unit_queue_shows_every_change_to_it_at_once_on_every_instance() {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let second = instance(&app, &official).await;
    let unit: Uuid = sqlx::query_scalar("SELECT id FROM units WHERE code = 'zrzyj'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let path = "/units/zrzyj";
    assert_eq!(page(&official, path).await, page(&second, path).await);
    let gxj_before = page(&second, "/units/gxj").await;
    let first = "(SELECT id FROM checklist_items WHERE responsible_unit_id = $1 AND state = 'open'
                  ORDER BY deadline, title LIMIT 1)";
    for sql in [
        format!("UPDATE checklist_items SET title = title || '（改）' WHERE id = {first}"),
        format!("UPDATE checklist_items SET deadline = deadline - 3 WHERE id = {first}"),
        format!(
            "UPDATE projects SET name = name || '（更名）' WHERE id = (SELECT project_id FROM checklist_items WHERE id = {first})"
        ),
        "UPDATE units SET name = name || '（更名）' WHERE id = $1".into(),
        format!(
            "UPDATE checklist_items SET responsible_unit_id = (SELECT id FROM units WHERE code = 'gxj') WHERE id = {first}"
        ),
    ] {
        changed_shows(&app, [&official, &second], path, unit, &sql).await;
    }
    // The item moved away shows in its new unit's queue at once too.
    let gxj = page(&second, "/units/gxj").await;
    assert_ne!(gxj, gxj_before);
    assert_eq!(gxj, page(&instance(&app, &official).await, "/units/gxj").await);
}

/// The count of changes to what the page of `key` shows.
async fn count(pool: &PgPool, key: Uuid) -> i64 {
    sqlx::query_scalar(&format!("SELECT {}", changes::count_of("$1")))
        .bind(key)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn each_committed_change_counts_once_and_folding_keeps_the_counts() {
    let app = spawn_demo_app().await;
    let pool = &app.pool;
    let (project, unit, other_unit): (Uuid, Uuid, Uuid) = sqlx::query_as(
        "SELECT i.project_id, i.responsible_unit_id, (SELECT id FROM units WHERE id <> i.responsible_unit_id LIMIT 1)
         FROM checklist_items i ORDER BY i.title LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let counts = || async {
        (
            count(pool, project).await,
            count(pool, unit).await,
            count(pool, other_unit).await,
        )
    };
    let start = counts().await;

    // Two statements of one transaction on one item: one change of the project and of the unit.
    let mut tx = pool.begin().await.unwrap();
    for sql in [
        "UPDATE checklist_items SET title = title || '！' WHERE project_id = $1 AND responsible_unit_id = $2",
        "UPDATE checklist_items SET note = '又改' WHERE project_id = $1 AND responsible_unit_id = $2",
    ] {
        sqlx::query(sql)
            .bind(project)
            .bind(unit)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    assert_eq!(counts().await, start, "not before it commits");
    tx.commit().await.unwrap();
    let one = counts().await;
    assert_eq!(one, (start.0 + 1, start.1 + 1, start.2));

    // Rolled back: nothing.
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("UPDATE checklist_items SET note = '作废' WHERE project_id = $1")
        .bind(project)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(counts().await, one);

    // Moved to another unit: both units' queues change.
    sqlx::query(
        "UPDATE checklist_items SET responsible_unit_id = $3 WHERE project_id = $1 AND responsible_unit_id = $2",
    )
    .bind(project)
    .bind(unit)
    .bind(other_unit)
    .execute(pool)
    .await
    .unwrap();
    let moved = counts().await;
    assert_eq!(moved, (one.0 + 1, one.1 + 1, one.2 + 1));

    // What every page shows (the settings, names of units and people) counts for every key.
    for sql in [
        "UPDATE settings SET due_soon_days = due_soon_days",
        "UPDATE units SET name = name WHERE code = 'gxj'",
        "UPDATE users SET display_name = display_name WHERE username = 'lead'",
    ] {
        let before = counts().await;
        sqlx::query(sql).execute(pool).await.unwrap();
        assert_eq!(counts().await, (before.0 + 1, before.1 + 1, before.2 + 1), "{sql}");
    }
    // A user's other columns are nobody's page.
    let before = counts().await;
    sqlx::query("UPDATE users SET session_epoch = session_epoch + 1 WHERE username = 'lead'")
        .execute(pool)
        .await
        .unwrap();
    assert_eq!(counts().await, before);

    // Folding leaves one mark per key, and every count as it was.
    let marks = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM changes")
            .fetch_one(pool)
            .await
            .unwrap()
    };
    let (before, rows) = (counts().await, marks().await);
    assert!(changes::fold(pool).await.unwrap() > 0);
    assert!(marks().await < rows);
    let keys: i64 = sqlx::query_scalar("SELECT count(DISTINCT key) FROM changes")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(marks().await, keys);
    assert_eq!(counts().await, before);
    sqlx::query("UPDATE projects SET park = park WHERE id = $1")
        .bind(project)
        .execute(pool)
        .await
        .unwrap();
    assert_eq!(
        counts().await,
        (before.0 + 1, before.1, before.2),
        "and counting goes on"
    );
}

#[tokio::test]
async fn a_kept_project_page_is_shown_to_each_reader_only_as_they_may_see_it() {
    let app = spawn_demo_app().await;
    let project = investors_project(&app).await;
    // A lead on the task force and one who is not; an investor of no project.
    app.add_user("lead_on", Role::Lead, None, &[]).await;
    app.add_user("lead_off", Role::Lead, None, &[]).await;
    app.add_user("investor_none", Role::Investor, None, &[]).await;
    sqlx::query(
        "INSERT INTO task_force_members (task_force_id, user_id)
         SELECT f.id, u.id FROM task_forces f, users u WHERE f.project_id = $1 AND u.username = 'lead_on'",
    )
    .bind(project)
    .execute(&app.pool)
    .await
    .unwrap();
    let path = format!("/projects/{project}");
    sqlx::query(
        "INSERT INTO progress_updates (item_id, project_id, body)
         SELECT id, project_id, '内部进展：只给内部人看' FROM checklist_items WHERE project_id = $1 LIMIT 1",
    )
    .bind(project)
    .execute(&app.pool)
    .await
    .unwrap();
    let official = app.demo_login("official").await;
    let page_of_official = page(&official, &path).await;
    assert!(page_of_official.contains("内部进展：只给内部人看"));
    assert!(
        page_of_official.contains("/items/new"),
        "an official edits every checklist"
    );

    // The kept page, to each reader as they may see it.
    let add_item = format!("{path}/items/new");
    let on = app.login("lead_on").await;
    assert!(page(&on, &path).await.contains(&add_item), "on the task force");
    let (status, _) = app.login("lead_off").await.get_text(&path).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a lead sees their task forces' projects only"
    );
    let (status, _) = app.login("investor_none").await.get_text(&path).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another company's project");
    let (status, body) = app.demo_login("investor").await.get_text(&path).await;
    assert_eq!(status, StatusCode::OK, "the company's own project");
    assert!(!body.contains("内部进展：只给内部人看"), "progress is internal");
    // And the official's page is still the official's.
    assert_eq!(page(&official, &path).await, page_of_official);
}
