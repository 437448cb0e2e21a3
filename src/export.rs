//! Spreadsheet exports. Every CSV the club downloads is written here: UTF-8 with a byte-order
//! mark (so spreadsheet programs show Cyrillic), and no text cell can run as a formula, whatever
//! a member's name or a note says (OWASP's CSV injection advice). A report's `Table` is written
//! as CSV or as an XLSX workbook, where text is always a string cell (never a formula), money a
//! number in the currency's format and a date a date.

use std::borrow::Cow;

/// A cell as it is written: text a spreadsheet would read as a formula (it starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return) gets a leading apostrophe, which spreadsheets
/// treat as "this is text". Plain numbers (`-150.00`, `+5`) stay numbers.
pub fn cell(text: &str) -> Cow<'_, str> {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_number(text) { Cow::Owned(format!("'{text}")) } else { Cow::Borrowed(text) }
}

/// The text of a cell read back from one of our exports (an import of an edited export).
pub fn uncell(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => text,
    }
}

fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = digits.split_once(['.', ',']).unwrap_or((digits, "0"));
    [whole, fraction].iter().all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

/// A CSV being written, row by row.
pub struct Csv {
    out: csv::Writer<Vec<u8>>,
}

impl Default for Csv {
    fn default() -> Self {
        Csv { out: csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec()) }
    }
}

impl Csv {
    pub fn row<I, S>(&mut self, cells: I) -> anyhow::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells.into_iter().map(|c| cell(c.as_ref()).into_owned()).collect();
        Ok(self.out.write_record(&cells)?)
    }

    pub fn finish(self) -> anyhow::Result<Vec<u8>> {
        self.out.into_inner().map_err(|e| anyhow::anyhow!("cannot finish the CSV: {e}"))
    }
}

/// A typed cell of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Int(i64),
    /// Minor units of the club currency.
    Money(i64),
    Date(jiff::civil::Date),
    /// Millionths of a unit of another currency (what an SMS provider charged).
    Micros(i64),
}

impl Value {
    fn csv(&self, currency: &str) -> String {
        match self {
            Value::Text(t) => t.clone(),
            Value::Int(n) => n.to_string(),
            Value::Money(m) => crate::money::amount::plain(*m, currency),
            Value::Date(d) => d.to_string(),
            Value::Micros(m) => {
                let fraction = format!("{:06}", (m % 1_000_000).abs());
                let fraction = fraction.trim_end_matches('0');
                format!("{}.{fraction:0<2}", m / 1_000_000)
            }
        }
    }
}

/// A report as a table: its column titles and typed rows, for CSV and XLSX alike.
pub struct Table {
    pub head: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    pub fn csv(&self, currency: &str) -> anyhow::Result<Vec<u8>> {
        let mut out = Csv::default();
        out.row(&self.head)?;
        for row in &self.rows {
            out.row(row.iter().map(|v| v.csv(currency)))?;
        }
        out.finish()
    }

    /// One sheet named `sheet` (at most 31 characters, as Excel allows), titles bold and frozen.
    pub fn xlsx(&self, sheet: &str, currency: &str) -> anyhow::Result<Vec<u8>> {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name(sheet.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect::<String>())?;
        let bold = Format::new().set_bold();
        let money = Format::new().set_num_format(crate::money::amount::spreadsheet_format(currency));
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let micros = Format::new().set_num_format("0.00####");
        for (col, title) in self.head.iter().enumerate() {
            ws.write_string_with_format(0, col as u16, title, &bold)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, value) in row.iter().enumerate() {
                let c = c as u16;
                match value {
                    Value::Text(t) => ws.write_string(r, c, t)?,
                    Value::Int(n) => ws.write_number(r, c, *n as f64)?,
                    Value::Money(m) => {
                        ws.write_number_with_format(r, c, crate::money::amount::major(*m, currency), &money)?
                    }
                    Value::Micros(m) => ws.write_number_with_format(r, c, *m as f64 / 1e6, &micros)?,
                    Value::Date(d) => {
                        let day = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                        ws.write_datetime_with_format(r, c, &day, &date)?
                    }
                };
            }
        }
        ws.set_freeze_panes(1, 0)?;
        ws.autofit();
        Ok(book.save_to_buffer()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_numbers_stay_numbers() {
        for (given, written) in [
            ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
            ("+7 916 123-45-67", "'+7 916 123-45-67"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("-150.00", "-150.00"),
            ("+5", "+5"),
            ("-0,5", "-0,5"),
            ("Anna Smith", "Anna Smith"),
            ("", ""),
            ("-", "'-"),
        ] {
            assert_eq!(cell(given), written, "{given:?}");
            assert_eq!(uncell(&cell(given)), given);
        }
        assert_eq!(uncell("'quoted on purpose"), "'quoted on purpose");
    }

    #[test]
    fn a_file_starts_with_a_byte_order_mark_and_quotes_as_csv_does() {
        let mut csv = Csv::default();
        csv.row(["name", "note"]).unwrap();
        csv.row(["Иван, Пётр", "=1+1"]).unwrap();
        let text = String::from_utf8(csv.finish().unwrap()).unwrap();
        assert_eq!(text, "\u{feff}name,note\n\"Иван, Пётр\",'=1+1\n");
    }

    #[test]
    fn a_workbook_holds_text_as_text_and_money_as_numbers() {
        use std::io::Read;
        let table = Table {
            head: vec!["name".into(), "paid".into(), "day".into()],
            rows: vec![vec![
                Value::Text("=HYPERLINK(\"http://evil\")".into()),
                Value::Money(-15050),
                Value::Date(jiff::civil::date(2026, 12, 6)),
            ]],
        };
        let book = table.xlsx("Pay: [Nov]", "RUB").unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
        let mut part = |name: &str| {
            let mut text = String::new();
            zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
            text
        };
        let sheet = part("xl/worksheets/sheet1.xml");
        assert!(!sheet.contains("<f>"), "no formula: {sheet}");
        assert!(sheet.contains("<v>-150.5</v>"), "{sheet}");
        assert!(sheet.contains("<v>46362</v>"), "6 December 2026 as a date serial: {sheet}");
        assert!(part("xl/sharedStrings.xml").contains("<t>=HYPERLINK(\"http://evil\")</t>"));
        assert!(part("xl/workbook.xml").contains("name=\"Pay Nov\""));
    }
}
