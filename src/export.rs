//! Spreadsheet exports. Every CSV the club downloads is written here: UTF-8 with a byte-order
//! mark (so spreadsheet programs show Cyrillic), and no text cell can run as a formula, whatever
//! a member's name or a note says (OWASP's CSV injection advice).

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
}
