//! The shared test harness. With `DATABASE_URL` unset, one private cluster is started for the
//! whole run (and stopped when the run ends, however it ends); every test gets a fresh database
//! copied from a migrated template, and a server on 127.0.0.1:0.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::Value;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection, PgPool};
use uuid::Uuid;
use zhuanban::auth::token;
use zhuanban::config::Config;
use zhuanban::db::audit::Actor;
use zhuanban::db::cluster::{Cluster, Durability};
use zhuanban::db::run_view::RunViews;
use zhuanban::db::users::{self, NewUser};
use zhuanban::domain::names::{UnitCode, Username};
use zhuanban::domain::role::Role;
use zhuanban::routes;
use zhuanban::web::AppState;

const TEMPLATE: &str = "zhuanban_template";
pub const PASSWORD: &str = "test-password-123";

struct Server {
    /// Options for the server's maintenance database; per-test databases differ only in name.
    admin: PgConnectOptions,
    /// How child processes (the CLI) reach a database: name → URL.
    url: Box<dyn Fn(&str) -> String + Send + Sync>,
    _cluster: Option<Cluster>,
}

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        // Set up on a thread of its own: each test has its own runtime, and this must outlive them.
        std::thread::spawn(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(start_server())
        })
        .join()
        .expect("test database server set-up panicked")
    })
}

async fn start_server() -> Server {
    let server = match std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        Some(url) => {
            let admin: PgConnectOptions = url.parse().expect("DATABASE_URL");
            let base = url
                .split('?')
                .next()
                .unwrap_or(&url)
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap();
            let query = url.split_once('?').map(|(_, q)| format!("?{q}")).unwrap_or_default();
            Server {
                admin,
                url: Box::new(move |db| format!("{base}/{db}{query}")),
                _cluster: None,
            }
        }
        None => {
            let dir = std::env::temp_dir().join(format!("zhuanban-test-{}", std::process::id()));
            let cluster = Cluster::open(&dir, Durability::Throwaway).expect("cannot start the test cluster");
            cluster
                .stop_when_process_exits(std::process::id())
                .expect("cannot start the cluster watchdog");
            let admin = cluster.connect_options("postgres");
            let template_url = cluster.url("DB");
            Server {
                admin,
                url: Box::new(move |db| template_url.replace("/DB?", &format!("/{db}?"))),
                _cluster: Some(cluster),
            }
        }
    };
    let mut conn = PgConnection::connect_with(&server.admin)
        .await
        .expect("connect to the test server");
    sqlx::query(&format!("DROP DATABASE IF EXISTS {TEMPLATE}"))
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {TEMPLATE}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let pool = zhuanban::db::pool(server.admin.clone().database(TEMPLATE), 2)
        .await
        .unwrap();
    zhuanban::db::migrate(&pool)
        .await
        .expect("migrations apply to an empty database");
    pool.close().await;
    server
}

/// A new, empty database (not migrated) with a unique name.
pub async fn empty_database() -> (String, PgConnectOptions) {
    create_database("template0").await
}

async fn create_database(template: &str) -> (String, PgConnectOptions) {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let s = server();
    let name = format!("zb_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
    let mut conn = PgConnection::connect_with(&s.admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let options = s.admin.clone().database(&name);
    (name, options)
}

pub struct TestApp {
    pub base: String,
    pub pool: PgPool,
    pub database_url: String,
    pub password_hash: Arc<String>,
    /// The served instance's views of the engine's runs (what its job keeps them in).
    pub runs: Arc<RunViews>,
}

/// A server on a fresh, migrated, empty database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// The argon2id hash of [`PASSWORD`], computed once per test run (a full hash costs tens of
/// milliseconds, and every test's accounts share it).
async fn test_password_hash() -> Arc<String> {
    static HASH: tokio::sync::OnceCell<Arc<String>> = tokio::sync::OnceCell::const_new();
    HASH.get_or_init(|| async { Arc::new(zhuanban::auth::password::hash(PASSWORD).await.unwrap()) })
        .await
        .clone()
}

/// [`spawn_app`] with settings from the environment's names (`ZHUANBAN_TRUST_PROXY`...).
pub async fn spawn_app_with(env: &[(&str, &str)]) -> TestApp {
    let (name, options) = create_database(TEMPLATE).await;
    let pool = zhuanban::db::pool(options, 5).await.unwrap();
    let database_url = (server().url)(&name);
    let config = Config::from_lookup(|k| env.iter().find(|(key, _)| *key == k).map(|(_, v)| v.to_string())).unwrap();
    let (base, runs) = serve_with(pool.clone(), config).await;
    let password_hash = test_password_hash().await;
    TestApp {
        base,
        pool,
        database_url,
        password_hash,
        runs,
    }
}

/// A server on a fresh database holding the demo dataset, not yet computed by the status engine
/// (see [`TestApp::recompute`]).
pub async fn spawn_demo_app() -> TestApp {
    let app = spawn_app().await;
    zhuanban::demo::seed(&app.pool).await.unwrap();
    app
}

/// Serves the application on a pool, returning its base URL.
pub async fn serve(pool: PgPool) -> String {
    serve_with(pool, Config::from_lookup(|_| None).unwrap()).await.0
}

/// Serves the application; its base URL and its views of the engine's runs.
async fn serve_with(pool: PgPool, config: Config) -> (String, Arc<RunViews>) {
    let state = AppState::new(pool, config);
    let runs = state.runs.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            routes::router(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    (format!("http://{addr}"), runs)
}

impl TestApp {
    /// Today on the county's calendar (its time zone's date, from the server's clock): the day
    /// every deadline and lateness is counted from. Never the UTC date.
    pub async fn today(&self) -> chrono::NaiveDate {
        zhuanban::db::settings::load(&self.pool).await.unwrap().today()
    }

    /// A new API bearer token for the user, as `zhuanban token create` makes it.
    pub async fn bearer(&self, username: &str) -> String {
        let t = token::new_api_token();
        users::add_api_token(
            &self.pool,
            &Username::parse(username).unwrap(),
            &token::api_token_hash(&t),
        )
        .await
        .unwrap();
        t
    }

    /// One run of the status engine, as the job does after every change.
    pub async fn recompute(&self) {
        zhuanban::jobs::recompute::run_once(&self.pool, None)
            .await
            .unwrap()
            .expect("no other run holds the lock");
    }

    pub fn client(&self) -> Client {
        Client {
            base: self.base.clone(),
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(Policy::none())
                .build()
                .unwrap(),
        }
    }

    /// Creates an account with the test password.
    pub async fn add_user(&self, username: &str, role: Role, unit: Option<&str>, projects: &[Uuid]) -> Uuid {
        let username = Username::parse(username).unwrap();
        let unit = unit.map(|u| UnitCode::parse(u).unwrap());
        let new = NewUser {
            username: &username,
            display_name: username.as_str(),
            role,
            unit: unit.as_ref(),
            projects,
            password_hash: &self.password_hash,
        };
        users::create(&self.pool, new, Actor::System("test")).await.unwrap()
    }

    /// A client signed in as one of the demo accounts.
    pub async fn demo_login(&self, username: &str) -> Client {
        let client = self.client();
        let response = client.login(username, zhuanban::web::login::DEMO_PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "demo login of {username}");
        client
    }

    /// A client signed in with the test password.
    pub async fn login(&self, username: &str) -> Client {
        let client = self.client();
        let response = client.login(username, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "login of {username}");
        client
    }

    pub async fn project_id(&self, name: &str) -> Uuid {
        sqlx::query_scalar("SELECT id FROM projects WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }
}

pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
}

impl Client {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(format!("{}{path}", self.base)).send().await.unwrap()
    }

    pub async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        (r.status(), r.text().await.unwrap())
    }

    /// The form token of the current session, read from a page as a browser would.
    pub async fn csrf_token(&self) -> String {
        let (_, body) = self.get_text("/login").await;
        let (_, body) = if body.contains("csrf_token") {
            (StatusCode::OK, body)
        } else {
            self.get_text("/projects").await
        };
        csrf_from(&body).expect("a page with a csrf_token field")
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// Posts a form with the session's CSRF token added.
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf_token().await;
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_form(path, &all).await
    }

    pub async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        self.submit("/login", &[("username", username), ("password", password)])
            .await
    }
}

impl Client {
    /// Publishes the week's notice as the page does: the preview (checked to be one), then its
    /// confirmation; the confirmation's answer.
    pub async fn publish_week(&self, fields: &[(&str, &str)]) -> reqwest::Response {
        self.confirm_preview("/notices", fields).await
    }

    /// Posts a notice's form to `action` for its preview, then confirms that preview.
    pub async fn confirm_preview(&self, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let r = self.submit(action, fields).await;
        assert_eq!(r.status(), StatusCode::OK, "the preview");
        let page = r.text().await.unwrap();
        assert!(page.contains(zh().meetings.notice_preview_heading));
        let digest = hidden(&page, "digest");
        let mut confirm = fields.to_vec();
        confirm.extend([("step", "confirm"), ("digest", digest.as_str())]);
        self.submit(action, &confirm).await
    }
}

/// A hidden field's value in a page.
pub fn hidden(page: &str, name: &str) -> String {
    let start = page.find(&format!("name=\"{name}\" value=\"")).expect("the field") + name.len() + 15;
    page[start..start + page[start..].find('"').unwrap()].to_string()
}

pub fn csrf_from(html: &str) -> Option<String> {
    let start = html.find("name=\"csrf_token\" value=\"")? + "name=\"csrf_token\" value=\"".len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

/// The session cookie's value as the client holds it, from a response that set it.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix(&format!("{}=", zhuanban::web::SESSION_COOKIE)))
        .map(|c| c.split(';').next().unwrap_or_default().to_string())
}

/// A client of the JSON API with a bearer token of its own.
pub struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    pub async fn as_user(app: &TestApp, username: &str) -> Api {
        let token = token::new_api_token();
        users::add_api_token(
            &app.pool,
            &Username::parse(username).unwrap(),
            &token::api_token_hash(&token),
        )
        .await
        .unwrap();
        Api {
            base: app.base.clone(),
            token,
            http: reqwest::Client::new(),
        }
    }

    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON body for {path}: {text}")),
        )
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::PATCH, path, Some(body)).await
    }
}

/// The Chinese catalog, for assertions on wording: a test names the message, not its text.
pub fn zh() -> &'static zhuanban::i18n::Catalog {
    zhuanban::i18n::Lang::Zh.catalog()
}
