//! Checklists as the offices keep them in spreadsheets: which column is which (Chinese or English
//! headers), the date forms people type, and checking a whole sheet before anything is imported.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use super::checklist::{Category, TEXT_MAX, TITLE_MAX};
use super::input::{self, Problem};
use super::investment::{Plan, Wan};
use super::lifecycle::Stage;
use super::project::{ProjectDraft, ProjectFields};
use super::status::ItemState;

/// One cell as read from a CSV or XLSX file.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A cell Excel stores as a date.
    Date(NaiveDate),
    /// A formula whose value was never calculated (a file written by a script and not yet opened
    /// in Excel or WPS): it has nothing to read.
    Formula,
}

impl Cell {
    /// The cell as text people would read (whole numbers without ".0"; the `'` an export puts
    /// before text that a spreadsheet would take for a formula taken off again).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty | Cell::Formula => String::new(),
            Cell::Text(s) => {
                let s = s.trim();
                match s.strip_prefix('\'') {
                    Some(rest) if rest.starts_with(FORMULA_STARTS) => rest.to_string(),
                    _ => s.to_string(),
                }
            }
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.to_string(),
        }
    }
}

/// What a spreadsheet takes for the start of a formula (OWASP's list): text beginning with one of
/// these is exported with a `'` before it, so that opening the file runs nothing.
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Text as a spreadsheet cell may hold it safely: with a `'` before a formula's first character.
pub fn inert(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// A date as offices type it: 2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日; or an Excel date cell.
pub fn date(cell: &Cell) -> Result<NaiveDate, Problem> {
    let parsed = match cell {
        Cell::Empty | Cell::Formula => return Err(Problem::Required),
        Cell::Date(d) => *d,
        // A date cell that lost its format is its serial number (days since 1899-12-30).
        Cell::Number(n) if n.fract() == 0.0 && (1.0..=200_000.0).contains(n) => {
            excel_serial(*n as i64).ok_or(Problem::NotADate)?
        }
        Cell::Number(_) => return Err(Problem::NotADate),
        Cell::Text(s) => text_date(s)?,
    };
    if !(1990..=2200).contains(&parsed.year()) {
        return Err(Problem::NotADate);
    }
    Ok(parsed)
}

fn text_date(s: &str) -> Result<NaiveDate, Problem> {
    let s = s.trim();
    if s.is_empty() {
        return Err(Problem::Required);
    }
    let s = s.strip_suffix('日').unwrap_or(s);
    let parts: Vec<&str> = s.split(['-', '/', '.', '年', '月']).map(str::trim).collect();
    let [y, m, d] = parts[..] else {
        return Err(Problem::NotADate);
    };
    let number = |p: &str, max_len: usize| {
        if p.is_empty() || p.len() > max_len || !p.chars().all(|c| c.is_ascii_digit()) {
            None
        } else {
            p.parse::<u32>().ok()
        }
    };
    match (number(y, 4), number(m, 2), number(d, 2)) {
        (Some(y), Some(m), Some(d)) if y >= 1000 => NaiveDate::from_ymd_opt(y as i32, m, d).ok_or(Problem::NotADate),
        _ => Err(Problem::NotADate),
    }
}

/// The day an Excel serial number stands for (the 1900 date system, as every Excel on Windows).
pub fn excel_serial(days: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(chrono::Duration::days(days))
}

/// The columns a checklist sheet may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Title,
    Unit,
    Deadline,
    Note,
    Category,
    /// 状态: open, done or cancelled (an export's own column).
    State,
    /// 销号日期: when a done or cancelled item was closed.
    ClosedOn,
}

impl Column {
    /// The field name errors are reported under (as in the item form and the API).
    pub fn field(self) -> &'static str {
        match self {
            Column::Title => "title",
            Column::Unit => "responsible_unit",
            Column::Deadline => "deadline",
            Column::Note => "note",
            Column::Category => "category",
            Column::State => "state",
            Column::ClosedOn => "closed_on",
        }
    }
}

/// Which column a header names; headers in Chinese and English, with the usual variants.
pub fn column_of(header: &str) -> Option<Column> {
    let h: String = header
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    Some(match h.as_str() {
        "事项" | "具体事项" | "事项名称" | "推进事项" | "工作任务" | "任务" | "工作内容" | "重点任务" | "matter"
        | "item" | "title" | "task" => Column::Title,
        "责任单位" | "牵头单位" | "责任部门" | "牵头部门" | "unit" | "responsibleunit" | "responsible_unit" => {
            Column::Unit
        }
        "完成期限" | "完成时限" | "完成时间" | "时间节点" | "截止日期" | "截止时间" | "期限" | "时限" | "deadline"
        | "duedate" | "due" => Column::Deadline,
        "备注" | "note" | "notes" | "remark" | "remarks" => Column::Note,
        "类别" | "category" => Column::Category,
        "状态" | "办理状态" | "state" | "status" => Column::State,
        "销号日期" | "办结日期" | "closedon" | "closed_on" | "closed" => Column::ClosedOn,
        _ => return None,
    })
}

/// The state a sheet's 状态 column gives an item, in the words of the export (either language)
/// and those offices use; an empty cell is an open item, an unknown word `None`.
pub fn state_of(text: &str) -> Option<ItemState> {
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    Some(match t.as_str() {
        ""
        | "未完成"
        | "进行中"
        | "推进中"
        | "办理中"
        | "未开始"
        | "未销号"
        | "待核验"
        | "待验收"
        | "open"
        | "inprogress"
        | "awaitingverification"
        | "submitted" => ItemState::Open,
        "已销号" | "销号" | "已完成" | "完成" | "已办结" | "办结" | "done" | "closed" | "completed" => {
            ItemState::Done
        }
        "已取消" | "取消" | "已撤销" | "cancelled" | "canceled" => ItemState::Cancelled,
        _ => return None,
    })
}

/// A problem of an imported sheet: its row (as the spreadsheet numbers them, the header being
/// row 1), the field, what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    pub field: &'static str,
    pub problem: SheetProblem,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SheetProblem {
    /// A field's own problem (required, too long, not a date...).
    Field(Problem),
    /// The unit named is not one of the county's units.
    UnknownUnit(String),
    /// A required column is missing from the header row.
    MissingColumn,
    /// The sheet has a header but no item.
    NoRows,
    /// The file could not be read as CSV or XLSX.
    Unreadable,
    /// The file is past one of the bounds a read keeps to ([`LIMITS`]); nothing of it was used.
    TooLarge(Bound),
    /// The cell holds a formula whose value was never calculated.
    Formula,
    /// More items than one import may create (the county's setting).
    TooManyRows { found: usize, limit: usize },
}

/// What reading one spreadsheet file may cost at most. Each bound is checked before the work it
/// limits is done: a 1.7 KB workbook can declare a grid of 17 billion cells, and a zip part can
/// unpack to a thousand times its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SheetLimits {
    /// Rows read, counted from the top of the sheet (title lines and the header included).
    pub rows: u32,
    /// Columns read (A is 1).
    pub columns: u32,
    /// Cells holding a value, in the whole file.
    pub cells: usize,
    /// Cells of the grids a reader lays out (an XLS reader lays out every sheet from its first
    /// to its last row and column, empty cells included).
    pub grid: u64,
    /// Worksheets in the file.
    pub sheets: usize,
    /// Bytes one part of a workbook (or the workbook stream of an XLS file) may unpack to.
    pub part_bytes: u64,
    /// Bytes all parts of a workbook may unpack to together.
    pub total_bytes: u64,
    /// How many times its packed size a part larger than a megabyte may unpack to.
    pub ratio: u64,
    /// Parts (files) inside a workbook.
    pub parts: usize,
    /// Seconds of work.
    pub seconds: u64,
}

/// The bounds of every import, far above what an office's checklist or project sheet needs
/// (a few hundred rows, a dozen columns), far below what would hurt the server.
pub const LIMITS: SheetLimits = SheetLimits {
    rows: 10_000,
    columns: 100,
    cells: 300_000,
    grid: 2_000_000,
    sheets: 64,
    part_bytes: 64 << 20,
    total_bytes: 128 << 20,
    ratio: 200,
    parts: 1_000,
    seconds: 10,
};

/// Which bound a file is past, with what it has where that is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// A value (or the sheet's declared size) reaches row `found`.
    Rows {
        found: u64,
        limit: u32,
    },
    /// A value (or the sheet's declared size) reaches column `found`.
    Columns {
        found: u64,
        limit: u32,
    },
    Cells {
        limit: usize,
    },
    Grid {
        limit: u64,
    },
    Sheets {
        limit: usize,
    },
    /// A part, or all of them, would unpack to more than `limit_mb` megabytes.
    Unpacked {
        limit_mb: u64,
    },
    /// A part unpacks to more than `limit` times its packed size (a "zip bomb").
    Ratio {
        limit: u64,
    },
    Parts {
        limit: usize,
    },
    Time {
        seconds: u64,
    },
}

impl SheetLimits {
    /// Whether a cell at `row`, `column` (0-based, as files number them) may be read.
    pub fn cell_at(&self, row: u64, column: u64) -> Result<(), Bound> {
        if row >= u64::from(self.rows) {
            return Err(Bound::Rows {
                found: row + 1,
                limit: self.rows,
            });
        }
        if column >= u64::from(self.columns) {
            return Err(Bound::Columns {
                found: column + 1,
                limit: self.columns,
            });
        }
        Ok(())
    }

    /// Whether a part that packs `packed` bytes into `unpacked` may be unpacked, given `before`
    /// bytes already unpacked from the same file.
    pub fn part(&self, packed: u64, unpacked: u64, before: u64) -> Result<(), Bound> {
        if unpacked > self.part_bytes {
            return Err(Bound::Unpacked {
                limit_mb: self.part_bytes >> 20,
            });
        }
        if before.saturating_add(unpacked) > self.total_bytes {
            return Err(Bound::Unpacked {
                limit_mb: self.total_bytes >> 20,
            });
        }
        if unpacked > 1 << 20 && unpacked / packed.max(1) > self.ratio {
            return Err(Bound::Ratio { limit: self.ratio });
        }
        Ok(())
    }
}

/// An item of the sheet, checked: the unit resolved to its code.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SheetItem {
    pub row: usize,
    pub title: String,
    pub unit_code: String,
    pub deadline: NaiveDate,
    pub note: Option<String>,
    pub category: Category,
    /// Open unless the sheet's 状态 says done or cancelled.
    pub state: ItemState,
    /// When a closed item was closed, where the sheet says it.
    pub closed_on: Option<NaiveDate>,
}

impl SheetItem {
    /// An open item of a plan (a template's line, a line typed in a form).
    pub fn open(row: usize, title: String, unit_code: String, deadline: NaiveDate, category: Category) -> SheetItem {
        SheetItem {
            row,
            title,
            unit_code,
            deadline,
            note: None,
            category,
            state: ItemState::Open,
            closed_on: None,
        }
    }
}

/// The header row among a sheet's first ten: the one naming the most known columns (the first
/// of them on a tie), so a title line above it or a missing column is reported where it belongs.
fn header_row<C>(rows: &[Vec<Cell>], column_of: impl Fn(&str) -> Option<C>) -> usize {
    let named = |r: &Vec<Cell>| r.iter().filter(|c| column_of(&c.text()).is_some()).count();
    let best = rows.iter().take(10).enumerate().fold(
        (0, 0),
        |(at, most), (i, r)| if named(r) > most { (i, named(r)) } else { (at, most) },
    );
    if best.1 > 0 {
        best.0
    } else {
        rows.iter()
            .position(|r| r.iter().any(|c| !c.text().is_empty()))
            .unwrap_or(0)
    }
}

/// The problems of a row's cells that hold a formula without a value, in the order of the columns.
fn formulas<C: Copy>(
    row: &[Cell],
    columns: &HashMap<C, usize>,
    field: impl Fn(C) -> &'static str,
    line: usize,
) -> Vec<RowError> {
    let mut found: Vec<(usize, &'static str)> = columns
        .iter()
        .filter(|(_, i)| row.get(**i) == Some(&Cell::Formula))
        .map(|(c, i)| (*i, field(*c)))
        .collect();
    found.sort();
    found
        .into_iter()
        .map(|(_, field)| RowError {
            row: line,
            field,
            problem: SheetProblem::Formula,
        })
        .collect()
}

/// A row with nothing in it (sheets often end with some).
fn blank(row: &[Cell]) -> bool {
    row.iter().all(|c| *c != Cell::Formula && c.text().is_empty())
}

/// More rows holding something than `limit`: the one problem to report, before any other.
fn too_many(body: &[Vec<Cell>], header_at: usize, limit: usize) -> Option<RowError> {
    let found = body.iter().filter(|r| !blank(r)).count();
    (found > limit).then_some(RowError {
        row: header_at + 1,
        field: "file",
        problem: SheetProblem::TooManyRows { found, limit },
    })
}

/// Checks a whole sheet (its rows from the first; the header is found among the first ten):
/// every problem of every row, or every item.
/// `units` maps both unit names and codes to codes; `category_of` reads a category label or code.
pub fn checklist(
    rows: &[Vec<Cell>],
    units: &HashMap<String, String>,
    category_of: impl Fn(&str) -> Option<Category>,
    max_rows: usize,
) -> Result<Vec<SheetItem>, Vec<RowError>> {
    let error = |row, field, problem| RowError { row, field, problem };
    // Office sheets often open with a title line: the header is the row naming the columns.
    let header_at = header_row(rows, column_of);
    let Some((header, body)) = rows[header_at.min(rows.len())..].split_first() else {
        return Err(vec![error(1, "file", SheetProblem::NoRows)]);
    };
    let mut columns: HashMap<Column, usize> = HashMap::new();
    for (i, cell) in header.iter().enumerate() {
        if let Some(c) = column_of(&cell.text()) {
            columns.entry(c).or_insert(i);
        }
    }
    let missing: Vec<RowError> = [Column::Title, Column::Unit, Column::Deadline]
        .into_iter()
        .filter(|c| !columns.contains_key(c))
        .map(|c| error(header_at + 1, c.field(), SheetProblem::MissingColumn))
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    if let Some(e) = too_many(body, header_at, max_rows) {
        return Err(vec![e]);
    }
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for (n, row) in body.iter().enumerate() {
        let line = header_at + n + 2;
        if blank(row) {
            continue;
        }
        let unread = formulas(row, &columns, Column::field, line);
        if !unread.is_empty() {
            errors.extend(unread);
            continue;
        }
        let get = |c: Column| {
            columns
                .get(&c)
                .and_then(|i| row.get(*i))
                .cloned()
                .unwrap_or(Cell::Empty)
        };
        let title = input::required_text(&get(Column::Title).text(), TITLE_MAX)
            .map_err(|p| errors.push(error(line, "title", SheetProblem::Field(p))))
            .ok();
        let unit_text = get(Column::Unit).text();
        let unit = if unit_text.is_empty() {
            errors.push(error(line, "responsible_unit", SheetProblem::Field(Problem::Required)));
            None
        } else {
            let found = units.get(&unit_text).or_else(|| units.get(&unit_text.to_lowercase()));
            if found.is_none() {
                errors.push(error(line, "responsible_unit", SheetProblem::UnknownUnit(unit_text)));
            }
            found.cloned()
        };
        let deadline = date(&get(Column::Deadline))
            .map_err(|p| errors.push(error(line, "deadline", SheetProblem::Field(p))))
            .ok();
        let note = input::optional_text(&get(Column::Note).text(), TEXT_MAX)
            .map_err(|p| errors.push(error(line, "note", SheetProblem::Field(p))))
            .ok();
        let category_text = get(Column::Category).text();
        let category = if category_text.is_empty() {
            Some(Category::Other)
        } else {
            let c = category_of(&category_text);
            if c.is_none() {
                errors.push(error(line, "category", SheetProblem::Field(Problem::UnknownChoice)));
            }
            c
        };
        let state = state_of(&get(Column::State).text());
        if state.is_none() {
            errors.push(error(line, "state", SheetProblem::Field(Problem::UnknownChoice)));
        }
        // A closed item's day, where the sheet gives one; an open item has none.
        let closed_on = match (state, get(Column::ClosedOn)) {
            (Some(ItemState::Open) | None, _) => Ok(None),
            (_, cell) if cell.text().is_empty() => Ok(None),
            (_, cell) => date(&cell).map(Some),
        }
        .map_err(|p| errors.push(error(line, "closed_on", SheetProblem::Field(p))))
        .ok();
        if let (
            Some(title),
            Some(unit_code),
            Some(deadline),
            Some(note),
            Some(category),
            Some(state),
            Some(closed_on),
        ) = (title, unit, deadline, note, category, state, closed_on)
        {
            items.push(SheetItem {
                row: line,
                title,
                unit_code,
                deadline,
                note,
                category,
                state,
                closed_on,
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if items.is_empty() {
        return Err(vec![error(header_at + 2, "file", SheetProblem::NoRows)]);
    }
    Ok(items)
}

/// The columns of a projects sheet (one project with its task force per row).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProjectColumn {
    Name,
    Company,
    Code,
    Park,
    Industry,
    Investment,
    Stage,
    Leader,
    LeadUnit,
    Members,
    Description,
    /// 年度计划投资 (万元) of the year imported into.
    AnnualPlan,
    /// 计划开工 (the month, 1–12, of that year).
    StartMonth,
}

impl ProjectColumn {
    pub const ALL: [ProjectColumn; 13] = [
        ProjectColumn::Name,
        ProjectColumn::Company,
        ProjectColumn::Code,
        ProjectColumn::Park,
        ProjectColumn::Industry,
        ProjectColumn::Investment,
        ProjectColumn::Stage,
        ProjectColumn::Leader,
        ProjectColumn::LeadUnit,
        ProjectColumn::Members,
        ProjectColumn::Description,
        ProjectColumn::AnnualPlan,
        ProjectColumn::StartMonth,
    ];

    /// The field name errors are reported under (as in the project form).
    pub fn field(self) -> &'static str {
        match self {
            ProjectColumn::Name => "name",
            ProjectColumn::Company => "company",
            ProjectColumn::Code => "investment_code",
            ProjectColumn::Park => "park",
            ProjectColumn::Industry => "industry",
            ProjectColumn::Investment => "total_investment",
            ProjectColumn::Stage => "stage",
            ProjectColumn::Leader => "leader_name",
            ProjectColumn::LeadUnit => "lead_unit",
            ProjectColumn::Members => "member_units",
            ProjectColumn::Description => "description",
            ProjectColumn::AnnualPlan => "annual_investment",
            ProjectColumn::StartMonth => "planned_start_month",
        }
    }
}

/// Which column of a projects sheet a header names, in Chinese or English (or the field name).
pub fn project_column_of(header: &str) -> Option<ProjectColumn> {
    let h: String = header
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    if let Some(c) = ProjectColumn::ALL.into_iter().find(|c| c.field() == h) {
        return Some(c);
    }
    Some(match h.as_str() {
        "项目名称" | "项目" | "project" => ProjectColumn::Name,
        "企业" | "企业名称" | "项目单位" => ProjectColumn::Company,
        "项目代码" | "code" => ProjectColumn::Code,
        "园区" => ProjectColumn::Park,
        "行业" => ProjectColumn::Industry,
        "总投资（万元）" | "总投资(万元)" | "总投资" | "investment" => ProjectColumn::Investment,
        "阶段" => ProjectColumn::Stage,
        "组长" | "leader" => ProjectColumn::Leader,
        "牵头单位" | "leadunit" => ProjectColumn::LeadUnit,
        "成员单位" | "要素保障部门" | "members" | "memberunits" => ProjectColumn::Members,
        "简介" | "建设内容及规模" | "建设内容" => ProjectColumn::Description,
        "年度计划投资（万元）" | "年度计划投资(万元)" | "年度计划投资" | "本年计划投资" | "annualplan" => {
            ProjectColumn::AnnualPlan
        }
        "计划开工月份" | "计划开工时间" | "计划开工" | "startmonth" => ProjectColumn::StartMonth,
        _ => return None,
    })
}

/// A month of the year construction is planned to start in: "3", "3月", "2026-03", a date of it.
fn start_month(text: &str, year: i32) -> Result<Option<u32>, Problem> {
    let t = text.trim().trim_end_matches('月');
    if t.is_empty() {
        return Ok(None);
    }
    if let Ok(m) = t.parse::<u32>() {
        return if (1..=12).contains(&m) {
            Ok(Some(m))
        } else {
            Err(Problem::OutOfRange(1, 12))
        };
    }
    let day = NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d"))
        .map_err(|_| Problem::NotADate)?;
    if day.year() == year {
        Ok(Some(day.month()))
    } else {
        Err(Problem::OutOfRange(1, 12))
    }
}

/// A row's investment plan for `year`, when its plan column has an amount.
fn row_plan(annual: &str, start: &str, year: i32, line: usize, errors: &mut Vec<RowError>) -> Option<(i32, Plan)> {
    let error = |field, p| RowError {
        row: line,
        field,
        problem: SheetProblem::Field(p),
    };
    let start = start_month(start, year)
        .map_err(|p| errors.push(error("planned_start_month", p)))
        .ok()?;
    if annual.trim().is_empty() {
        return None;
    }
    let annual = Wan::parse(annual)
        .map_err(|p| errors.push(error("annual_investment", p)))
        .ok()?;
    Some((
        year,
        Plan {
            annual,
            monthly: None,
            planned_start_month: start,
        },
    ))
}

/// Checks a whole projects sheet: every problem of every row, or every project with its row.
/// Units may be named or given by code; several member units are separated by 、 , ; or /. A
/// year plan column gives each project its plan of `year`.
pub fn projects(
    rows: &[Vec<Cell>],
    units: &HashMap<String, String>,
    stage_of: impl Fn(&str) -> Option<Stage>,
    max_rows: usize,
    year: i32,
) -> Result<Vec<(usize, ProjectDraft)>, Vec<RowError>> {
    let error = |row, field, problem| RowError { row, field, problem };
    let header_at = header_row(rows, project_column_of);
    let Some((header, body)) = rows[header_at.min(rows.len())..].split_first() else {
        return Err(vec![error(1, "file", SheetProblem::NoRows)]);
    };
    let mut columns: HashMap<ProjectColumn, usize> = HashMap::new();
    for (i, cell) in header.iter().enumerate() {
        if let Some(c) = project_column_of(&cell.text()) {
            columns.entry(c).or_insert(i);
        }
    }
    let missing: Vec<RowError> = [ProjectColumn::Name, ProjectColumn::Company, ProjectColumn::LeadUnit]
        .into_iter()
        .filter(|c| !columns.contains_key(c))
        .map(|c| error(header_at + 1, c.field(), SheetProblem::MissingColumn))
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    if let Some(e) = too_many(body, header_at, max_rows) {
        return Err(vec![e]);
    }
    let unit = |name: &str| units.get(name).or_else(|| units.get(&name.to_lowercase())).cloned();
    let mut drafts: Vec<(usize, ProjectDraft)> = Vec::new();
    let mut errors = Vec::new();
    for (n, row) in body.iter().enumerate() {
        let line = header_at + n + 2;
        if blank(row) {
            continue;
        }
        let unread = formulas(row, &columns, ProjectColumn::field, line);
        if !unread.is_empty() {
            errors.extend(unread);
            continue;
        }
        let get = |c: ProjectColumn| {
            columns
                .get(&c)
                .and_then(|i| row.get(*i))
                .map(Cell::text)
                .unwrap_or_default()
        };
        let lead_text = get(ProjectColumn::LeadUnit);
        // An unknown unit is reported by name; the rest of the row is still checked.
        let lead_unit = unit(&lead_text).unwrap_or_else(|| {
            if !lead_text.is_empty() {
                errors.push(error(line, "lead_unit", SheetProblem::UnknownUnit(lead_text.clone())));
            }
            lead_text.clone()
        });
        let mut member_units = Vec::new();
        for name in get(ProjectColumn::Members)
            .split(['、', ',', '，', ';', '；', '/', '\n'])
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            match unit(name) {
                Some(code) => member_units.push(code),
                None => errors.push(error(line, "member_units", SheetProblem::UnknownUnit(name.to_string()))),
            }
        }
        let stage_text = get(ProjectColumn::Stage);
        let fields = ProjectFields {
            name: get(ProjectColumn::Name),
            company: get(ProjectColumn::Company),
            park: get(ProjectColumn::Park),
            industry: get(ProjectColumn::Industry),
            investment_code: get(ProjectColumn::Code),
            total_investment: get(ProjectColumn::Investment),
            stage: stage_of(&stage_text).map_or(stage_text, |s| s.as_str().to_string()),
            description: get(ProjectColumn::Description),
            leader_name: get(ProjectColumn::Leader),
            lead_unit,
            member_units,
            planned: Default::default(),
        };
        let plan = row_plan(
            &get(ProjectColumn::AnnualPlan),
            &get(ProjectColumn::StartMonth),
            year,
            line,
            &mut errors,
        );
        match ProjectDraft::parse(&fields) {
            Ok(mut draft) => {
                draft.plan = plan;
                if drafts.iter().any(|(_, d)| d.name == draft.name) {
                    errors.push(error(line, "name", SheetProblem::Field(Problem::TakenName)));
                }
                if draft.investment_code.is_some()
                    && drafts.iter().any(|(_, d)| d.investment_code == draft.investment_code)
                {
                    errors.push(error(line, "investment_code", SheetProblem::Field(Problem::TakenName)));
                }
                drafts.push((line, draft));
            }
            Err(e) => errors.extend(e.0.into_iter().map(|(f, p)| error(line, f, SheetProblem::Field(p)))),
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(errors);
    }
    if drafts.is_empty() {
        return Err(vec![error(header_at + 2, "file", SheetProblem::NoRows)]);
    }
    Ok(drafts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_cell_is_read_up_to_the_last_row_and_column_and_not_beyond() {
        let l = LIMITS;
        assert_eq!(l.cell_at(0, 0), Ok(()));
        assert_eq!(l.cell_at(u64::from(l.rows) - 1, u64::from(l.columns) - 1), Ok(()));
        assert_eq!(
            l.cell_at(u64::from(l.rows), 0),
            Err(Bound::Rows {
                found: u64::from(l.rows) + 1,
                limit: l.rows
            })
        );
        // XFD1048576, the last cell Excel has.
        assert_eq!(
            l.cell_at(0, 16_383),
            Err(Bound::Columns {
                found: 16_384,
                limit: l.columns
            })
        );
        assert!(l.cell_at(1_048_575, 16_383).is_err());
    }

    #[test]
    fn a_part_is_unpacked_within_its_size_the_files_total_and_a_sane_ratio() {
        let l = LIMITS;
        assert_eq!(
            l.part(l.part_bytes / 200, l.part_bytes, 0),
            Ok(()),
            "a big part at the ratio"
        );
        assert_eq!(
            l.part(10, 1 << 20, 0),
            Ok(()),
            "small parts may pack as well as they like"
        );
        assert_eq!(l.part(1_000, (1 << 20) + 1, 0), Err(Bound::Ratio { limit: l.ratio }));
        assert_eq!(l.part(l.part_bytes, l.part_bytes, 0), Ok(()));
        assert_eq!(
            l.part(l.part_bytes, l.part_bytes + 1, 0),
            Err(Bound::Unpacked { limit_mb: 64 })
        );
        assert_eq!(
            l.part(l.part_bytes, l.part_bytes, l.total_bytes - l.part_bytes + 1),
            Err(Bound::Unpacked { limit_mb: 128 })
        );
    }

    #[test]
    fn dates_come_in_every_form_offices_type() {
        for typed in [
            "2026-03-01",
            "2026/3/1",
            "2026年3月1日",
            "2026年03月01日",
            "2026.3.1",
            " 2026-3-1 ",
        ] {
            assert_eq!(date(&t(typed)), Ok(d("2026-03-01")), "{typed}");
        }
        assert_eq!(date(&Cell::Date(d("2026-03-01"))), Ok(d("2026-03-01")));
        assert_eq!(date(&Cell::Number(46082.0)), Ok(d("2026-03-01")), "an Excel serial");
    }

    #[test]
    fn what_is_not_a_real_date_is_refused() {
        for typed in ["2026-02-30", "3/1/2026", "明年三月", "2026-03", "26-3-1", "0999-01-01"] {
            assert_eq!(date(&t(typed)), Err(Problem::NotADate), "{typed}");
        }
        assert_eq!(date(&Cell::Empty), Err(Problem::Required));
        assert_eq!(date(&t("  ")), Err(Problem::Required));
        assert_eq!(date(&Cell::Number(1.5)), Err(Problem::NotADate));
        assert_eq!(date(&Cell::Number(1.0)), Err(Problem::NotADate), "1899 is out of range");
    }

    #[test]
    fn headers_are_read_in_chinese_and_english() {
        assert_eq!(column_of("事项"), Some(Column::Title));
        assert_eq!(column_of("\u{feff}具体事项"), Some(Column::Title));
        assert_eq!(column_of(" Responsible unit "), Some(Column::Unit));
        assert_eq!(column_of("完成期限"), Some(Column::Deadline));
        assert_eq!(column_of("Deadline"), Some(Column::Deadline));
        assert_eq!(column_of("备注"), Some(Column::Note));
        assert_eq!(column_of("状态"), Some(Column::State));
        assert_eq!(column_of("序号"), None, "a row number is no column of the item");
    }

    fn units() -> HashMap<String, String> {
        [
            ("县自然资源局", "zrzyj"),
            ("zrzyj", "zrzyj"),
            ("县发改委", "fgw"),
            ("fgw", "fgw"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn check(rows: Vec<Vec<Cell>>) -> Result<Vec<SheetItem>, Vec<RowError>> {
        checklist(&rows, &units(), Category::parse, 100)
    }

    #[test]
    fn a_good_sheet_gives_its_items_with_their_row_numbers() {
        let items = check(vec![
            vec![t("序号"), t("事项"), t("责任单位"), t("完成期限"), t("备注")],
            vec![t("1"), t("用地预审"), t("县自然资源局"), t("2026/3/1"), Cell::Empty],
            vec![Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty],
            vec![t("2"), t("能评"), t("fgw"), Cell::Date(d("2026-04-01")), t("省厅审批")],
        ])
        .unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!((items[0].row, items[0].unit_code.as_str()), (2, "zrzyj"));
        assert_eq!(items[0].category, Category::Other);
        assert_eq!(items[1].row, 4, "blank lines keep the numbering");
        assert_eq!(items[1].note.as_deref(), Some("省厅审批"));
    }

    #[test]
    fn every_bad_row_is_reported_and_nothing_is_returned() {
        let errors = check(vec![
            vec![t("matter"), t("unit"), t("deadline"), t("category")],
            vec![t("用地预审"), t("县国土局"), t("2026-03-01"), Cell::Empty],
            vec![t(""), t("zrzyj"), t("2026-02-30"), t("weather")],
            vec![t("能评"), t("fgw"), t("2026-05-01"), t("environment_energy")],
        ])
        .unwrap_err();
        let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.field)).collect();
        assert_eq!(
            found,
            vec![(2, "responsible_unit"), (3, "title"), (3, "deadline"), (3, "category")]
        );
        assert_eq!(errors[0].problem, SheetProblem::UnknownUnit("县国土局".into()));
        assert_eq!(errors[1].problem, SheetProblem::Field(Problem::Required));
    }

    #[test]
    fn missing_columns_and_empty_sheets_are_reported() {
        let errors = check(vec![vec![t("事项"), t("备注")]]).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["responsible_unit", "deadline"]);
        assert!(
            errors
                .iter()
                .all(|e| e.problem == SheetProblem::MissingColumn && e.row == 1)
        );
        let errors = check(vec![vec![t("事项"), t("责任单位"), t("完成期限")]]).unwrap_err();
        assert_eq!(errors[0].problem, SheetProblem::NoRows);
        assert_eq!(check(vec![]).unwrap_err()[0].problem, SheetProblem::NoRows);
    }

    #[test]
    fn a_title_line_above_the_header_is_skipped_and_rows_keep_the_sheets_numbers() {
        let items = check(vec![
            vec![t("祺祥新能源项目推进清单"), Cell::Empty, Cell::Empty],
            vec![t("事项"), t("责任单位"), t("完成期限")],
            vec![t("用地预审"), t("zrzyj"), t("2026-03-01")],
        ])
        .unwrap();
        assert_eq!(items[0].row, 3);
        let errors = check(vec![
            vec![t("清单")],
            vec![t("事项"), t("责任单位"), t("完成期限")],
            vec![t("用地预审"), t("nope"), t("2026-03-01")],
        ])
        .unwrap_err();
        assert_eq!(errors[0].row, 3);
    }

    #[test]
    fn too_long_text_is_named() {
        let errors = check(vec![
            vec![t("事项"), t("责任单位"), t("完成期限")],
            vec![t(&"事".repeat(TITLE_MAX + 1)), t("zrzyj"), t("2026-03-01")],
        ])
        .unwrap_err();
        assert_eq!(errors[0].problem, SheetProblem::Field(Problem::TooLong(TITLE_MAX)));
    }

    fn stage(s: &str) -> Option<Stage> {
        Stage::parse(s).or((s == "签约").then_some(Stage::Signed))
    }

    #[test]
    fn a_projects_sheet_brings_each_projects_year_plan_and_planned_start() {
        let header = vec![
            t("项目名称"),
            t("企业"),
            t("牵头单位"),
            t("年度计划投资（万元）"),
            t("计划开工"),
        ];
        let rows = vec![
            header.clone(),
            vec![t("甲项目"), t("甲公司"), t("fgw"), Cell::Number(1200.5), t("3月")],
            vec![t("乙项目"), t("乙公司"), t("fgw"), Cell::Empty, Cell::Empty],
            vec![t("丙项目"), t("丙公司"), t("fgw"), t("800"), t("2026-07-15")],
        ];
        let drafts = projects(&rows, &units(), stage, 100, 2026).unwrap();
        let plans: Vec<Option<(i32, Wan, Option<u32>)>> = drafts
            .iter()
            .map(|(_, d)| d.plan.as_ref().map(|(y, p)| (*y, p.annual, p.planned_start_month)))
            .collect();
        assert_eq!(
            plans,
            vec![
                Some((2026, Wan::from_hundredths(120_050), Some(3))),
                None,
                Some((2026, Wan::whole(800), Some(7)))
            ]
        );
        let bad = vec![
            header,
            vec![t("丁项目"), t("丁公司"), t("fgw"), t("-5"), t("13")],
            vec![t("戊项目"), t("戊公司"), t("fgw"), t("10"), t("2025-03")],
        ];
        let errors = projects(&bad, &units(), stage, 100, 2026).unwrap_err();
        let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.field)).collect();
        assert_eq!(found, vec![(2, "planned_start_month"), (3, "planned_start_month")]);
        let wrong_amount = vec![
            vec![t("项目名称"), t("企业"), t("牵头单位"), t("年度计划投资")],
            vec![t("己项目"), t("己公司"), t("fgw"), t("很多")],
        ];
        let errors = projects(&wrong_amount, &units(), stage, 100, 2026).unwrap_err();
        assert_eq!(errors[0].field, "annual_investment");
        assert_eq!(errors[0].problem, SheetProblem::Field(Problem::NotAnAmount));
    }

    #[test]
    fn a_projects_sheet_gives_drafts_with_their_task_forces() {
        let rows = vec![
            vec![
                t("项目名称"),
                t("企业"),
                t("项目代码"),
                t("阶段"),
                t("牵头单位"),
                t("成员单位"),
                t("总投资（万元）"),
            ],
            vec![
                t("锂电新材料项目"),
                t("某公司"),
                t("2026-360725-30-03-000123"),
                t("签约"),
                t("县发改委"),
                t("县自然资源局、fgw"),
                Cell::Number(35000.0),
            ],
        ];
        let drafts = projects(&rows, &units(), stage, 100, 2026).unwrap();
        let (row, d) = &drafts[0];
        assert_eq!(*row, 2);
        assert_eq!((d.lead_unit.as_str(), d.stage), ("fgw", Stage::Signed));
        assert_eq!(d.member_units, vec!["fgw".to_string(), "zrzyj".to_string()]);
        assert_eq!(d.total_investment_wan, Some(35000));
    }

    #[test]
    fn every_bad_project_row_is_reported() {
        let rows = vec![
            vec![
                t("name"),
                t("company"),
                t("lead_unit"),
                t("member_units"),
                t("investment_code"),
            ],
            vec![t("甲项目"), t(""), t("县国土局"), Cell::Empty, Cell::Empty],
            vec![t("乙项目"), t("乙公司"), t("fgw"), t("县水务局"), t("2026-1")],
            vec![t("丙项目"), t("丙公司"), t("fgw"), Cell::Empty, Cell::Empty],
            vec![t("丙项目"), t("丙公司"), t("fgw"), Cell::Empty, Cell::Empty],
        ];
        let errors = projects(&rows, &units(), stage, 100, 2026).unwrap_err();
        let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.field)).collect();
        assert_eq!(
            found,
            vec![
                (2, "lead_unit"),
                (2, "company"),
                (3, "member_units"),
                (3, "investment_code"),
                (5, "name")
            ]
        );
        let errors = projects(&[vec![t("项目名称")]], &units(), stage, 100, 2026).unwrap_err();
        assert_eq!(errors.len(), 2, "company and lead unit columns are missing");
    }

    #[test]
    fn the_offices_own_header_names_are_read() {
        for (header, column) in [
            ("工作任务", Column::Title),
            ("任务", Column::Title),
            ("重点任务", Column::Title),
            ("责任部门", Column::Unit),
            ("牵头部门", Column::Unit),
            ("完成时间", Column::Deadline),
            ("时间节点", Column::Deadline),
            ("截止日期", Column::Deadline),
            ("截止 时间", Column::Deadline),
            ("办理状态", Column::State),
            ("销号日期", Column::ClosedOn),
            ("办结日期", Column::ClosedOn),
        ] {
            assert_eq!(column_of(header), Some(column), "{header}");
        }
        for ignored in ["序号", "编号", "进展情况", "颜色"] {
            assert_eq!(column_of(ignored), None, "{ignored}");
        }
        let items = check(vec![
            vec![t("序号"), t("工作任务"), t("责任部门"), t("完成时间")],
            vec![t("1"), t("用地预审"), t("县自然资源局"), t("2026/3/1")],
        ])
        .unwrap();
        assert_eq!(
            (items[0].title.as_str(), items[0].deadline),
            ("用地预审", d("2026-03-01"))
        );
    }

    #[test]
    fn a_missing_column_is_reported_on_the_header_row_below_a_title_line() {
        let errors = check(vec![
            vec![t("2026年重点项目推进清单"), Cell::Empty, Cell::Empty],
            vec![t("序号"), t("内容"), t("责任单位"), t("完成期限")],
            vec![t("1"), t("用地预审"), t("zrzyj"), t("2026-03-01")],
        ])
        .unwrap_err();
        assert_eq!(
            errors,
            vec![RowError {
                row: 2,
                field: "title",
                problem: SheetProblem::MissingColumn
            }]
        );
    }

    #[test]
    fn states_come_in_the_exports_words_and_the_offices() {
        for (word, state) in [
            ("", ItemState::Open),
            ("未完成", ItemState::Open),
            ("待核验", ItemState::Open),
            ("进行中", ItemState::Open),
            ("已销号", ItemState::Done),
            ("已完成", ItemState::Done),
            ("Done", ItemState::Done),
            ("已取消", ItemState::Cancelled),
            ("Cancelled", ItemState::Cancelled),
            ("Awaiting verification", ItemState::Open),
        ] {
            assert_eq!(state_of(word), Some(state), "{word}");
        }
        assert_eq!(state_of("暂缓"), None);
    }

    #[test]
    fn closed_items_keep_their_state_and_day_and_a_bad_state_is_named() {
        let header = vec![t("事项"), t("责任单位"), t("完成期限"), t("状态"), t("销号日期")];
        let items = check(vec![
            header.clone(),
            vec![t("用地预审"), t("zrzyj"), t("2026-03-01"), t("已销号"), t("2026-02-27")],
            vec![t("能评"), t("fgw"), t("2026-03-01"), t("已取消"), Cell::Empty],
            vec![t("环评"), t("fgw"), t("2026-03-01"), t("未完成"), t("2026-02-27")],
        ])
        .unwrap();
        let got: Vec<(ItemState, Option<NaiveDate>)> = items.iter().map(|i| (i.state, i.closed_on)).collect();
        assert_eq!(
            got,
            [
                (ItemState::Done, Some(d("2026-02-27"))),
                (ItemState::Cancelled, None),
                (ItemState::Open, None)
            ],
            "an open item has no closing day"
        );
        let errors = check(vec![
            header,
            vec![t("用地预审"), t("zrzyj"), t("2026-03-01"), t("暂缓"), Cell::Empty],
            vec![t("能评"), t("fgw"), t("2026-03-01"), t("已销号"), t("昨天")],
        ])
        .unwrap_err();
        let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.field)).collect();
        assert_eq!(found, [(2, "state"), (3, "closed_on")]);
    }

    #[test]
    fn a_formula_without_a_value_is_named_as_such_not_as_missing() {
        let errors = check(vec![
            vec![t("事项"), t("责任单位"), t("完成期限")],
            vec![t("用地预审"), t("zrzyj"), Cell::Formula],
            vec![Cell::Formula, Cell::Formula, t("2026-03-01")],
        ])
        .unwrap_err();
        let found: Vec<(usize, &str, &SheetProblem)> = errors.iter().map(|e| (e.row, e.field, &e.problem)).collect();
        assert_eq!(
            found,
            [
                (2, "deadline", &SheetProblem::Formula),
                (3, "title", &SheetProblem::Formula),
                (3, "responsible_unit", &SheetProblem::Formula)
            ]
        );
    }

    #[test]
    fn a_sheet_up_to_the_row_limit_is_checked_one_more_row_is_refused_at_once() {
        let row = |n: usize| vec![t(&format!("事项{n}")), t("zrzyj"), t("2026-03-01")];
        let sheet = |rows: usize| {
            std::iter::once(vec![t("事项"), t("责任单位"), t("完成期限")])
                .chain((0..rows).map(row))
                .chain(std::iter::once(vec![Cell::Empty, t(" ")]))
                .collect::<Vec<_>>()
        };
        assert_eq!(checklist(&sheet(3), &units(), Category::parse, 3).unwrap().len(), 3);
        assert_eq!(
            checklist(&sheet(4), &units(), Category::parse, 3).unwrap_err(),
            vec![RowError {
                row: 1,
                field: "file",
                problem: SheetProblem::TooManyRows { found: 4, limit: 3 }
            }],
            "blank lines do not count"
        );
    }

    #[test]
    fn text_a_spreadsheet_would_run_gets_a_quote_and_loses_it_when_read_back() {
        for risky in ["=1+1", "+86 123", "-5", "@SUM(A1)", "\tx", "\rx"] {
            let safe = inert(risky);
            assert_eq!(safe, format!("'{risky}"), "{risky:?}");
            // Read back (cells are trimmed, so tab and CR lead only inside text).
            if !risky.starts_with(['\t', '\r']) {
                assert_eq!(Cell::Text(safe.into_owned()).text(), risky);
            }
        }
        assert_eq!(inert("用地预审"), "用地预审");
        assert_eq!(Cell::Text("'引号开头".into()).text(), "'引号开头", "other quotes stay");
    }
}
