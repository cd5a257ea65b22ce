//! The API's OpenAPI document as outside tools read it: it validates (openapi-spec-validator), and
//! a client generated from it (openapi-python-client) calls the API. `.ci/test` installs both.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::harness::{TestApp, spawn_demo_app};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zb-contract-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs a Python tool (off the test's runtime, which also serves the API it may call), failing
/// with what to install when it is missing.
async fn python(args: &[&str], cwd: &Path) -> std::process::Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let cwd = cwd.to_path_buf();
    let out = tokio::task::spawn_blocking(move || Command::new("python3").args(&args).current_dir(&cwd).output())
        .await
        .unwrap()
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("No module named"),
        "a Python tool is missing: pip install openapi-spec-validator openapi-python-client \
         (.ci/test installs them): {stderr}"
    );
    out
}

async fn fetch_document(app: &TestApp) -> Value {
    reqwest::get(format!("{}/api/v1/openapi.json", app.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn document(app: &TestApp, dir: &Path) -> (Value, PathBuf) {
    let doc = fetch_document(app).await;
    let path = dir.join("openapi.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
    (doc, path)
}

#[tokio::test]
async fn the_api_document_validates_and_lists_every_operations_errors() {
    let app = spawn_demo_app().await;
    let dir = scratch("validate");
    let (doc, path) = document(&app, &dir).await;
    let out = python(&["-m", "openapi_spec_validator", path.to_str().unwrap()], &dir).await;
    assert!(
        out.status.success(),
        "openapi-spec-validator: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut ids = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path}: no id"));
            ids.push(id.to_string());
            let statuses = op["responses"].as_object().unwrap();
            let has_body = op.get("requestBody").is_some();
            let mut wanted = vec!["401", "403"];
            if path.contains('{') {
                wanted.push("404");
            }
            if has_body {
                wanted.extend(["400", "413", "415", "422"]);
            }
            for status in wanted {
                let r = &statuses
                    .get(status)
                    .unwrap_or_else(|| panic!("{method} {path} lists {status}"));
                assert!(
                    r["content"]["application/json"]["schema"].is_object(),
                    "{method} {path} {status}: the error body's schema"
                );
            }
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                if p["in"] == "path" {
                    assert!(
                        path.contains(&format!("{{{name}}}")),
                        "{method} {path}: {name} is not in the path"
                    );
                }
            }
        }
    }
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "operation ids are unique");
    // What the document says is what the server does: publishing takes no body, and a body's
    // unknown field is refused, named.
    let publish = &doc["paths"]["/api/v1/meetings/{id}/publish"]["post"]["requestBody"];
    assert_ne!(publish["required"], true, "publishing needs no body");
    assert_eq!(
        doc["components"]["schemas"]["NewProject"]["additionalProperties"],
        false
    );
    // The limits the schemas state are the rules' own (attributes take literals only).
    let schemas = &doc["components"]["schemas"];
    let max = |schema: &str, field: &str| schemas[schema]["properties"][field]["maxLength"].as_u64();
    use zhuanban::domain::checklist::{TEXT_MAX, TITLE_MAX};
    for schema in ["NewItemJson", "ItemPatch", "NewDecision", "NewRequest"] {
        assert_eq!(max(schema, "title"), Some(TITLE_MAX as u64), "{schema}.title");
    }
    assert_eq!(max("NewItemJson", "note"), Some(TEXT_MAX as u64));
    assert_eq!(max("NewUpdate", "body"), Some(TEXT_MAX as u64));
    assert_eq!(
        max("NewProject", "name"),
        Some(zhuanban::domain::project::NAME_MAX as u64)
    );
    assert_eq!(
        max("DeclineRequest", "reason"),
        Some(zhuanban::domain::request::REASON_MAX as u64)
    );
    // The document describes exactly the API the router serves.
    let served: std::collections::BTreeSet<(String, String)> = zhuanban::routes::served()
        .into_iter()
        .filter(|(_, path)| path.starts_with("/api/v1/") && *path != "/api/v1/openapi.json")
        .map(|(m, p)| (m.to_lowercase(), p.to_string()))
        .collect();
    let documented: std::collections::BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |m| (m.clone(), path.clone())))
        .filter(|(m, _)| ["get", "post", "patch", "put", "delete"].contains(&m.as_str()))
        .collect();
    assert_eq!(
        served.difference(&documented).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "served but not in the document"
    );
    assert_eq!(
        documented.difference(&served).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "in the document but not served"
    );
    // Text that must show something has the rule's own pattern, wherever it is.
    let visible = zhuanban::domain::input::visible_text_pattern();
    let mut patterns = Vec::new();
    for (name, schema) in schemas.as_object().unwrap() {
        for (field, property) in schema["properties"].as_object().into_iter().flatten() {
            if let Some(p) = property["pattern"].as_str() {
                patterns.push((format!("{name}.{field}"), p.to_string()));
            }
        }
    }
    let showing: Vec<_> = patterns.iter().filter(|(_, p)| p.contains("][^\\u0000]*$")).collect();
    assert!(showing.len() >= 10, "{patterns:?}");
    for (field, p) in showing {
        assert_eq!(p, &visible, "{field}");
    }
    let api = crate::harness::Api::as_user(&app, "official").await;
    let (status, body) = api
        .post(
            "/api/v1/projects",
            serde_json::json!({
                "name": "多字段项目", "company": "企业", "total_investment_wan": 5,
                "task_force": { "lead_unit": "gxj" }
            }),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["total_investment_wan"].is_string(), "{body}");
    assert_eq!(body["error"], "validation");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_client_generated_from_the_document_calls_the_api() {
    let app = spawn_demo_app().await;
    let dir = scratch("client");
    let (_, path) = document(&app, &dir).await;
    let out = python(
        &[
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            path.to_str().unwrap(),
            "--output-path",
            "client",
            "--overwrite",
        ],
        &dir,
    )
    .await;
    assert!(
        out.status.success(),
        "openapi-python-client: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let token = app.bearer("official").await;
    let project = app.project_id("祺祥新能源年产2万吨电池级碳酸锂项目").await;
    let deadline = app.today().await + chrono::Duration::days(10);
    // Three operations through the generated functions and models: who am I, the projects, and a
    // new checklist item; then an error answer, parsed by its model.
    let script = format!(
        r#"
import sys, importlib, pkgutil
sys.path.insert(0, "client")
package = next(m.name for m in pkgutil.iter_modules(["client"]))
api = importlib.import_module(package)
client = api.AuthenticatedClient(base_url="{base}", token="{token}")
from importlib import import_module
me = import_module(package + ".api.default.me").sync(client=client)
assert me.username == "official", me
projects = import_module(package + ".api.projects.projects_list").sync(client=client)
names = [p.name for p in projects]
assert "祺祥新能源年产2万吨电池级碳酸锂项目" in names, names
models = import_module(package + ".models")
import datetime
body = models.NewItemJson(title="生成的客户端添加的事项", responsible_unit="zrzyj", deadline=datetime.date.fromisoformat("{deadline}"))
item = import_module(package + ".api.items.items_create").sync(id="{project}", client=client, body=body)
assert item.title == "生成的客户端添加的事项" and item.status.value == "green", item
missing = import_module(package + ".api.items.items_show").sync_detailed(id="00000000-0000-0000-0000-000000000000", client=client)
assert missing.status_code == 404 and missing.parsed.error == "not_found", missing
print("ok")
"#,
        base = app.base,
    );
    let out = python(&["-c", &script], &dir).await;
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("ok"),
        "the generated client: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM checklist_items WHERE title = '生成的客户端添加的事项'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// What the document forbids, the server refuses: a body that is not an object (serde's structs
/// would take an array of their fields), an upload's part the operation does not name, and text
/// longer than its `maxLength` as sent, blanks included; and what it allows is taken, at its limits.
#[tokio::test]
async fn what_the_document_forbids_is_refused() {
    let app = spawn_demo_app().await;
    let api = crate::harness::Api::as_user(&app, "official").await;
    let (status, body) = api
        .post("/api/v1/units", serde_json::json!(["newunit", "新单位"]))
        .await;
    assert_eq!(status, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let meeting: uuid::Uuid = sqlx::query_scalar("SELECT id FROM meetings LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let notices = || sqlx::query_scalar::<_, i64>("SELECT count(*) FROM notices").fetch_one(&app.pool);
    let before = notices().await.unwrap();
    let path = format!("/api/v1/meetings/{meeting}/publish");
    let (status, body) = api.post(&path, serde_json::json!([null, null])).await;
    assert_eq!(status, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(notices().await.unwrap(), before, "nothing was published");
    // An object, or nothing at all, still publishes.
    let (status, body) = api.send(reqwest::Method::POST, &path, None).await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");

    let doc = fetch_document(&app).await;
    let name_max = doc["components"]["schemas"]["NewUnit"]["properties"]["name"]["maxLength"]
        .as_u64()
        .unwrap() as usize;
    let padded = format!("{} ", "单".repeat(name_max));
    let (status, body) = api
        .post("/api/v1/units", serde_json::json!({ "code": "padded", "name": padded }))
        .await;
    assert_eq!(status, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["name"].is_string(), "{body}");
    let (status, body) = api
        .post(
            "/api/v1/units",
            serde_json::json!({ "code": "padded", "name": "单".repeat(name_max) }),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");

    // A project name at its limit: its task force's name (the name and 专班) fits too.
    let long_name = "项".repeat(zhuanban::domain::project::NAME_MAX);
    let (status, body) = api
        .post(
            "/api/v1/projects",
            serde_json::json!({ "name": long_name, "company": "企业", "investment_code": "  ",
                                "task_force": { "lead_unit": "gxj" } }),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");
    let admin = crate::harness::Api::as_user(&app, "admin").await;
    let (status, body) = admin
        .post(
            "/api/v1/webhooks",
            serde_json::json!({ "url": "https://user@example.com/hook", "format": "wecom" }),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["fields"]["url"].is_string(), "{body}");

    let item: uuid::Uuid = sqlx::query_scalar("SELECT id FROM checklist_items WHERE state = 'open' LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let token = app.bearer("official").await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let upload = |extra: Option<(&'static str, &'static str)>| {
        let mut form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(png.clone()).file_name("现场.png"),
        );
        if let Some((name, value)) = extra {
            form = form.text(name, value);
        }
        reqwest::Client::new()
            .post(format!("{}/api/v1/items/{item}/attachments", app.base))
            .bearer_auth(&token)
            .multipart(form)
            .send()
    };
    let r = upload(Some(("note", "现场照片"))).await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert!(body["fields"]["note"].is_string(), "the unknown part is named: {body}");
    let r = upload(Some(("for_investor", "null"))).await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    let r = upload(Some(("for_investor", "true"))).await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::CREATED);
    let r = upload(None).await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::CREATED);
}
