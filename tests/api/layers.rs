//! The layers import one way (docs/architecture.md): `domain`, `i18n`, `db`, `auth` and `app`
//! never reach up into the web pages, the API or the router; the API uses no page module; and no
//! files of `src/` import each other in a circle. Read from the source files' `use` and `crate::`
//! paths.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The web modules that are not pages, which the API shares: the request context, errors,
/// extractors, forms and uploads, file downloads and spreadsheets, and the rows and agenda that
/// both show in words.
const WEB_SHARED: [&str; 12] = [
    "web",
    "web::agenda",
    "web::checklist_table",
    "web::context",
    "web::error",
    "web::extract",
    "web::files",
    "web::form",
    "web::rows",
    "web::spreadsheet",
    "web::statement_xlsx",
    "web::upload",
];

/// Every module of `src/` by its path (`web::items`), with its source up to its unit tests.
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).unwrap().with_extension("");
                let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
                if parts.last().is_some_and(|p| p == "mod") {
                    parts.pop();
                }
                let name = parts.join("::");
                let name = if name == "lib" || name == "main" {
                    String::new()
                } else {
                    name
                };
                let text = std::fs::read_to_string(&path).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
                out.insert(name, code);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(path: &str) -> Vec<String> {
    let path: String = path.split_whitespace().collect();
    let Some(open) = path.find('{') else {
        return vec![path.split(" as ").next().unwrap_or("").to_string()];
    };
    let (prefix, inner) = (&path[..open], &path[open + 1..path.len() - 1]);
    let (mut items, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .filter(|i| !i.is_empty())
        .flat_map(|i| expand(&format!("{prefix}{i}")))
        .collect()
}

/// The modules `module`'s code names: through `use crate::…;`, `use super::…;` and inline `crate::…`.
fn uses(module: &str, code: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let parent = module.rsplit_once("::").map_or("", |(p, _)| p);
    let mut paths = Vec::new();
    for (keyword, base) in [("use crate::", ""), ("use super::", parent)] {
        for part in code.split(keyword).skip(1) {
            let statement = part.split(';').next().unwrap_or("");
            for p in expand(statement) {
                let p = p.trim_end_matches("::self");
                paths.push(if base.is_empty() {
                    p.to_string()
                } else {
                    format!("{base}::{p}")
                });
            }
        }
    }
    for part in code.split("crate::").skip(1) {
        let end = part
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(part.len());
        paths.push(part[..end].trim_end_matches(':').to_string());
    }
    paths
        .iter()
        .filter_map(|p| {
            let parts: Vec<&str> = p.split("::").collect();
            (1..=parts.len())
                .rev()
                .map(|n| parts[..n].join("::"))
                .find(|m| known.contains(m))
        })
        .filter(|m| m != module && !module.starts_with(&format!("{m}::")))
        .collect()
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let all = modules();
    let known: BTreeSet<String> = all.keys().cloned().collect();
    all.iter().map(|(m, code)| (m.clone(), uses(m, code, &known))).collect()
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or("")
}

#[test]
fn the_lower_layers_never_import_the_upper_ones() {
    let graph = graph();
    assert!(
        graph["web::items"].contains("db::items"),
        "the graph was read: {:?}",
        graph["web::items"]
    );
    let mut wrong = Vec::new();
    for (module, used) in &graph {
        for target in used {
            let upper = ["web", "api", "routes", "server"].contains(&top(target));
            if ["domain", "i18n", "db", "auth", "app"].contains(&top(module)) && upper {
                wrong.push(format!("{module} → {target}"));
            }
            if top(module) == "domain" && ["db", "auth", "jobs", "app", "i18n"].contains(&top(target)) {
                wrong.push(format!("{module} → {target}"));
            }
            if ["db", "auth", "i18n"].contains(&top(module)) && top(target) == "app" {
                wrong.push(format!("{module} → {target}"));
            }
            if top(module) == "jobs" && ["web", "api"].contains(&top(target)) {
                wrong.push(format!("{module} → {target}"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layers: {wrong:#?}");
}

#[test]
fn the_api_uses_no_page_module() {
    let graph = graph();
    let pages: Vec<String> = graph
        .iter()
        .filter(|(m, _)| top(m) == "api")
        .flat_map(|(m, used)| used.iter().map(move |t| (m, t)))
        .filter(|(_, t)| top(t) == "web" && !WEB_SHARED.contains(&t.as_str()))
        .map(|(m, t)| format!("{m} → {t}"))
        .collect();
    assert!(
        pages.is_empty(),
        "the API uses page modules (move the shared part to `app`): {pages:#?}"
    );
    assert!(graph["api::items"].contains("app::items"), "the graph was read");
}

#[test]
fn no_files_import_each_other_in_a_circle() {
    let graph = graph();
    // Depth-first search; a module met again while still on the path closes a circle.
    fn visit<'a>(
        m: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
        circles: &mut Vec<String>,
    ) {
        if let Some(at) = path.iter().position(|p| *p == m) {
            circles.push(format!("{} → {m}", path[at..].join(" → ")));
            return;
        }
        if !done.insert(m) {
            return;
        }
        path.push(m);
        for next in graph.get(m).into_iter().flatten() {
            visit(next, graph, path, done, circles);
        }
        path.pop();
    }
    let mut circles = Vec::new();
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        visit(m, &graph, &mut Vec::new(), &mut done, &mut circles);
    }
    assert!(circles.is_empty(), "import circles: {circles:#?}");
}

/// Every link builder makes an address the router serves (a GET route with one parameter).
#[test]
fn every_link_is_a_page_the_router_serves() {
    use zhuanban::links;
    let served: Vec<String> = zhuanban::routes::served()
        .into_iter()
        .filter(|(method, _)| *method == "GET")
        .map(|(_, path)| path)
        .collect();
    type Builder = fn(&str) -> String;
    let builders: [(&str, Builder); 10] = [
        ("project", |x| links::project(x)),
        ("item", |x| links::item(x)),
        ("investment", |x| links::investment(x)),
        ("request", |x| links::request(x)),
        ("meeting", |x| links::meeting(x)),
        ("notice", |x| links::notice(x)),
        ("unit", |x| links::unit(x)),
        ("webhook", |x| links::webhook(x)),
        ("template", |x| links::template(x)),
        ("attachment", |x| links::attachment(x)),
    ];
    for (name, build) in builders {
        let address = build("\u{1}");
        let matches = served.iter().any(|route| {
            let (open, close) = (route.find('{'), route.find('}'));
            match (open, close) {
                (Some(o), Some(c)) => address == format!("{}\u{1}{}", &route[..o], &route[c + 1..]),
                _ => false,
            }
        });
        assert!(matches, "links::{name} builds {address:?}, which no GET route serves");
    }
}
