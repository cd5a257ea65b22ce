//! Spreadsheet files out: a table as CSV (UTF-8 with BOM, so Excel opens Chinese correctly) or
//! XLSX (header row, column widths, dates as dates, colours as fills). Reading is `app::sheet_read`.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use rust_xlsxwriter::{Color, Format, Workbook, Worksheet, XlsxError};

use super::error::AppError;
use crate::domain::status::Colour;
use crate::domain::{evidence, sheet};

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A value of an exported table.
pub enum Out {
    Text(String),
    Date(Option<NaiveDate>),
    Number(i64),
    /// A colour as a word, and as the cell's fill in XLSX.
    Colour(Option<Colour>, String),
}

/// A table to export: headers with their column widths (in characters), and rows.
pub struct Table {
    /// What the table is, at the head of every printed page; its first 31 characters a
    /// spreadsheet may hold name the sheet.
    pub title: String,
    /// Each column's header and width.
    pub columns: Vec<(String, f64)>,
    pub rows: Vec<Vec<Out>>,
}

impl Table {
    pub fn csv(&self) -> Result<Vec<u8>, AppError> {
        let mut out = Vec::from("\u{feff}".as_bytes());
        {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(self.columns.iter().map(|(h, _)| h.as_str()))
                .map_err(internal)?;
            for row in &self.rows {
                w.write_record(row.iter().map(|v| match v {
                    Out::Text(s) => sheet::inert(s).into_owned(),
                    Out::Date(d) => d.map(|d| d.to_string()).unwrap_or_default(),
                    Out::Number(n) => n.to_string(),
                    Out::Colour(_, word) => word.clone(),
                }))
                .map_err(internal)?;
            }
            w.flush().map_err(internal)?;
        }
        Ok(out)
    }

    pub fn xlsx(&self) -> Result<Vec<u8>, AppError> {
        self.workbook()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))
    }

    fn workbook(&self) -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(&self.title))?;
        for_print(ws, Some(0), &self.title)?;
        let bold = Format::new().set_bold().set_background_color(Color::RGB(0xEEEEEE));
        let date = Format::new().set_num_format("yyyy-mm-dd");
        for (c, (h, width)) in self.columns.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)?;
            ws.set_column_width(c as u16, *width)?;
        }
        ws.set_freeze_panes(1, 0)?;
        for (r, row) in self.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, v) in row.iter().enumerate() {
                let c = c as u16;
                match v {
                    Out::Text(s) => {
                        ws.write_string(r, c, sheet::inert(s))?;
                    }
                    Out::Date(Some(d)) => {
                        ws.write_date_with_format(r, c, *d, &date)?;
                    }
                    Out::Date(None) => {}
                    Out::Number(n) => {
                        ws.write_number(r, c, *n as f64)?;
                    }
                    Out::Colour(colour, word) => {
                        let fill = match colour {
                            Some(Colour::Red) => Some(0xF8C9C9),
                            Some(Colour::Yellow) => Some(0xFFE8A3),
                            Some(Colour::Green) => Some(0xCDEBC4),
                            None => None,
                        };
                        match fill {
                            Some(rgb) => ws.write_string_with_format(
                                r,
                                c,
                                word,
                                &Format::new().set_background_color(Color::RGB(rgb)),
                            )?,
                            None => ws.write_string(r, c, word)?,
                        };
                    }
                }
            }
        }
        book.save_to_buffer()
    }
}

/// A sheet's name from a title: without the characters a name may not hold, at most 31 of them.
pub fn sheet_name(title: &str) -> String {
    let name: String = title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if name.trim().is_empty() { "Sheet1".into() } else { name }
}

/// How a sheet prints: A4 landscape, one page wide, rows 0 to `repeat` (a header) repeated on
/// every page, narrow margins, centred, `title` at the head of each page and the page number at
/// its foot.
pub fn for_print(ws: &mut Worksheet, repeat: Option<u32>, title: &str) -> Result<(), XlsxError> {
    ws.set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3)
        .set_print_center_horizontally(true);
    if let Some(last) = repeat {
        ws.set_repeat_rows(0, last)?;
    }
    // A header holds at most 255 characters; `&` starts a code there and is written `&&`.
    let title: String = title.replace('&', "&&").chars().take(200).collect();
    ws.set_header(format!("&C{title}"));
    ws.set_footer("&C&P / &N");
    Ok(())
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("csv: {e}"))
}

/// Which file an export is asked for, from the path's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Xlsx,
}

/// A table as a download in `format`, named `stem` plus the extension.
pub fn download(table: &Table, format: FileFormat, stem: &str) -> Result<Response, AppError> {
    let (bytes, content_type, ext) = match format {
        FileFormat::Csv => (table.csv()?, "text/csv; charset=utf-8", "csv"),
        FileFormat::Xlsx => (table.xlsx()?, XLSX_TYPE, "xlsx"),
    };
    let disposition = evidence::content_disposition(&format!("{stem}.{ext}"));
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
