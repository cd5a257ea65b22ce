//! The month's statement up as an XLSX workbook in the usual layout, for the page and the API.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use super::error::{AppError, AppResult};
use super::spreadsheet::{XLSX_TYPE, for_print};
use crate::domain::evidence;
use crate::domain::investment::{Month, Statement};
use crate::domain::sheet::inert;
use crate::i18n::Catalog;

/// The statement's title: the county's name before it.
pub fn title(t: &Catalog, county: &str) -> String {
    format!("{county}{}", t.investment.statement_title)
}

/// A statement as a download.
pub fn xlsx_response(statement: &Statement, month: Month, t: &'static Catalog) -> AppResult<Response> {
    let bytes = workbook(statement, month, t).map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))?;
    let name = format!("{}-{month}.xlsx", title(t, &statement.county));
    Ok((
        [
            (header::CONTENT_TYPE, XLSX_TYPE.to_string()),
            (header::CONTENT_DISPOSITION, evidence::content_disposition(&name)),
        ],
        bytes,
    )
        .into_response())
}

/// The usual layout: a title row, the month and the opening sentence, the header, the county's
/// totals, one row per project; one A4 landscape page wide, the header repeated on every page.
fn workbook(s: &Statement, month: Month, t: &'static Catalog) -> Result<Vec<u8>, XlsxError> {
    const WIDTHS: [f64; 13] = [
        6.0, 28.0, 22.0, 30.0, 11.0, 11.0, 13.0, 9.0, 12.0, 30.0, 28.0, 16.0, 12.0,
    ];
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(month.to_string())?;
    let last = (WIDTHS.len() - 1) as u16;
    let heading = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let heading_text = title(t, &s.county);
    ws.merge_range(0, 0, 0, last, &heading_text, &heading)?;
    ws.set_row_height(0, 28)?;
    ws.merge_range(
        1,
        0,
        1,
        last,
        &t.month(month),
        &Format::new().set_align(FormatAlign::Center),
    )?;
    ws.merge_range(2, 0, 2, last, &t.summary_line(s, month), &Format::new().set_text_wrap())?;
    ws.set_row_height(2, 32)?;
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let head = cell
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0xEEEEEE))
        .set_align(FormatAlign::Center);
    let total = cell.clone().set_bold();
    let number = cell.clone().set_num_format("0.00");
    let percent = cell.clone().set_num_format("0.0%");
    let points = cell.clone().set_num_format("+0.0;-0.0;0.0");
    let header_row = 3;
    for (c, (h, w)) in t.statement_columns(month).iter().zip(WIDTHS).enumerate() {
        ws.write_string_with_format(header_row, c as u16, h, &head)?;
        ws.set_column_width(c as u16, w)?;
    }
    ws.set_row_height(header_row, 42)?;
    let amount = |text: &str| text.parse::<f64>().ok();
    // The county's totals first, as offices put them.
    let r = header_row + 1;
    ws.merge_range(r, 0, r, 3, t.investment.county_total, &total)?;
    ws.write_blank(r, 4, &total)?;
    match amount(&s.plan_total) {
        Some(v) => ws.write_number_with_format(r, 5, v, &number.clone().set_bold())?,
        None => ws.write_blank(r, 5, &total)?,
    };
    match amount(&s.completed_total) {
        Some(v) => ws.write_number_with_format(r, 6, v, &number.clone().set_bold())?,
        None => ws.write_blank(r, 6, &total)?,
    };
    match s.completion_rate {
        Some(v) => ws.write_number_with_format(r, 7, v, &percent.clone().set_bold())?,
        None => ws.write_blank(r, 7, &total)?,
    };
    match s.deviation_points {
        Some(v) => ws.write_number_with_format(r, 8, v, &points.clone().set_bold())?,
        None => ws.write_blank(r, 8, &total)?,
    };
    for c in 9..=last {
        ws.write_blank(r, c, &total)?;
    }
    for (i, row) in s.rows.iter().enumerate() {
        let r = header_row + 2 + i as u32;
        let text = |v: &Option<String>| inert(v.as_deref().unwrap_or_default()).into_owned();
        ws.write_number_with_format(r, 0, (i + 1) as f64, &cell)?;
        ws.write_string_with_format(r, 1, inert(&row.name), &cell)?;
        ws.write_string_with_format(r, 2, inert(&row.company), &cell)?;
        ws.write_string_with_format(r, 3, text(&row.description), &cell)?;
        match row.total_investment {
            Some(v) => ws.write_number_with_format(r, 4, v as f64, &number)?,
            None => ws.write_blank(r, 4, &cell)?,
        };
        match row.annual_plan.as_deref().and_then(amount) {
            Some(v) => ws.write_number_with_format(r, 5, v, &number)?,
            None => ws.write_blank(r, 5, &cell)?,
        };
        match amount(&row.completed) {
            Some(v) => ws.write_number_with_format(r, 6, v, &number)?,
            None => ws.write_blank(r, 6, &cell)?,
        };
        match row.completion_rate {
            Some(v) => ws.write_number_with_format(r, 7, v, &percent)?,
            None => ws.write_blank(r, 7, &cell)?,
        };
        match row.deviation_points {
            Some(v) => ws.write_number_with_format(r, 8, v, &points)?,
            None => ws.write_blank(r, 8, &cell)?,
        };
        ws.write_string_with_format(r, 9, text(&row.progress), &cell)?;
        ws.write_string_with_format(r, 10, text(&row.problems), &cell)?;
        ws.write_string_with_format(r, 11, text(&row.lead_unit), &cell)?;
        ws.write_string_with_format(r, 12, text(&row.leader), &cell)?;
    }
    for_print(ws, None, &format!("{heading_text} {}", t.month(month)))?;
    ws.set_repeat_rows(header_row, header_row)?;
    book.save_to_buffer()
}
