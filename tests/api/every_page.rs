//! Every page of the router, for every role that may see it, on a 390×844 phone and a 1366×900
//! desk, in a real browser: nothing scrolls sideways or is wider than the window, every link and
//! control is at least 24×24 (a primary action 44×44), no text is clipped or squeezed to a character a line, and axe-core
//! finds nothing serious or critical. The pages come from the router's own table (through the
//! authorization matrix, with real ids); a screenshot of each is kept in `target/screens/`.

use std::path::PathBuf;

use fantoccini::Locator;
use serde_json::Value;
use zhuanban::web::login::DEMO_PASSWORD;

use crate::authz::{Fixtures, fixtures, rules};
use crate::browser::{Page, Screen, journey};
use crate::harness::spawn_demo_app;

/// axe-core's version, as `.ci/test` fetches it from the npm registry.
const AXE_VERSION: &str = "4.14.1";

fn axe_source() -> String {
    let path = std::env::var_os("ZHUANBAN_AXE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/axe-core-{AXE_VERSION}/axe.min.js"))
        });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is needed at {} ({e}); `.ci/test` fetches it (or set ZHUANBAN_AXE_JS)",
            path.display()
        )
    })
}

/// The GET pages `role` may open: no API, files, feeds or redirects.
fn pages(fixtures: &Fixtures, role: &'static str) -> Vec<String> {
    let skipped = [
        "/api/",
        "/static/",
        "/ics/",
        "/lang/",
        "/attachments/",
        "/bench/",
        "/health",
    ];
    rules()
        .into_iter()
        .filter(|r| r.method == "GET" && r.expected[role].0 == "ok")
        .filter(|r| !skipped.iter().any(|s| r.path.starts_with(s)))
        .filter(|r| !r.path.ends_with(".csv") && !r.path.ends_with(".xlsx") && !r.path.ends_with("/xlsx"))
        .filter(|r| !matches!(r.path.as_str(), "/login" | "/logout"))
        .map(|r| fixtures.fill(&r.path, role, false))
        .collect()
}

/// The page's own checks, in the browser: what is wider than the window, too small to tap,
/// clipped, or squeezed to one character a line.
const CHECKS: &str = r#"
const vw = document.documentElement.clientWidth, out = [];
const shown = e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
const name = e => {
  const cls = typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '';
  const text = (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 30);
  return `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${cls} "${text}"`;
};
if (document.documentElement.scrollWidth > vw) out.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${vw})`);
for (const e of document.querySelectorAll('body *')) {
  if (!shown(e) || e.closest('.skip')) continue;
  const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  if (r.width > vw + 1 && !e.closest('.scroll')) out.push(`wider than the window: ${name(e)} ${Math.round(r.width)}px`);
  if (['hidden', 'clip'].includes(s.overflowX) && e.scrollWidth > e.clientWidth + 1 && e.innerText.trim()) out.push(`text clipped: ${name(e)}`);
  const fs = parseFloat(s.fontSize), text = (e.innerText || '').trim();
  if (e.children.length === 0 && text.length >= 4 && r.width < 3 * fs && r.height > 2.5 * fs) out.push(`a character a line: ${name(e)} ${Math.round(r.width)}px wide`);
}
for (const e of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
  if (!shown(e) || e.closest('.skip')) continue;
  const r = e.getBoundingClientRect();
  if (r.width < 23.5 || r.height < 23.5) out.push(`smaller than 24×24: ${name(e)} ${Math.round(r.width)}×${Math.round(r.height)}`);
  else if (e.matches('.primary') && (r.width < 43.5 || r.height < 43.5)) out.push(`a primary action smaller than 44×44: ${name(e)} ${Math.round(r.width)}×${Math.round(r.height)}`);
}
return out;
"#;

/// axe-core's serious and critical findings on the page.
const AXE: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] }).then(r => done(r.violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => `axe ${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`)));
"#;

async fn audit(page: &Page, path: &str, axe: &str) -> Vec<String> {
    page.goto(path).await;
    page.client.wait().for_element(Locator::Css("footer")).await.unwrap();
    let mut found: Vec<String> = match page.client.execute(CHECKS, vec![]).await.unwrap() {
        Value::Array(list) => list.into_iter().filter_map(|v| v.as_str().map(String::from)).collect(),
        other => vec![format!("the checks answered {other}")],
    };
    page.client.execute(axe, vec![]).await.unwrap();
    if let Value::Array(list) = page.client.execute_async(AXE, vec![]).await.unwrap() {
        found.extend(list.into_iter().filter_map(|v| v.as_str().map(String::from)));
    }
    found
}

/// A page's screenshot name: its path, ids as `id`.
fn slug(path: &str) -> String {
    let slug = path
        .trim_matches('/')
        .split('/')
        .map(|s| if s.len() == 36 { "id" } else { s })
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() { "home".into() } else { slug }
}

/// Each problem once, with how many pages have it and one of them (the header's are on all).
fn by_problem(found: Vec<(String, String)>) -> Vec<String> {
    let mut pages: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (problem, path) in found {
        pages.entry(problem).or_default().push(path);
    }
    pages
        .into_iter()
        .map(|(problem, on)| format!("{problem} — on {} page(s), e.g. {}", on.len(), on[0]))
        .collect()
}

async fn every_page_of(role: &'static str) {
    let app = spawn_demo_app().await;
    let official = app.demo_login("official").await;
    let fixtures = fixtures(&app, &official).await;
    // The pages as a county sees them: coloured by a run of the status engine.
    app.recompute().await;
    let paths = pages(&fixtures, role);
    assert!(paths.len() >= 8, "{role} sees {paths:?}");
    let axe = format!("{}; return true;", axe_source());
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screens");
    std::fs::create_dir_all(&dir).unwrap();
    for (screen, label) in [(Screen::Phone, "phone"), (Screen::Wide, "desk")] {
        let (paths, axe, dir) = (paths.clone(), axe.clone(), dir.clone());
        journey(
            &app,
            &format!("every_page_{role}_{label}"),
            screen,
            move |page| async move {
                page.login(role, DEMO_PASSWORD).await;
                let mut wrong = Vec::new();
                for path in &paths {
                    let found = audit(&page, path, &axe).await;
                    if let Ok(png) = page.client.screenshot().await {
                        std::fs::write(dir.join(format!("{role}-{}-{label}.png", slug(path))), png).unwrap();
                    }
                    wrong.extend(found.into_iter().map(|f| (f, path.clone())));
                }
                let report = by_problem(wrong);
                assert!(
                    report.is_empty(),
                    "{role} on a {label}: {} problems\n{}",
                    report.len(),
                    report.join("\n")
                );
            },
        )
        .await;
    }
}

#[tokio::test]
async fn every_page_an_admin_sees_fits_reads_and_taps() {
    every_page_of("admin").await;
}

#[tokio::test]
async fn every_page_an_official_sees_fits_reads_and_taps() {
    every_page_of("official").await;
}

#[tokio::test]
async fn every_page_a_lead_sees_fits_reads_and_taps() {
    every_page_of("lead").await;
}

#[tokio::test]
async fn every_page_a_member_sees_fits_reads_and_taps() {
    every_page_of("member").await;
}

#[tokio::test]
async fn every_page_an_investor_sees_fits_reads_and_taps() {
    every_page_of("investor").await;
}

#[tokio::test]
async fn the_officials_menu_opens_on_a_phone_and_reads_a_link_a_line() {
    let app = spawn_demo_app().await;
    journey(&app, "official_menu", Screen::Phone, |page| async move {
        page.login("official", DEMO_PASSWORD).await;
        let links = page.client.find_all(Locator::Css(".menu-links a")).await.unwrap();
        assert!(links.len() >= 10, "the official's links and own pages");
        assert!(!links[0].is_displayed().await.unwrap(), "closed at first");
        page.click(".menu summary").await;
        let lines: Value = page
            .client
            .execute(
                "return [...document.querySelectorAll('.menu-links a')].map(a => {
                   const r = a.getBoundingClientRect(), s = getComputedStyle(a);
                   return [a.innerText.trim(), r.width, r.height, parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.55];
                 });",
                vec![],
            )
            .await
            .unwrap();
        for line in lines.as_array().unwrap() {
            let (text, width, height, line_height) = (
                line[0].as_str().unwrap(),
                line[1].as_f64().unwrap(),
                line[2].as_f64().unwrap(),
                line[3].as_f64().unwrap(),
            );
            assert!(width > 200.0, "{text}: the whole width of the phone ({width}px)");
            assert!(height >= 44.0, "{text}: a tap target of 44px ({height}px)");
            assert!(height < 44.0 + line_height, "{text}: on one line ({height}px)");
        }
        // The to-do count stays in sight beside the menu.
        let todo = page.client.find(Locator::Css(".todo-link")).await.unwrap();
        assert!(todo.is_displayed().await.unwrap());
    })
    .await;
}
