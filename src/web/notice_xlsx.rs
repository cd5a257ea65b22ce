//! A notice as an XLSX workbook: a heading, the red and yellow items (colours as cell fills and as
//! words), the red and black lists; dates as dates, readable column widths.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Color, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::AppState;
use super::context::RequestContext;
use super::error::{AppError, AppResult};
use super::extract::IdPath;
use super::spreadsheet::for_print;
use crate::app::notices::reader;
use crate::auth::CurrentUser;
use crate::db::notices::{self, Notice, NoticeItem, NoticeOrder};
use crate::domain::sheet::inert;
use crate::i18n::Catalog;

const RED: u32 = 0xFDE7E7;
const YELLOW: u32 = 0xFFF4D6;

fn items(
    ws: &mut Worksheet,
    row: &mut u32,
    heading: &str,
    list: &[NoticeItem],
    fill: u32,
    word: &str,
    t: &Catalog,
) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let cell = Format::new().set_background_color(Color::RGB(fill));
    let date = Format::new()
        .set_background_color(Color::RGB(fill))
        .set_num_format("yyyy-mm-dd");
    ws.write_string_with_format(*row, 0, heading, &bold)?;
    *row += 1;
    for (c, h) in [
        t.columns.col_status,
        t.columns.col_project,
        t.columns.col_item,
        t.columns.col_unit,
        t.columns.col_deadline,
        t.columns.col_overdue_days,
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(*row, c as u16, *h, &bold)?;
    }
    *row += 1;
    for i in list {
        ws.write_string_with_format(*row, 0, word, &cell)?;
        ws.write_string_with_format(*row, 1, inert(&i.project), &cell)?;
        ws.write_string_with_format(*row, 2, inert(&i.title), &cell)?;
        ws.write_string_with_format(*row, 3, inert(&i.unit), &cell)?;
        ws.write_date_with_format(*row, 4, i.deadline, &date)?;
        ws.write_number_with_format(*row, 5, i.overdue_days as f64, &cell)?;
        *row += 1;
    }
    *row += 1;
    Ok(())
}

/// The 督办情况 section, when the notice has one: one row per order, its lateness last.
fn supervision(ws: &mut Worksheet, row: &mut u32, list: &[NoticeOrder], t: &Catalog) -> Result<(), XlsxError> {
    if list.is_empty() {
        return Ok(());
    }
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    ws.write_string_with_format(*row, 0, t.meetings.notice_supervision, &bold)?;
    *row += 1;
    for (c, h) in [
        t.columns.col_project,
        t.columns.col_item,
        t.columns.col_unit,
        t.labels.field_reply_due,
        t.notify.supervision_reply,
        t.columns.col_orders_late,
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(*row, c as u16, *h, &bold)?;
    }
    *row += 1;
    for o in list {
        ws.write_string(*row, 0, inert(&o.project))?;
        ws.write_string(*row, 1, inert(&o.title))?;
        ws.write_string(*row, 2, inert(&o.unit))?;
        ws.write_date_with_format(*row, 3, o.reply_due, &date)?;
        match o.replied_on {
            Some(d) => ws.write_date_with_format(*row, 4, d, &date)?,
            None => ws.write_string(*row, 4, t.notify.supervision_awaiting)?,
        };
        if let Some(late) = o.days_late {
            ws.write_string(*row, 5, t.reply_late(&late))?;
        }
        *row += 1;
    }
    *row += 1;
    Ok(())
}

pub fn workbook(n: &Notice, number: &str, heading: &str, t: &Catalog) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(number)?;
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_font_color(Color::RGB(0xB3141B));
    ws.merge_range(0, 0, 0, 5, heading, &title)?;
    // The 16 pt heading needs a taller row than the default 15 pt.
    ws.set_row_height(0, 28)?;
    ws.merge_range(
        1,
        0,
        1,
        5,
        &format!("{number} · {}", t.as_of(&n.as_of)),
        &Format::new().set_align(FormatAlign::Center),
    )?;
    ws.merge_range(
        2,
        0,
        2,
        5,
        &inert(&n.title),
        &Format::new().set_bold().set_align(FormatAlign::Center),
    )?;
    let mut row = 4;
    if let Some(body) = &n.body {
        ws.merge_range(3, 0, 3, 5, &inert(body), &Format::new().set_text_wrap())?;
        // Tall enough for the body's lines, about 60 characters each across the six columns.
        let lines = body.lines().map(|l| l.chars().count() / 60 + 1).sum::<usize>();
        ws.set_row_height(3, 16.0 * lines.min(20) as f64)?;
        row = 5;
    }
    let c = &n.content;
    items(
        ws,
        &mut row,
        t.meetings.notice_red_items,
        &c.red_items,
        RED,
        t.items.colours[2],
        t,
    )?;
    items(
        ws,
        &mut row,
        t.meetings.notice_yellow_items,
        &c.yellow_items,
        YELLOW,
        t.items.colours[1],
        t,
    )?;
    let bold = Format::new().set_bold();
    for (heading, list) in [
        (t.standings.red_list, &c.red_list),
        (t.standings.black_list, &c.black_list),
    ] {
        ws.write_string_with_format(row, 0, heading, &bold)?;
        row += 1;
        for (col, h) in [
            t.columns.col_place,
            t.columns.col_project,
            t.columns.col_due,
            t.columns.col_on_time,
            t.columns.col_red,
            t.columns.col_overdue_total,
            t.columns.col_rank_change,
        ]
        .iter()
        .enumerate()
        {
            ws.write_string_with_format(row, col as u16, *h, &bold)?;
        }
        row += 1;
        for (place, e) in list.iter().enumerate() {
            ws.write_number(row, 0, (place + 1) as f64)?;
            ws.write_string(row, 1, inert(&e.project))?;
            ws.write_number(row, 2, e.due as f64)?;
            ws.write_number(row, 3, e.on_time as f64)?;
            ws.write_number(row, 4, e.red as f64)?;
            ws.write_number(row, 5, e.overdue_total as f64)?;
            if let Some(c) = &e.rank_change {
                ws.write_string(row, 6, t.rank_code(c))?;
            }
            row += 1;
        }
        row += 1;
    }
    supervision(ws, &mut row, &c.supervision, t)?;
    for (col, width) in [(0, 12), (1, 34), (2, 36), (3, 22), (4, 13), (5, 14), (6, 12)] {
        ws.set_column_width(col, width)?;
    }
    for_print(ws, None, &format!("{heading} {number}"))?;
    book.save_to_buffer()
}

pub async fn download(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> AppResult<Response> {
    let (all, unit) = reader(&user)?;
    let notice = notices::get(&state.db, id, unit, all)
        .await?
        .ok_or(AppError::NotFound)?;
    let t = ctx.t();
    let number = t.notice_no(notice.year, notice.number);
    let bytes = workbook(&notice, &number, &t.notice_title(&notice.content.county), t)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))?;
    let filename = format!("notice-{}-{}.xlsx", notice.year, notice.number);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
