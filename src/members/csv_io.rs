//! Members as CSV: the export staff open in a spreadsheet, and reading an import file into
//! drafts with a list of problems per row. Headers may be English or Russian; `,` or `;`.

use jiff::civil::Date;

use super::model::{MemberDraft, display_phone, parse_tags};
use super::store::Member;
use crate::export::{Csv, uncell};

const HEADER: [&str; 10] =
    ["card_no", "full_name", "phone", "email", "birth_date", "category", "tags", "notes", "sms_consent", "archived"];

/// The member list as a spreadsheet (see `export::Csv`).
pub fn export(members: &[Member]) -> anyhow::Result<Vec<u8>> {
    let mut w = Csv::default();
    w.row(HEADER)?;
    for m in members {
        w.row([
            format!("{:06}", m.card_no),
            m.full_name.clone(),
            m.phone.as_deref().map(display_phone).unwrap_or_default(),
            m.email.clone(),
            m.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            m.category.clone().unwrap_or_default(),
            m.tags.join(", "),
            m.notes.clone(),
            if m.sms_consent { "yes" } else { "no" }.to_owned(),
            if m.archived { "yes" } else { "no" }.to_owned(),
        ])?;
    }
    w.finish()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Phone,
    Email,
    Birth,
    Category,
    Tags,
    Notes,
    Sms,
}

fn column(header: &str) -> Option<Column> {
    let h = header.trim().trim_start_matches('\u{feff}').to_lowercase().replace(['_', '-'], " ");
    Some(match h.as_str() {
        "full name" | "name" | "member" | "имя" | "фио" | "имя и фамилия" | "фамилия имя" => {
            Column::Name
        }
        "phone" | "mobile" | "телефон" | "мобильный" => Column::Phone,
        "email" | "e mail" | "mail" | "почта" | "эл. почта" => Column::Email,
        "birth date" | "birthday" | "date of birth" | "дата рождения" | "день рождения" => {
            Column::Birth
        }
        "category" | "категория" => Column::Category,
        "tags" | "теги" | "метки" => Column::Tags,
        "notes" | "note" | "comment" | "заметки" | "примечание" | "примечания" | "комментарий" => {
            Column::Notes
        }
        "sms consent" | "sms" | "смс" | "согласие на смс" => Column::Sms,
        _ => return None,
    })
}

/// One data row of an import file: the draft (with the category still a name) or its problems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// 1-based line number in the file (the header is line 1).
    pub line: usize,
    pub draft: MemberDraft,
    pub category: String,
    /// Message ids of what is wrong; empty = importable.
    pub problems: Vec<&'static str>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ReadError {
    Empty,
    NoNameColumn,
    TooManyRows,
    Unreadable,
}

pub const MAX_ROWS: usize = 20_000;

fn yes(s: &str) -> bool {
    matches!(s.trim().to_lowercase().as_str(), "yes" | "y" | "true" | "1" | "да" | "д" | "+")
}

fn birth(s: &str) -> Result<Option<Date>, ()> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if let Ok(d) = s.parse::<Date>() {
        return Ok(Some(d));
    }
    jiff::fmt::strtime::parse("%d.%m.%Y", s).and_then(|t| t.to_date()).map(Some).map_err(|_| ())
}

/// Reads an import file. Structural problems (no name column, not CSV) fail the whole file;
/// problems of a row are listed on that row.
pub fn read(text: &str, today: Date) -> Result<Vec<ImportRow>, ReadError> {
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().ok_or(ReadError::Empty)?;
    let delimiter = if first.matches(';').count() > first.matches(',').count() { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let columns: Vec<Option<Column>> =
        reader.headers().map_err(|_| ReadError::Unreadable)?.iter().map(column).collect();
    if !columns.contains(&Some(Column::Name)) {
        return Err(ReadError::NoNameColumn);
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        if i >= MAX_ROWS {
            return Err(ReadError::TooManyRows);
        }
        let record = record.map_err(|_| ReadError::Unreadable)?;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let get = |c: Column| {
            let field = columns.iter().position(|x| *x == Some(c)).and_then(|i| record.get(i)).unwrap_or("");
            uncell(field.trim())
        };
        let mut problems = Vec::new();
        let birth_date = birth(get(Column::Birth)).unwrap_or_else(|_| {
            problems.push("birth-date-invalid");
            None
        });
        let draft = MemberDraft {
            full_name: get(Column::Name).to_owned(),
            phone: get(Column::Phone).to_owned(),
            email: get(Column::Email).to_owned(),
            birth_date,
            category_id: None,
            tags: parse_tags(get(Column::Tags)),
            notes: get(Column::Notes).to_owned(),
            // Without a column, consent is not assumed.
            sms_consent: yes(get(Column::Sms)),
        }
        .tidy();
        if let Err(found) = draft.validate(today) {
            problems.extend(found.into_iter().map(|(_, code)| code));
        }
        rows.push(ImportRow { line: i + 2, draft, category: get(Column::Category).to_owned(), problems });
    }
    if rows.is_empty() {
        return Err(ReadError::Empty);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn reads_russian_spreadsheets_with_semicolons() {
        let text = "\u{feff}ФИО;Телефон;Дата рождения;Категория;СМС\n\
                    Иванов Пётр;8 916 123-45-67;01.02.1990;Взрослый;да\n\
                    ;+7 916 000 00 00;;;\n\
                    Smith Anna;;31.02.2001;;нет\n\n";
        let rows = read(text, date(2026, 11, 29)).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].draft.full_name, "Иванов Пётр");
        assert_eq!(rows[0].draft.birth_date, Some(date(1990, 2, 1)));
        assert_eq!(rows[0].category, "Взрослый");
        assert!(rows[0].draft.sms_consent && rows[0].problems.is_empty());
        assert_eq!((rows[1].line, rows[1].problems.clone()), (3, vec!["member-name-required"]));
        assert_eq!(rows[2].problems, vec!["birth-date-invalid"]);
    }

    #[test]
    fn a_file_without_names_is_refused() {
        assert_eq!(read("phone,email\n123,a@b.c\n", date(2026, 1, 1)), Err(ReadError::NoNameColumn));
        assert_eq!(read("", date(2026, 1, 1)), Err(ReadError::Empty));
        assert_eq!(read("name\n", date(2026, 1, 1)), Err(ReadError::Empty));
    }
}
