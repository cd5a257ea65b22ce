use std::io::Write;
use std::process::{Command, Stdio};

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::spawn_demo_app;

fn zhuanban(database_url: &str, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhuanban"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn user_add_and_token_create_work_on_the_servers_database() {
    let app = spawn_demo_app().await;
    let project = app.project_id("金竹矿业萤石矿项目").await.to_string();
    let out = tokio::task::spawn_blocking({
        let url = app.database_url.clone();
        move || {
            zhuanban(
                &url,
                &[
                    "user",
                    "add",
                    "jinzhu",
                    "--role",
                    "investor",
                    "--project",
                    &project,
                    "--password-stdin",
                ],
                "a-long-enough-password\n",
            )
        }
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let client = app.client();
    assert_eq!(
        client.login("jinzhu", "a-long-enough-password").await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, body) = client.get_text("/projects").await;
    assert!(body.contains("金竹矿业萤石矿项目") && !body.contains("祺祥新能源"));

    let out = tokio::task::spawn_blocking({
        let url = app.database_url.clone();
        move || zhuanban(&url, &["token", "create", "jinzhu"], "")
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let secret = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let me: Value = reqwest::Client::new()
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "investor");
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM api_tokens WHERE token_hash = sha256($1::bytea)")
        .bind(secret.as_bytes())
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 1, "only the token's hash is stored");
}

#[tokio::test]
async fn user_add_refuses_bad_input_with_a_clear_message() {
    let app = spawn_demo_app().await;
    let url = app.database_url.clone();
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (
            vec!["user", "add", "x1", "--role", "king", "--password-stdin"],
            "long-enough-password",
            "not a role",
        ),
        (
            vec!["user", "add", "x2", "--role", "member", "--password-stdin"],
            "long-enough-password",
            "needs --unit",
        ),
        (
            vec![
                "user",
                "add",
                "x3",
                "--role",
                "member",
                "--unit",
                "nope",
                "--password-stdin",
            ],
            "long-enough-password",
            "no unit",
        ),
        (
            vec!["user", "add", "x4", "--role", "official", "--password-stdin"],
            "short",
            "at least 12",
        ),
        (
            vec!["user", "add", "official", "--role", "official", "--password-stdin"],
            "long-enough-password",
            "taken",
        ),
        (
            vec![
                "user",
                "add",
                "x5",
                "--role",
                "investor",
                "--project",
                "zzz",
                "--password-stdin",
            ],
            "long-enough-password",
            "not a project id",
        ),
    ];
    for (args, password, expected) in cases {
        let url = url.clone();
        let out = tokio::task::spawn_blocking(move || zhuanban(&url, &args, password))
            .await
            .unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "expected {expected:?} in {stderr}");
    }
}

#[tokio::test]
async fn seed_demo_refuses_a_database_that_holds_data() {
    let app = spawn_demo_app().await;
    let url = app.database_url.clone();
    let out = tokio::task::spawn_blocking(move || zhuanban(&url, &["seed", "demo"], ""))
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already holds data"));
}
