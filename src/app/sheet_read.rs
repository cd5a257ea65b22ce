//! Reading an uploaded spreadsheet (XLSX, XLS, or CSV in UTF-8 or GB18030) into cells, within
//! [`sheet::LIMITS`]: every size a file declares or holds is checked before the work it would
//! cause is done, so a small hostile file costs a small amount of memory and time. Reads run off
//! the async runtime, a couple at a time, and a reader's panic on a malformed file is "unreadable".

use std::io::{Cursor, Read, Write};
use std::sync::LazyLock;
use std::time::Instant;

use calamine::{Data, Reader, Xls, Xlsx};
use tokio::sync::Semaphore;

use crate::domain::sheet::{self, Bound, Cell, SheetLimits, SheetProblem};

/// The rows of the first sheet of an uploaded XLSX/XLS file, or of a CSV file; no file is unreadable.
pub async fn read_upload(file: Option<Vec<u8>>) -> Result<Vec<Vec<Cell>>, SheetProblem> {
    // Each read may hold up to the limits' worth of memory: a few at a time keep the sum bounded.
    static READS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(2));
    let bytes = file.ok_or(SheetProblem::Unreadable)?;
    let _permit = READS.acquire().await.map_err(|_| SheetProblem::Unreadable)?;
    tokio::task::spawn_blocking(move || read_within(&bytes, &sheet::LIMITS))
        .await
        .unwrap_or(Err(SheetProblem::Unreadable))
}

/// [`read_upload`] on this thread, within `limits`.
pub fn read_within(bytes: &[u8], limits: &SheetLimits) -> Result<Vec<Vec<Cell>>, SheetProblem> {
    let mut grid = Grid::new(limits);
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes, &mut grid)?;
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        read_xls(bytes, &mut grid)?;
    } else {
        read_csv(bytes, &mut grid)?;
    }
    Ok(grid.rows)
}

/// The cells read so far, placed as the sheet has them, with the count and the clock.
struct Grid<'a> {
    limits: &'a SheetLimits,
    rows: Vec<Vec<Cell>>,
    cells: usize,
    started: Instant,
}

impl<'a> Grid<'a> {
    fn new(limits: &'a SheetLimits) -> Grid<'a> {
        Grid {
            limits,
            rows: Vec::new(),
            cells: 0,
            started: Instant::now(),
        }
    }

    /// Places a cell (0-based row and column); empty cells anywhere are no work and are skipped.
    fn put(&mut self, row: u64, column: u64, cell: Cell) -> Result<(), Bound> {
        if cell == Cell::Empty {
            return Ok(());
        }
        self.limits.cell_at(row, column)?;
        self.cells += 1;
        if self.cells > self.limits.cells {
            return Err(Bound::Cells {
                limit: self.limits.cells,
            });
        }
        if self.cells.is_multiple_of(1024) {
            self.on_time()?;
        }
        // Within the limits checked above, so these sizes are bounded.
        let (row, column) = (row as usize, column as usize);
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        let line = &mut self.rows[row];
        if line.len() <= column {
            line.resize(column + 1, Cell::Empty);
        }
        line[column] = cell;
        Ok(())
    }

    /// The cell placed at `row`, `column` (empty where nothing was), or `None` past the limits.
    fn at(&self, row: u64, column: u64) -> Option<&Cell> {
        self.limits.cell_at(row, column).ok()?;
        let empty = &Cell::Empty;
        Some(
            self.rows
                .get(row as usize)
                .and_then(|r| r.get(column as usize))
                .unwrap_or(empty),
        )
    }

    fn on_time(&self) -> Result<(), Bound> {
        if self.started.elapsed().as_secs() >= self.limits.seconds {
            return Err(Bound::Time {
                seconds: self.limits.seconds,
            });
        }
        Ok(())
    }
}

impl From<Bound> for SheetProblem {
    fn from(b: Bound) -> SheetProblem {
        SheetProblem::TooLarge(b)
    }
}

fn unreadable<E>(_: E) -> SheetProblem {
    SheetProblem::Unreadable
}

fn read_xlsx(bytes: &[u8], grid: &mut Grid) -> Result<(), SheetProblem> {
    check_zip(bytes, grid)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    grid.on_time()?;
    let first = book.sheet_names().first().cloned().ok_or(SheetProblem::Unreadable)?;
    let mut cells = book.worksheet_cells_reader(&first).map_err(unreadable)?;
    let declared = cells.dimensions();
    grid.limits
        .cell_at(u64::from(declared.end.0), u64::from(declared.end.1))?;
    while let Some(c) = cells.next_cell().map_err(unreadable)? {
        let (row, column) = c.get_position();
        grid.put(
            u64::from(row),
            u64::from(column),
            cell(Data::from(c.get_value().clone())),
        )?;
    }
    drop(cells);
    // A formula with no calculated value reads as nothing: mark it, so the report can say why.
    let mut formulas = book.worksheet_cells_reader(&first).map_err(unreadable)?;
    while let Some(f) = formulas.next_formula().map_err(unreadable)? {
        let (row, column) = f.get_position();
        if !f.get_value().is_empty() && grid.at(u64::from(row), u64::from(column)) == Some(&Cell::Empty) {
            grid.put(u64::from(row), u64::from(column), Cell::Formula)?;
        }
    }
    Ok(())
}

/// Unpacks every part of the zip once, into nothing, counting: what calamine then reads is known
/// to be within the limits whatever sizes the zip's directory claims.
fn check_zip(bytes: &[u8], grid: &Grid) -> Result<(), SheetProblem> {
    // A ZIP64 directory may claim billions of entries, which the reader would reserve room for.
    let tail = &bytes[bytes.len().saturating_sub(66_000 + 22)..];
    if tail.windows(4).any(|w| w == b"PK\x06\x06" || w == b"PK\x06\x07") {
        return Err(SheetProblem::Unreadable);
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    let limits = grid.limits;
    if zip.len() > limits.parts {
        return Err(Bound::Parts { limit: limits.parts }.into());
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(unreadable)?;
        let packed = part.compressed_size();
        let mut counter = Counter(0);
        std::io::copy(&mut (&mut part).take(limits.part_bytes + 1), &mut counter).map_err(unreadable)?;
        limits.part(packed, counter.0, total)?;
        total += counter.0;
        grid.on_time()?;
    }
    Ok(())
}

/// A writer that only counts.
struct Counter(u64);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn cell(d: Data) -> Cell {
    match d {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s),
        Data::Int(i) => Cell::Number(i as f64),
        Data::Float(f) => Cell::Number(f),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTime(dt) => date_cell(dt.as_f64()),
        Data::Empty | Data::Error(_) => Cell::Empty,
    }
}

fn date_cell(serial: f64) -> Cell {
    if !serial.is_finite() || serial.abs() > 1e7 {
        return Cell::Empty;
    }
    sheet::excel_serial(serial.floor() as i64).map_or(Cell::Empty, Cell::Date)
}

/// An XLS file: its workbook stream is taken out of the compound file and checked record by
/// record (every sheet's declared and actual extent), then handed to calamine in a compound file
/// of our own writing, so that neither the container's nor the records' claims reach calamine
/// unchecked (its XLS reader reserves what they declare).
fn read_xls(bytes: &[u8], grid: &mut Grid) -> Result<(), SheetProblem> {
    let limits = grid.limits;
    let mut container = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(unreadable)?;
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| container.is_stream(n))
        .ok_or(SheetProblem::Unreadable)?;
    let mut stream = Vec::new();
    container
        .open_stream(name)
        .map_err(unreadable)?
        .take(limits.part_bytes + 1)
        .read_to_end(&mut stream)
        .map_err(unreadable)?;
    limits.part(stream.len() as u64, stream.len() as u64, 0)?;
    check_biff(&stream, limits)?;
    grid.on_time()?;
    let mut clean = cfb::CompoundFile::create(Cursor::new(Vec::new())).map_err(unreadable)?;
    clean
        .create_stream(name)
        .and_then(|mut s| s.write_all(&stream))
        .map_err(unreadable)?;
    clean.flush().map_err(unreadable)?;
    let clean = clean.into_inner().into_inner();
    let mut book: Xls<_> = Xls::new(Cursor::new(clean)).map_err(unreadable)?;
    let range = book
        .worksheet_range_at(0)
        .ok_or(SheetProblem::Unreadable)?
        .map_err(unreadable)?;
    let (top, left) = range.start().unwrap_or((0, 0));
    for (row, column, value) in range.used_cells() {
        grid.put(
            u64::from(top) + row as u64,
            u64::from(left) + column as u64,
            cell(value.clone()),
        )?;
    }
    Ok(())
}

/// One BIFF record: its type and data.
fn records(stream: &[u8]) -> impl Iterator<Item = Result<(u16, &[u8]), SheetProblem>> {
    let mut rest = stream;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        if rest.len() < 4 {
            rest = &[];
            return Some(Err(SheetProblem::Unreadable));
        }
        let typ = u16::from_le_bytes([rest[0], rest[1]]);
        let len = usize::from(u16::from_le_bytes([rest[2], rest[3]]));
        if rest.len() < 4 + len {
            rest = &[];
            return Some(Err(SheetProblem::Unreadable));
        }
        let data = &rest[4..4 + len];
        rest = &rest[4 + len..];
        Some(Ok((typ, data)))
    })
}

fn u16_at(data: &[u8], at: usize) -> Result<u16, SheetProblem> {
    data.get(at..at + 2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .ok_or(SheetProblem::Unreadable)
}

fn u32_at(data: &[u8], at: usize) -> Result<u32, SheetProblem> {
    data.get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or(SheetProblem::Unreadable)
}

/// The extent of the cells a sheet holds, as calamine will lay them out (one grid of values,
/// one of formulas).
#[derive(Default)]
struct Extent(Option<(u64, u64, u64, u64)>);

impl Extent {
    fn add(&mut self, row: u64, column: u64) {
        let (r0, r1, c0, c1) = self.0.unwrap_or((row, row, column, column));
        self.0 = Some((r0.min(row), r1.max(row), c0.min(column), c1.max(column)));
    }

    fn area(&self) -> u64 {
        self.0.map_or(0, |(r0, r1, c0, c1)| (r1 - r0 + 1) * (c1 - c0 + 1))
    }
}

/// Checks the records of an XLS workbook stream against the limits, sheet by sheet, as calamine
/// will read them: from each sheet's declared position to its end.
fn check_biff(stream: &[u8], limits: &SheetLimits) -> Result<(), SheetProblem> {
    let mut positions = Vec::new();
    for record in records(stream) {
        let (typ, data) = record?;
        match typ {
            0x0085 => positions.push(u32_at(data, 0)? as usize),
            // The end of the workbook's globals.
            0x000A => break,
            _ => {}
        }
    }
    if positions.len() > limits.sheets {
        return Err(Bound::Sheets { limit: limits.sheets }.into());
    }
    let (mut grid, mut cells) = (0u64, 0usize);
    for at in positions {
        let sheet = stream.get(at..).ok_or(SheetProblem::Unreadable)?;
        let (mut values, mut formulas) = (Extent::default(), Extent::default());
        for record in records(sheet) {
            let (typ, data) = record?;
            let mut cell = |extent: &mut Extent, row: u64, column: u64| -> Result<(), SheetProblem> {
                limits.cell_at(row, column)?;
                extent.add(row, column);
                cells += 1;
                if cells > limits.cells {
                    return Err(Bound::Cells { limit: limits.cells }.into());
                }
                Ok(())
            };
            let row = || u16_at(data, 0).map(u64::from);
            let column = || u16_at(data, 2).map(u64::from);
            match typ {
                0x000A => break,
                // Dimensions: calamine reserves room for the area they declare.
                0x0200 => {
                    let (first_row, end_row, first_col, end_col) = match data.len() {
                        10 => (
                            u64::from(u16_at(data, 0)?),
                            u64::from(u16_at(data, 2)?),
                            u64::from(u16_at(data, 4)?),
                            u64::from(u16_at(data, 6)?),
                        ),
                        14 => (
                            u64::from(u32_at(data, 0)?),
                            u64::from(u32_at(data, 4)?),
                            u64::from(u16_at(data, 8)?),
                            u64::from(u16_at(data, 10)?),
                        ),
                        _ => return Err(SheetProblem::Unreadable),
                    };
                    if end_row >= 1 && end_col >= 1 {
                        limits.cell_at(end_row - 1, end_col - 1)?;
                        let first_col = if first_col > 0xFF || end_col < first_col {
                            0
                        } else {
                            first_col
                        };
                        if first_row >= end_row || first_col >= end_col {
                            return Err(SheetProblem::Unreadable);
                        }
                    }
                }
                0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD => cell(&mut values, row()?, column()?)?,
                0x0006 => {
                    cell(&mut values, row()?, column()?)?;
                    cell(&mut formulas, row()?, column()?)?;
                }
                // MulRk: one row, a run of columns.
                0x00BD => {
                    let (first, last) = (column()?, u64::from(u16_at(data, data.len().saturating_sub(2))?));
                    if last < first || data.len() as u64 != 6 + 6 * (last - first + 1) {
                        return Err(SheetProblem::Unreadable);
                    }
                    for c in first..=last {
                        cell(&mut values, row()?, c)?;
                    }
                }
                _ => {}
            }
        }
        grid += values.area() + formulas.area();
        if grid > limits.grid {
            return Err(Bound::Grid { limit: limits.grid }.into());
        }
    }
    Ok(())
}

fn read_csv(bytes: &[u8], grid: &mut Grid) -> Result<(), SheetProblem> {
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.trim_start_matches('\u{feff}').to_string(),
        Err(_) => {
            let (decoded, _, bad) = encoding_rs::GB18030.decode(bytes);
            if bad {
                return Err(SheetProblem::Unreadable);
            }
            decoded.into_owned()
        }
    };
    // Binary files are not spreadsheets.
    if text.contains('\0') {
        return Err(SheetProblem::Unreadable);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut row = 0u64;
    while reader.read_record(&mut record).map_err(unreadable)? {
        for (column, value) in record.iter().enumerate() {
            if !value.trim().is_empty() {
                grid.put(row, column as u64, Cell::Text(value.to_string()))?;
            }
        }
        row += 1;
        // A line of nothing but commas is no cell, but still costs a pass: keep counting time.
        if row.is_multiple_of(1024) {
            grid.on_time()?;
        }
    }
    // Rows after the last value were never placed; blank rows between are (as empty rows).
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xlsx_with(cells: &[(u32, u16, &str)]) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        for (r, c, v) in cells {
            ws.write_string(*r, *c, *v).unwrap();
        }
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn a_workbook_is_read_as_its_cells_where_the_sheet_has_them() {
        let rows = read_within(
            &xlsx_with(&[(1, 0, "事项"), (1, 2, "期限"), (2, 1, "县自然资源局")]),
            &sheet::LIMITS,
        )
        .unwrap();
        assert_eq!(rows.len(), 3);
        assert!(rows[0].is_empty(), "the row above the first value is empty");
        assert_eq!(
            rows[1],
            vec![Cell::Text("事项".into()), Cell::Empty, Cell::Text("期限".into())]
        );
        assert_eq!(rows[2][1], Cell::Text("县自然资源局".into()));
    }

    #[test]
    fn a_value_in_the_last_cell_excel_has_is_refused_before_any_grid_is_built() {
        let book = xlsx_with(&[(0, 0, "a"), (1_048_575, 16_383, "b")]);
        assert!(book.len() < 10_000, "a small file");
        assert_eq!(
            read_within(&book, &sheet::LIMITS),
            Err(SheetProblem::TooLarge(Bound::Rows {
                found: 1_048_576,
                limit: sheet::LIMITS.rows
            }))
        );
    }

    #[test]
    fn rows_columns_and_cells_stop_at_their_limits() {
        let small = SheetLimits {
            rows: 3,
            columns: 2,
            cells: 4,
            ..sheet::LIMITS
        };
        assert!(read_within(b"a,b\nc,d\ne,f\n", &small).is_err(), "six cells");
        assert_eq!(
            read_within(b"a,b\nc\ne\n\n,,,,,,,\n", &small).map(|r| r.len()),
            Ok(3),
            "empty fields cost nothing"
        );
        assert_eq!(
            read_within(b"a\nb\nc\nd\n", &small),
            Err(SheetProblem::TooLarge(Bound::Rows { found: 4, limit: 3 }))
        );
        assert_eq!(
            read_within(b"a,b,c\n", &small),
            Err(SheetProblem::TooLarge(Bound::Columns { found: 3, limit: 2 }))
        );
        assert_eq!(
            read_within(b"a,b\nc,d\ne\n", &small),
            Err(SheetProblem::TooLarge(Bound::Cells { limit: 4 }))
        );
    }

    #[test]
    fn a_part_that_unpacks_past_the_limit_is_refused_whatever_the_directory_claims() {
        // A workbook whose shared strings unpack to 6 MB of nearly one letter (a ratio of ~1000).
        let long: Vec<String> = (0..200).map(|i| format!("{i}{}", "a".repeat(30_000))).collect();
        let cells: Vec<(u32, u16, &str)> = long
            .iter()
            .enumerate()
            .map(|(i, s)| (i as u32, 0, s.as_str()))
            .collect();
        let book = xlsx_with(&cells);
        assert!(book.len() < 100_000);
        assert_eq!(
            read_within(&book, &sheet::LIMITS),
            Err(SheetProblem::TooLarge(Bound::Ratio {
                limit: sheet::LIMITS.ratio
            }))
        );
        let tight = SheetLimits {
            part_bytes: 1 << 20,
            ratio: u64::MAX,
            ..sheet::LIMITS
        };
        assert_eq!(
            read_within(&book, &tight),
            Err(SheetProblem::TooLarge(Bound::Unpacked { limit_mb: 1 }))
        );
    }

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    }

    /// A BIFF8 workbook of one sheet, declaring `dimensions` (rows first..end, columns
    /// first..end) and holding numbers at `cells`, in a compound file as Excel writes it.
    fn xls_with(dimensions: (u32, u32, u16, u16), cells: &[(u16, u16, f64)]) -> Vec<u8> {
        let bof = |dt: u16| {
            record(
                0x0809,
                &[&0x0600u16.to_le_bytes()[..], &dt.to_le_bytes(), &[0; 12]].concat(),
            )
        };
        let mut sheet = bof(0x0010);
        let (r0, r1, c0, c1) = dimensions;
        sheet.extend(record(
            0x0200,
            &[
                &r0.to_le_bytes()[..],
                &r1.to_le_bytes(),
                &c0.to_le_bytes(),
                &c1.to_le_bytes(),
                &[0, 0],
            ]
            .concat(),
        ));
        for (row, col, value) in cells {
            sheet.extend(record(
                0x0203,
                &[
                    &row.to_le_bytes()[..],
                    &col.to_le_bytes(),
                    &[0, 0],
                    &value.to_le_bytes(),
                ]
                .concat(),
            ));
        }
        sheet.extend(record(0x000A, &[]));
        // The globals: BOF, the sheet's BoundSheet (its position, state, type and name), EOF.
        let boundsheet = |at: u32| record(0x0085, &[&at.to_le_bytes()[..], &[0, 0, 2, 0], b"S1"].concat());
        let mut globals = bof(0x0005);
        let at = (globals.len() + boundsheet(0).len() + 4) as u32;
        globals.extend(boundsheet(at));
        globals.extend(record(0x000A, &[]));
        assert_eq!(globals.len() as u32, at);
        let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        file.create_stream("/Workbook")
            .unwrap()
            .write_all(&[globals, sheet].concat())
            .unwrap();
        file.flush().unwrap();
        file.into_inner().into_inner()
    }

    #[test]
    fn an_xls_file_is_read_and_its_declared_and_actual_extent_bounded() {
        let rows = read_within(&xls_with((0, 2, 0, 2), &[(0, 0, 1.0), (1, 1, 2.0)]), &sheet::LIMITS).unwrap();
        assert_eq!(rows[0][0], Cell::Number(1.0));
        assert_eq!(rows[1], vec![Cell::Empty, Cell::Number(2.0)]);
        // The last cell an XLS sheet has, with a value in it.
        assert_eq!(
            read_within(
                &xls_with((0, 65_536, 0, 256), &[(0, 0, 1.0), (65_535, 255, 2.0)]),
                &sheet::LIMITS
            ),
            Err(SheetProblem::TooLarge(Bound::Rows {
                found: 65_536,
                limit: sheet::LIMITS.rows
            }))
        );
        // Declared, not used: the reader would reserve room for it all.
        assert_eq!(
            read_within(&xls_with((0, 65_536, 0, 256), &[(0, 0, 1.0)]), &sheet::LIMITS),
            Err(SheetProblem::TooLarge(Bound::Rows {
                found: 65_536,
                limit: sheet::LIMITS.rows
            }))
        );
        // Declared the wrong way round (the reader's arithmetic would overflow).
        assert_eq!(
            read_within(&xls_with((5, 2, 0, 2), &[(0, 0, 1.0)]), &sheet::LIMITS),
            Err(SheetProblem::Unreadable)
        );
        let narrow = SheetLimits {
            grid: 3,
            ..sheet::LIMITS
        };
        assert_eq!(
            read_within(&xls_with((0, 2, 0, 2), &[(0, 0, 1.0), (1, 1, 2.0)]), &narrow),
            Err(SheetProblem::TooLarge(Bound::Grid { limit: 3 })),
            "a 2×2 grid"
        );
    }

    #[test]
    fn what_is_no_spreadsheet_is_unreadable_not_a_panic() {
        assert_eq!(
            read_within(b"PK\x03\x04garbage", &sheet::LIMITS),
            Err(SheetProblem::Unreadable)
        );
        assert_eq!(
            read_within(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1garbage", &sheet::LIMITS),
            Err(SheetProblem::Unreadable)
        );
        assert_eq!(read_within(b"a\0b", &sheet::LIMITS), Err(SheetProblem::Unreadable));
    }
}
