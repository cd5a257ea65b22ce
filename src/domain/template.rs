//! Checklist templates (清单模板): the usual matters of a kind of project, each with its responsible
//! unit, category and deadline as days after the project's start.

use chrono::NaiveDate;

use super::checklist::{Category, TITLE_MAX};
use super::input::{self, FieldErrors, Problem};

pub const NAME_MAX: usize = 100;
pub const DESCRIPTION_MAX: usize = 2000;
/// Ten years: anything later is a typing slip.
pub const OFFSET_MAX: i64 = 3650;

/// One line of the template form, as typed.
#[derive(Clone, Debug, Default)]
pub struct LineFields {
    pub title: String,
    pub unit: String,
    pub category: String,
    pub offset_days: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateLine {
    pub title: String,
    pub unit_code: String,
    pub category: Category,
    pub offset_days: i32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateDraft {
    pub name: String,
    pub description: Option<String>,
    pub lines: Vec<TemplateLine>,
}

/// Problems of a template form: of its own fields, and of its lines (by position from 1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TemplateErrors {
    pub fields: FieldErrors,
    pub lines: Vec<(usize, &'static str, Problem)>,
}

impl TemplateErrors {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.lines.is_empty()
    }
}

/// Checks a template form. Lines left blank are dropped (the form offers spare ones).
pub fn parse(name: &str, description: &str, lines: &[LineFields]) -> Result<TemplateDraft, TemplateErrors> {
    let mut e = TemplateErrors::default();
    let name = e.fields.check("name", input::required_text(name, NAME_MAX));
    let description = e
        .fields
        .check("description", input::optional_text(description, DESCRIPTION_MAX));
    let mut parsed = Vec::new();
    for (n, l) in lines.iter().enumerate() {
        let position = n + 1;
        if [&l.title, &l.unit, &l.offset_days].iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let mut line_error = |field, p| e.lines.push((position, field, p));
        let title = input::required_text(&l.title, TITLE_MAX).map_err(|p| line_error("title", p));
        let unit = input::required_text(&l.unit, 32).map_err(|p| line_error("responsible_unit", p));
        let category = if l.category.trim().is_empty() {
            Ok(Category::Other)
        } else {
            Category::parse(l.category.trim()).ok_or(Problem::UnknownChoice)
        }
        .map_err(|p| line_error("category", p));
        let offset = input::int_in_range(&l.offset_days, 0, OFFSET_MAX).map_err(|p| line_error("offset_days", p));
        if let (Ok(title), Ok(unit_code), Ok(category), Ok(offset)) = (title, unit, category, offset) {
            parsed.push(TemplateLine {
                title,
                unit_code,
                category,
                offset_days: offset as i32,
            });
        }
    }
    match (name, description) {
        (Some(name), Some(description)) if e.is_empty() => Ok(TemplateDraft {
            name,
            description,
            lines: parsed,
        }),
        _ => Err(e),
    }
}

/// A line's deadline for a project starting on `start`.
pub fn deadline(start: NaiveDate, offset_days: i32) -> NaiveDate {
    start + chrono::Duration::days(i64::from(offset_days))
}

/// A matter as compared between a template and a checklist: the same characters, whatever the
/// spaces (Chinese has none between words, so a space typed is never a difference) or letter case.
pub fn matter(title: &str) -> String {
    title.split_whitespace().collect::<String>().to_lowercase()
}

/// Which of a template's lines (their matters, in order) a checklist holding `listed` lacks: true
/// to add the line. A line repeating an earlier line's matter is not added twice.
pub fn missing<'a>(lines: impl IntoIterator<Item = &'a str>, listed: impl IntoIterator<Item = &'a str>) -> Vec<bool> {
    let mut seen: std::collections::HashSet<String> = listed.into_iter().map(matter).collect();
    lines.into_iter().map(|title| seen.insert(matter(title))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(title: &str, unit: &str, category: &str, offset: &str) -> LineFields {
        LineFields {
            title: title.into(),
            unit: unit.into(),
            category: category.into(),
            offset_days: offset.into(),
        }
    }

    #[test]
    fn blank_lines_are_dropped_and_the_rest_kept_in_order() {
        let d = parse(
            " 新建厂房（新供地） ",
            "",
            &[
                line("项目备案", "fgw", "planning_approval", "0"),
                line("", "", "other", ""),
                line("用地预审", "zrzyj", "", "30"),
            ],
        )
        .unwrap();
        assert_eq!(d.name, "新建厂房（新供地）");
        assert_eq!(d.lines.len(), 2);
        assert_eq!(d.lines[1].category, Category::Other);
        assert_eq!(d.lines[1].offset_days, 30);
    }

    #[test]
    fn every_bad_line_field_is_named_with_its_position() {
        let e = parse(
            "",
            "",
            &[
                line("项目备案", "", "planning_approval", "-1"),
                line("", "fgw", "weather", "3651"),
            ],
        )
        .unwrap_err();
        assert_eq!(e.fields.get("name"), Some(Problem::Required));
        assert_eq!(
            e.lines,
            vec![
                (1, "responsible_unit", Problem::Required),
                (1, "offset_days", Problem::OutOfRange(0, OFFSET_MAX)),
                (2, "title", Problem::Required),
                (2, "category", Problem::UnknownChoice),
                (2, "offset_days", Problem::OutOfRange(0, OFFSET_MAX)),
            ]
        );
    }

    #[test]
    fn deadlines_count_calendar_days_from_the_start() {
        let start = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(deadline(start, 0), start);
        assert_eq!(deadline(start, 31).to_string(), "2027-01-01");
        assert_eq!(deadline(start, 3650).to_string(), "2036-11-28");
    }

    #[test]
    fn a_template_adds_only_the_matters_the_checklist_lacks() {
        assert_eq!(matter("  办理 用地预审\t"), "办理用地预审");
        assert_eq!(matter("EIA  Approval"), matter("eia approval"));
        assert_ne!(matter("环评批复"), matter("环评批复（二期）"));
        let lines = ["办理用地预审", "环评 批复", "供电接入", "环评批复（二期）", "供电 接入"];
        let listed = ["环评批复", "消防验收"];
        assert_eq!(
            missing(lines, listed),
            vec![true, false, true, true, false],
            "环评 批复 is listed; its 二期 is another matter; 供电 接入 repeats 供电接入"
        );
        assert_eq!(missing(lines, []), vec![true, true, true, true, false]);
        assert!(missing([], listed).is_empty());
    }
}
