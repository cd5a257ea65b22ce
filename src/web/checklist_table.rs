//! A checklist as a table for its spreadsheet downloads: the columns an import reads back and,
//! for people, its state and colour (pages and the API alike).

use super::spreadsheet::{Out, Table};
use crate::db::items::Item;
use crate::db::settings::Settings;
use crate::domain::status;
use crate::i18n::Catalog;

/// A checklist as a table: the columns an import reads back (事项, 责任单位, 完成期限, 类别, 备注)
/// and, for people, its state and colour. `project` adds the project's name (a unit's queue).
pub fn checklist_table(
    title: &str,
    list: &[Item],
    t: &Catalog,
    settings: &Settings,
    internal: bool,
    project: bool,
) -> Table {
    let mut columns: Vec<(String, f64)> = [
        (t.sheets.sheet_title, 36.0),
        (t.sheets.sheet_unit, 20.0),
        (t.sheets.sheet_deadline, 12.0),
        (t.sheets.sheet_category, 12.0),
        (t.sheets.sheet_state, 10.0),
        (t.sheets.sheet_colour, 8.0),
        (t.sheets.sheet_closed_on, 12.0),
        (t.sheets.sheet_note, 40.0),
    ]
    .map(|(h, w)| (h.to_string(), w))
    .to_vec();
    if project {
        columns.insert(0, (t.sheets.sheet_project.to_string(), 30.0));
    }
    let rows = list
        .iter()
        .map(|i| {
            let s = status::item_status(i.state, i.deadline, settings.today(), settings.thresholds());
            let note = if internal || i.note_for_investor {
                i.note.clone().unwrap_or_default()
            } else {
                String::new()
            };
            let mut row = vec![
                Out::Text(i.title.clone()),
                Out::Text(i.unit_name.clone()),
                Out::Date(Some(i.deadline)),
                Out::Text(t.category(&i.category).to_string()),
                Out::Text(t.phase(i.phase()).to_string()),
                Out::Colour(s.map(|s| s.colour), s.map_or("", |s| t.colour(s.colour)).to_string()),
                Out::Date(i.closed_on),
                Out::Text(note),
            ];
            if project {
                row.insert(0, Out::Text(i.project_name.clone()));
            }
            row
        })
        .collect();
    Table {
        title: title.to_string(),
        columns,
        rows,
    }
}
