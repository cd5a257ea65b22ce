//! A real browser for the journey tests: headless Chromium driven through chromedriver (both from
//! Debian's `chromium` and `chromium-driver`), one browser per test, against the test's server.
//! A failing journey leaves a screenshot and the page's HTML under `target/browser-failures/`.

use std::future::Future;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tokio::process::{Child, Command};
use tokio::sync::Semaphore;

use crate::harness::TestApp;

/// Two browsers at a time: each is a few hundred MB and the machine has other tests to run.
static BROWSERS: Semaphore = Semaphore::const_new(2);

/// A laptop, or a phone (the size of a common phone's viewport).
#[derive(Clone, Copy)]
pub enum Screen {
    Desktop,
    /// A 1366×900 desk, the commonest office screen.
    Wide,
    Phone,
}

fn find(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

fn failures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser-failures")
}

async fn free_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

/// Starts chromedriver on a free port, waiting until it accepts connections.
async fn start_driver() -> (Child, u16) {
    let driver = find("chromedriver").unwrap_or_else(|| {
        panic!(
            "chromedriver is not installed: the browser journeys need Chromium and its driver \
             (Debian: apt-get install chromium chromium-driver; .ci/run installs them)"
        )
    });
    let port = free_port().await;
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("cannot start chromedriver");
    for _ in 0..300 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return (child, port);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start listening on port {port}");
}

/// A browser tab on the test's server, with short helpers for what journeys do.
#[derive(Clone)]
pub struct Page {
    pub client: fantoccini::Client,
    pub base: String,
}

impl Page {
    pub async fn goto(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.base)).await.unwrap();
    }

    /// The current path (and query).
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    pub async fn text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Waits until the page's text contains `needle` (a page being replaced by the next one is
    /// read again), for at most 30 seconds.
    pub async fn wait_for_text(&self, needle: &str) {
        for _ in 0..300 {
            if let Ok(body) = self.client.find(Locator::Css("body")).await
                && body.text().await.is_ok_and(|text| text.contains(needle))
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the page never showed {needle:?}; it is {}", self.path().await);
    }

    /// Waits until the current path (and query) starts with `prefix`, for at most 30 seconds.
    pub async fn wait_for_path(&self, prefix: &str) {
        for _ in 0..300 {
            if self.path().await.starts_with(prefix) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the browser never reached {prefix}; it is on {}", self.path().await);
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let field = self.client.wait().for_element(Locator::Css(css)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Sets a field's value directly: date and time inputs take keystrokes in the browser's
    /// locale order, which a test should not depend on.
    pub async fn set_value(&self, css: &str, value: &str) {
        self.client
            .execute(
                "const e = document.querySelector(arguments[0]); e.value = arguments[1]; return e.value;",
                vec![json!(css), json!(value)],
            )
            .await
            .unwrap();
    }

    pub async fn select(&self, css: &str, value: &str) {
        let select = self.client.find(Locator::Css(css)).await.unwrap();
        select.select_by_value(value).await.unwrap();
    }

    pub async fn click(&self, css: &str) {
        let element = self.client.wait().for_element(Locator::Css(css)).await.unwrap();
        element.click().await.unwrap();
    }

    /// Submits the form whose action ends with `action` using its submit button.
    pub async fn submit(&self, action: &str) {
        self.click(&format!("form[action$='{action}'] button[type=submit]"))
            .await;
    }

    /// Logs out with the button the screen shows (on a phone it is in the menu).
    pub async fn logout(&self) {
        let menu = self.client.find(Locator::Css(".menu summary")).await.unwrap();
        if menu.is_displayed().await.unwrap() {
            menu.click().await.unwrap();
        }
        let buttons = self
            .client
            .find_all(Locator::Css("form[action='/logout'] button"))
            .await
            .unwrap();
        for button in buttons {
            if button.is_displayed().await.unwrap() {
                button.click().await.unwrap();
                return self.wait_for_path("/login").await;
            }
        }
        panic!("no logout button to be seen");
    }

    pub async fn login(&self, username: &str, password: &str) {
        self.goto("/login").await;
        self.type_into("#username", username).await;
        self.type_into("#password", password).await;
        self.click("form[action='/login'] button[type=submit]").await;
        self.client
            .wait()
            .for_element(Locator::Css("form[action='/logout']"))
            .await
            .unwrap();
    }

    /// The page is no wider than the window: nothing to scroll sideways on a phone.
    pub async fn fits_the_width(&self) -> bool {
        let fits = self
            .client
            .execute(
                "return document.documentElement.scrollWidth <= window.innerWidth;",
                vec![],
            )
            .await
            .unwrap();
        fits.as_bool().unwrap_or(false)
    }
}

/// Runs `journey` in a fresh headless browser against `app`; if it fails, the screenshot and HTML
/// of the page it was on are saved as `target/browser-failures/<name>.png` and `.html`.
pub async fn journey<F, Fut>(app: &TestApp, name: &str, screen: Screen, journey: F)
where
    F: FnOnce(Page) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let _permit = BROWSERS.acquire().await.unwrap();
    let (mut driver, port) = start_driver().await;
    let (width, height) = match screen {
        Screen::Desktop => (1280, 900),
        Screen::Wide => (1366, 900),
        Screen::Phone => (390, 844),
    };
    let mut options = json!({
        "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 format!("--window-size={width},{height}"), "--lang=zh-CN"],
    });
    if let Some(chromium) = find("chromium") {
        options["binary"] = json!(chromium);
    }
    if let Screen::Phone = screen {
        // A phone's viewport, pixel ratio and touch, as Chrome's device mode gives them.
        options["mobileEmulation"] = json!({
            "deviceMetrics": { "width": width, "height": height, "pixelRatio": 3.0, "touch": true },
            "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
        });
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .unwrap_or_else(|e| panic!("cannot start headless Chromium through chromedriver: {e}"));
    let page = Page {
        client: client.clone(),
        base: app.base.clone(),
    };
    let outcome = tokio::spawn(journey(page)).await;
    if let Err(failure) = &outcome {
        let dir = failures_dir();
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
        if let Ok(html) = client.source().await {
            let _ = std::fs::write(dir.join(format!("{name}.html")), html);
        }
        eprintln!(
            "journey {name} failed ({failure}); screenshot and page saved in {}",
            dir.display()
        );
    }
    let _ = client.close().await;
    let _ = driver.kill().await;
    if let Err(failure) = outcome {
        std::panic::resume_unwind(failure.into_panic());
    }
}
