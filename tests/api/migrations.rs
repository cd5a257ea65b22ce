use crate::harness::empty_database;

#[tokio::test]
async fn migrations_apply_on_an_empty_database_and_again_as_a_no_op() {
    let (_, options) = empty_database().await;
    let pool = zhuanban::db::pool(options, 2).await.unwrap();
    zhuanban::db::migrate(&pool).await.unwrap();
    zhuanban::db::migrate(&pool).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for expected in [
        "audit_log",
        "checklist_items",
        "investor_requests",
        "meeting_decisions",
        "meetings",
        "notices",
        "progress_updates",
        "projects",
        "ranking_entries",
        "ranking_snapshots",
        "settings",
        "task_force_units",
        "task_forces",
        "units",
        "users",
    ] {
        assert!(
            tables.iter().any(|t| t == expected),
            "missing table {expected}: {tables:?}"
        );
    }
    let settings_rows: i64 = sqlx::query_scalar("SELECT count(*) FROM settings")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(settings_rows, 1);
}

#[tokio::test]
async fn the_database_refuses_what_the_model_forbids() {
    let app = crate::harness::spawn_demo_app().await;
    let project = app.project_id("祺胜新材料项目").await;
    // An unknown colour of stage, a done item without its closing note, a member without a unit.
    let bad_stage = sqlx::query("UPDATE projects SET stage = 'dreaming' WHERE id = $1")
        .bind(project)
        .execute(&app.pool)
        .await;
    assert!(bad_stage.is_err());
    let no_note = sqlx::query(
        "UPDATE checklist_items SET state = 'done', closed_on = $1, closed_at = now() WHERE state = 'open'",
    )
    .bind(app.today().await)
    .execute(&app.pool)
    .await;
    assert!(no_note.is_err());
    let no_unit = sqlx::query("UPDATE users SET unit_id = NULL WHERE role = 'member'")
        .execute(&app.pool)
        .await;
    assert!(no_unit.is_err());
    let bad_code = sqlx::query("UPDATE projects SET investment_code = '2023-36' WHERE id = $1")
        .bind(project)
        .execute(&app.pool)
        .await;
    assert!(bad_code.is_err());
    // A progress update is of its item's project, never of another.
    let other = app.project_id("金竹矿业萤石矿项目").await;
    let wrong_project = sqlx::query(
        "INSERT INTO progress_updates (item_id, project_id, body)
         SELECT id, $2, 'x' FROM checklist_items WHERE project_id = $1 LIMIT 1",
    )
    .bind(project)
    .bind(other)
    .execute(&app.pool)
    .await;
    assert!(wrong_project.is_err());
}
