//! Audit entries as people read them: who did what when, and which fields changed from what to what.

use std::collections::HashMap;

use serde_json::Value;

use crate::db::projects::HistoryEntry;
use crate::db::units;
use crate::domain::checklist::Category;
use crate::domain::lifecycle::Stage;
use crate::domain::status::ItemState;
use crate::i18n::Catalog;

pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

pub struct HistoryView {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub changes: Vec<Change>,
}

/// Units' names by their codes: histories keep codes, and show names.
pub type UnitNames = HashMap<String, String>;

const UNIT_KEYS: [&str; 4] = ["responsible_unit", "lead_unit", "member_units", "unit"];

/// The names of the units `entries` name (no query when they name none), for [`HistoryView::new`].
pub async fn unit_names(db: &sqlx::PgPool, entries: &[HistoryEntry]) -> Result<UnitNames, sqlx::Error> {
    let mut codes: Vec<String> = Vec::new();
    for side in entries.iter().flat_map(|e| [&e.before, &e.after]).flatten() {
        for key in UNIT_KEYS {
            match side.get(key) {
                Some(Value::String(c)) => codes.push(c.clone()),
                Some(Value::Array(list)) => codes.extend(list.iter().filter_map(|c| c.as_str().map(str::to_string))),
                _ => {}
            }
        }
    }
    if codes.is_empty() {
        return Ok(UnitNames::new());
    }
    codes.sort();
    codes.dedup();
    Ok(units::names_of(db, &codes).await?.into_iter().collect())
}

impl HistoryView {
    pub fn new(e: &HistoryEntry, t: &Catalog, tz: chrono_tz::Tz, units: &UnitNames) -> HistoryView {
        let empty = Value::Object(Default::default());
        let before = e.before.as_ref().unwrap_or(&empty);
        let after = e.after.as_ref().unwrap_or(&empty);
        let mut changes = Vec::new();
        if let Value::Object(fields) = after {
            for (key, value) in fields {
                let old = before.get(key).unwrap_or(&Value::Null);
                if old != value && !(value.is_null() && e.before.is_none()) {
                    changes.push(Change {
                        field: t.field_label(key),
                        before: show(key, old, t, units),
                        after: show(key, value, t, units),
                    });
                }
            }
        }
        HistoryView {
            at: e.at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
            actor: e.actor.clone().unwrap_or_else(|| t.actor(&e.actor_label)),
            action: t.action(&e.action),
            changes,
        }
    }
}

/// A stored value in words: enumerations translated, lists joined, nothing as a dash.
fn show(key: &str, v: &Value, t: &Catalog, units: &UnitNames) -> String {
    match v {
        Value::Null => "—".into(),
        Value::String(s) => {
            let translated = match key {
                "stage" => Stage::parse(s).map(|x| t.stage(x)),
                "category" => Category::parse(s).map(|c| t.category(&c)),
                // An item's state as its history keeps it: "submitted" is an open item awaiting verification.
                "state" => ItemState::parse(s)
                    .map(|x| t.item_state(&x))
                    .or((s == "submitted").then_some(t.items.item_submitted)),
                k if UNIT_KEYS.contains(&k) => {
                    return units.get(s).cloned().unwrap_or_else(|| s.clone());
                }
                _ => None,
            };
            translated.map_or_else(|| s.clone(), str::to_string)
        }
        Value::Array(items) => items
            .iter()
            .map(|i| show(key, i, t, units))
            .collect::<Vec<_>>()
            .join("、"),
        Value::Bool(b) => t.yes_no(*b).into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use serde_json::json;

    fn entry(before: Option<Value>, after: Option<Value>) -> HistoryEntry {
        HistoryEntry {
            at: chrono::DateTime::parse_from_rfc3339("2026-11-25T02:00:00Z")
                .unwrap()
                .to_utc(),
            actor: Some("黄丽".into()),
            actor_label: "user".into(),
            action: "item.deadline".into(),
            entity_id: None,
            before,
            after,
        }
    }

    #[test]
    fn only_changed_fields_are_listed_with_translated_values() {
        let e = entry(
            Some(json!({"title": "用地预审", "deadline": "2026-11-10", "state": "open"})),
            Some(
                json!({"title": "用地预审", "deadline": "2026-11-20", "state": "open", "deadline_reason": "省厅退件"}),
            ),
        );
        let v = HistoryView::new(&e, Lang::Zh.catalog(), chrono_tz::Asia::Shanghai, &UnitNames::new());
        assert_eq!(v.at, "2026-11-25 10:00", "shown in the county's time");
        assert_eq!(v.action, "调整期限");
        let fields: Vec<_> = v
            .changes
            .iter()
            .map(|c| (c.field.as_str(), c.before.as_str(), c.after.as_str()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("完成期限", "2026-11-10", "2026-11-20"),
                ("期限调整原因", "—", "省厅退件")
            ]
        );
    }

    #[test]
    fn units_are_named_not_coded() {
        let names: UnitNames = [("zrzyj".to_string(), "县自然资源局".to_string())].into();
        let zh = Lang::Zh.catalog();
        assert_eq!(show("responsible_unit", &json!("zrzyj"), zh, &names), "县自然资源局");
        assert_eq!(
            show("member_units", &json!(["zrzyj", "gone"]), zh, &names),
            "县自然资源局、gone"
        );
        assert_eq!(show("title", &json!("zrzyj"), zh, &names), "zrzyj", "only unit fields");
    }

    #[test]
    fn yes_and_no_are_words_in_the_readers_language() {
        let (zh, en) = (Lang::Zh.catalog(), Lang::En.catalog());
        assert_eq!(show("note_for_investor", &json!(true), zh, &UnitNames::new()), "是");
        assert_eq!(show("note_for_investor", &json!(false), zh, &UnitNames::new()), "否");
        assert_eq!(show("note_for_investor", &json!(true), en, &UnitNames::new()), "yes");
    }

    #[test]
    fn a_creation_lists_its_values_without_empty_ones() {
        let e = entry(None, Some(json!({"state": "open", "note": null, "stage": "filed"})));
        let v = HistoryView::new(&e, Lang::Zh.catalog(), chrono_tz::Asia::Shanghai, &UnitNames::new());
        let afters: Vec<_> = v.changes.iter().map(|c| c.after.as_str()).collect();
        assert_eq!(afters, vec!["备案", "未完成"]);
    }

    #[test]
    fn a_submission_reads_as_awaiting_verification() {
        let e = entry(Some(json!({"state": "open"})), Some(json!({"state": "submitted"})));
        let v = HistoryView::new(&e, Lang::Zh.catalog(), chrono_tz::Asia::Shanghai, &UnitNames::new());
        assert_eq!(
            (v.changes[0].before.as_str(), v.changes[0].after.as_str()),
            ("未完成", "待核验")
        );
    }
}
