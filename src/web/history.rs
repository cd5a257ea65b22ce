//! Audit entries as people read them: who did what when, and which fields changed from what to what.

use serde_json::Value;

use crate::db::projects::HistoryEntry;
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

impl HistoryView {
    pub fn new(e: &HistoryEntry, t: &Catalog, tz: chrono_tz::Tz) -> HistoryView {
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
                        before: show(key, old, t),
                        after: show(key, value, t),
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
fn show(key: &str, v: &Value, t: &Catalog) -> String {
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
                _ => None,
            };
            translated.map_or_else(|| s.clone(), str::to_string)
        }
        Value::Array(items) => items.iter().map(|i| show(key, i, t)).collect::<Vec<_>>().join("、"),
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
        let v = HistoryView::new(&e, Lang::Zh.catalog(), chrono_tz::Asia::Shanghai);
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
    fn yes_and_no_are_words_in_the_readers_language() {
        let (zh, en) = (Lang::Zh.catalog(), Lang::En.catalog());
        assert_eq!(show("note_for_investor", &json!(true), zh), "是");
        assert_eq!(show("note_for_investor", &json!(false), zh), "否");
        assert_eq!(show("note_for_investor", &json!(true), en), "yes");
    }

    #[test]
    fn a_creation_lists_its_values_without_empty_ones() {
        let e = entry(None, Some(json!({"state": "open", "note": null, "stage": "filed"})));
        let v = HistoryView::new(&e, Lang::Zh.catalog(), chrono_tz::Asia::Shanghai);
        let afters: Vec<_> = v.changes.iter().map(|c| c.after.as_str()).collect();
        assert_eq!(afters, vec!["备案", "未完成"]);
    }

    #[test]
    fn a_submission_reads_as_awaiting_verification() {
        let e = entry(Some(json!({"state": "open"})), Some(json!({"state": "submitted"})));
        let v = HistoryView::new(&e, Lang::Zh.catalog(), chrono_tz::Asia::Shanghai);
        assert_eq!(
            (v.changes[0].before.as_str(), v.changes[0].after.as_str()),
            ("未完成", "待核验")
        );
    }
}
