use reqwest::StatusCode;
use zhuanban::domain::role::Role;

use crate::harness::{
    Client, PASSWORD, TestApp, csrf_from, session_cookie, spawn_app, spawn_app_with, spawn_demo_app, zh,
};

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn login_with_the_right_password_opens_the_home_page() {
    let app = spawn_app().await;
    app.add_user("wang.official", Role::Official, None, &[]).await;
    let client = app.client();
    let r = client.login("wang.official", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/");
    let (status, body) = client.get_text("/projects").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("wang.official"), "the layout names the user");
    assert!(body.contains(zh().nav_logout));
}

#[tokio::test]
async fn login_returns_to_a_local_next_page_only() {
    let app = spawn_app().await;
    app.add_user("official", Role::Official, None, &[]).await;
    let client = app.client();
    let token = client.csrf_token().await;
    let fields = |next: &'static str| {
        vec![
            ("csrf_token", token.clone()),
            ("username", "official".into()),
            ("password", PASSWORD.into()),
            ("next", next.into()),
        ]
    };
    let r = client
        .http
        .post(format!("{}/login", app.base))
        .form(&fields("//evil.example/x"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/");
    let client = app.client();
    let token = client.csrf_token().await;
    let mut f = fields("/projects");
    f[0].1 = token;
    let r = client
        .http
        .post(format!("{}/login", app.base))
        .form(&f)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/projects");
}

#[tokio::test]
async fn a_wrong_password_keeps_the_username_and_says_what_is_wrong() {
    let app = spawn_app().await;
    app.add_user("li.member", Role::Official, None, &[]).await;
    let client = app.client();
    let r = client.login("li.member", "not-the-password").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body = r.text().await.unwrap();
    assert!(body.contains("用户名或密码不正确"));
    assert!(body.contains("value=\"li.member\""), "the username is kept");
    assert!(!body.contains("not-the-password"), "the password is never echoed");
    let (_, home) = client.get_text("/projects").await;
    assert!(!home.contains(zh().nav_logout));
}

#[tokio::test]
async fn an_unknown_user_gets_the_same_answer_as_a_wrong_password() {
    let app = spawn_app().await;
    let r = app.client().login("nobody", "whatever-password").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains("用户名或密码不正确"));
}

#[tokio::test]
async fn a_malformed_username_is_named_as_the_problem() {
    let app = spawn_app().await;
    let r = app.client().login("<script>", "whatever-password").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("请输入有效的用户名"));
    assert!(
        body.contains("&#60;script&#62;") || body.contains("&lt;script&gt;"),
        "input is kept, escaped"
    );
}

#[tokio::test]
async fn a_login_without_or_with_a_wrong_csrf_token_is_refused() {
    let app = spawn_app().await;
    app.add_user("official", Role::Official, None, &[]).await;
    let client = app.client();
    client.csrf_token().await;
    let missing = client
        .post_form("/login", &[("username", "official"), ("password", PASSWORD)])
        .await;
    assert_eq!(missing.status(), StatusCode::FORBIDDEN);
    assert!(missing.text().await.unwrap().contains("表单已过期"));
    let wrong = client
        .post_form(
            "/login",
            &[
                ("csrf_token", "0123456789abcdef"),
                ("username", "official"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    // A token from another session does not work either.
    let other = app.client().csrf_token().await;
    let foreign = client
        .post_form(
            "/login",
            &[("csrf_token", &other), ("username", "official"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    let (_, home) = client.get_text("/projects").await;
    assert!(!home.contains(zh().nav_logout));
}

#[tokio::test]
async fn a_cross_site_post_is_refused_even_with_a_token() {
    let app = spawn_app().await;
    app.add_user("official", Role::Official, None, &[]).await;
    let client = app.client();
    let token = client.csrf_token().await;
    let r = client
        .http
        .post(format!("{}/login", app.base))
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .form(&[
            ("csrf_token", token.as_str()),
            ("username", "official"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn repeated_failures_slow_down_the_account() {
    let app = spawn_app().await;
    app.add_user("target", Role::Official, None, &[]).await;
    let client = app.client();
    for _ in 0..5 {
        assert_eq!(
            client.login("target", "guess-guess-guess").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Now even the right password must wait.
    let r = client.login("target", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().await.unwrap().contains("登录失败次数过多"));
    // Another account from the same address is not locked by this one.
    app.add_user("bystander", Role::Official, None, &[]).await;
    assert_eq!(
        client.login("bystander", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
}

/// A client whose requests come, through the trusted proxy, from `address`.
fn from_address(app: &TestApp, address: &str) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", address.parse().unwrap());
    Client {
        base: app.base.clone(),
        http: reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .unwrap(),
    }
}

async fn behind_proxy() -> TestApp {
    spawn_app_with(&[("ZHUANBAN_TRUST_PROXY", "1")]).await
}

#[tokio::test]
async fn a_hundred_parallel_guesses_get_no_more_failures_than_the_limit_allows() {
    let app = spawn_app().await;
    app.add_user("target", Role::Official, None, &[]).await;
    let client = app.client();
    let token = client.csrf_token().await;
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..100 {
        let (http, base, token) = (client.http.clone(), client.base.clone(), token.clone());
        guesses.spawn(async move {
            let form = [
                ("csrf_token", token),
                ("username", "target".to_string()),
                ("password", format!("guess-number-{i}")),
            ];
            http.post(format!("{base}/login"))
                .form(&form)
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let statuses = guesses.join_all().await;
    let wrong = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!(wrong + refused, 100, "{statuses:?}");
    assert_eq!(wrong, 5, "the five free failures, however the guesses race");
    let recorded: i64 = sqlx::query_scalar("SELECT count(*) FROM login_attempts WHERE username = 'target'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(recorded, 5, "refused guesses are not attempts");
}

#[tokio::test]
async fn the_owner_gets_in_from_their_own_address_while_a_stranger_hammers_the_account() {
    let app = behind_proxy().await;
    app.add_user("target", Role::Official, None, &[]).await;
    let stranger = from_address(&app, "203.0.113.66");
    for _ in 0..5 {
        assert_eq!(
            stranger.login("target", "guess-guess-guess").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // The stranger's pair waits, even with the right password...
    let r = stranger.login("target", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // ...the owner at another address does not.
    let owner = from_address(&app, "10.1.2.3");
    assert_eq!(owner.login("target", PASSWORD).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn across_addresses_the_account_slows_strangers_but_not_the_owners_known_address() {
    let app = behind_proxy().await;
    app.add_user("target", Role::Official, None, &[]).await;
    // The owner signed in from the office ten days ago; since then 120 failures this hour from
    // 120 addresses, each too few for its own pair or address limits.
    sqlx::query(
        "INSERT INTO login_attempts (username, address, succeeded, at)
         VALUES ('target', '10.1.2.3', true, now() - interval '10 days')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO login_attempts (username, address, succeeded, at)
         SELECT 'target', '198.51.100.' || g, false, now() - interval '50 minutes' + g * interval '20 seconds'
         FROM generate_series(1, 120) g",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    // A new address is refused by the hourly cap; the owner's office is not.
    let newcomer = from_address(&app, "192.0.2.77");
    assert_eq!(
        newcomer.login("target", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    let owner = from_address(&app, "10.1.2.3");
    assert_eq!(owner.login("target", PASSWORD).await.status(), StatusCode::SEE_OTHER);
    // Twenty-five failures in the last quarter hour, below the hourly cap: strangers wait up to a
    // minute (the owner's success just now does not give them a fresh start).
    sqlx::query("DELETE FROM login_attempts WHERE NOT succeeded")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO login_attempts (username, address, succeeded, at)
         SELECT 'target', '198.51.100.' || g, false, now() - interval '10 seconds'
         FROM generate_series(1, 25) g",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let r = newcomer.login("target", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        from_address(&app, "10.1.2.3").login("target", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn repeated_failures_slow_down_the_address() {
    let app = spawn_app().await;
    app.add_user("someone", Role::Official, None, &[]).await;
    let client = app.client();
    for i in 0..20 {
        let name = format!("guess{i}");
        assert_eq!(
            client.login(&name, "guess-guess-guess").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        client.login("someone", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn the_session_id_changes_at_login() {
    let app = spawn_app().await;
    app.add_user("official", Role::Official, None, &[]).await;
    let client = app.client();
    let first = client.get("/login").await;
    let before = session_cookie(&first).expect("an anonymous session carries the form token");
    let token = csrf_from(&first.text().await.unwrap()).unwrap();
    let r = client
        .post_form(
            "/login",
            &[("csrf_token", &token), ("username", "official"), ("password", PASSWORD)],
        )
        .await;
    let after = session_cookie(&r).expect("login sets a new session cookie");
    assert_ne!(before, after);
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect::<Vec<_>>();
    let session = cookie.iter().find(|c| c.starts_with("zb_session=")).unwrap();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    assert!(!session.contains("Secure"), "not Secure unless configured for HTTPS");
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    app.add_user("official", Role::Official, None, &[]).await;
    let client = app.client();
    let r = client.login("official", PASSWORD).await;
    let stolen = session_cookie(&r).unwrap();
    let out = client.submit("/logout", &[]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&out), "/login");
    // Replaying the old cookie does not get back in.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = replay
        .get(format!("{}/", app.base))
        .header("cookie", format!("zb_session={stolen}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/login"));
}

#[tokio::test]
async fn logout_needs_the_form_token() {
    let app = spawn_app().await;
    app.add_user("official", Role::Official, None, &[]).await;
    let client = app.login("official").await;
    assert_eq!(client.post_form("/logout", &[]).await.status(), StatusCode::FORBIDDEN);
    let (_, home) = client.get_text("/projects").await;
    assert!(home.contains(zh().nav_logout), "still signed in");
}

#[tokio::test]
async fn anonymous_pages_redirect_to_login_with_the_way_back() {
    let app = spawn_demo_app().await;
    let r = app.client().get("/projects/00000000-0000-0000-0000-000000000000").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&r),
        "/login?next=%2Fprojects%2F00000000-0000-0000-0000-000000000000"
    );
}

#[tokio::test]
async fn a_session_older_than_the_maximum_ends() {
    let app = spawn_app().await;
    app.add_user("official", Role::Official, None, &[]).await;
    let client = app.login("official").await;
    assert!(client.get_text("/projects").await.1.contains(zh().nav_logout));
    // Rather than wait twelve hours, shorten the limit below the session's age (the range check
    // that keeps admins from setting 0 is lifted for this).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    sqlx::query("ALTER TABLE settings DROP CONSTRAINT settings_session_max_hours_check")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE settings SET session_max_hours = 0")
        .execute(&app.pool)
        .await
        .unwrap();
    let r = client.get("/").await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "an expired session is sent to log in again"
    );
}
