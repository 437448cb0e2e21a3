//! Amounts of money: integer minor units of the club currency, parsed from what staff type and
//! shown the way each language writes money.

use crate::i18n::Locale;

/// An amount however a template holds it (a value, or a reference to one, or to that).
pub trait Minor {
    fn minor(&self) -> i64;
}

impl Minor for i64 {
    fn minor(&self) -> i64 {
        *self
    }
}

impl<T: Minor + ?Sized> Minor for &T {
    fn minor(&self) -> i64 {
        (**self).minor()
    }
}

/// Minor units per major unit, and how many decimals that is, for an ISO 4217 code.
pub fn exponent(currency: &str) -> u32 {
    iso_currency::Currency::from_code(currency).and_then(|c| c.exponent()).map_or(2, u32::from)
}

fn symbol(currency: &str) -> String {
    iso_currency::Currency::from_code(currency).map_or_else(|| currency.to_owned(), |c| c.symbol().symbol)
}

/// A spreadsheet's number format for amounts of `currency`: `#,##0.00 "₽"` (the program shows
/// the grouping and decimal marks of the reader's language).
pub fn spreadsheet_format(currency: &str) -> String {
    let decimals = "0".repeat(exponent(currency) as usize);
    let number = if decimals.is_empty() { "#,##0".to_owned() } else { format!("#,##0.{decimals}") };
    format!("{number} \"{}\"", symbol(currency).replace('"', ""))
}

/// `minor` in major units, as a spreadsheet holds an amount.
pub fn major(minor: i64, currency: &str) -> f64 {
    minor as f64 / 10f64.powi(exponent(currency) as i32)
}

/// An amount a form may leave blank, which means none.
pub fn parse_or_zero(text: &str, currency: &str) -> Result<i64, &'static str> {
    if text.trim().is_empty() { Ok(0) } else { parse(text, currency) }
}

/// Reads an amount typed by staff ("1200", "1 200,50", "1200.5", "-300") into minor units.
/// Errors are message ids: not a number, more decimals than the currency has, too large.
pub fn parse(text: &str, currency: &str) -> Result<i64, &'static str> {
    let digits_after = exponent(currency) as usize;
    let cleaned: String = text.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\'').collect();
    let (negative, body) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.as_str()),
    };
    if body.is_empty() {
        return Err("amount-invalid");
    }
    // The last '.' or ',' is the decimal mark when 1 or 2 digits follow; a ',' followed by
    // three digits is a thousands separator ("1,200").
    let mark = body.rfind(['.', ',']).filter(|&at| body.len() - at - 1 != 3 || body[at..].starts_with('.'));
    let (whole, fraction) = match mark {
        Some(at) => (&body[..at], &body[at + 1..]),
        None => (body, ""),
    };
    // Grouped thousands must be whole groups ("1,200,000"), never "1,5" or "1,5,5".
    let mut groups = whole.split([',', '.']);
    let first = groups.next().unwrap_or("");
    let grouped = whole.len() > first.len();
    let separator_is_mark = mark.is_some_and(|at| whole.contains(&body[at..=at]));
    if grouped && (first.is_empty() || first.len() > 3 || separator_is_mark || groups.any(|g| g.len() != 3)) {
        return Err("amount-invalid");
    }
    let whole: String = whole.chars().filter(|c| *c != ',' && *c != '.').collect();
    if whole.is_empty() && fraction.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return Err("amount-invalid");
    }
    if fraction.len() > digits_after {
        return Err("amount-precision");
    }
    let scale = 10i64.pow(digits_after as u32);
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| "amount-too-large")? };
    let fraction: i64 = format!("{fraction:0<digits_after$}").parse().unwrap_or(0);
    let minor = whole.checked_mul(scale).and_then(|w| w.checked_add(fraction)).ok_or("amount-too-large")?;
    // A million in the major unit is far beyond anything a desk takes at once.
    if minor > MAX_MAJOR * scale {
        return Err("amount-too-large");
    }
    Ok(if negative { -minor } else { minor })
}

/// The largest amount one entry may carry, in major units.
pub const MAX_MAJOR: i64 = 10_000_000;

/// An amount a desk may take or pay out in one go: above zero and not absurd.
pub fn check_positive(amount: i64, field: &str) -> Result<(), crate::core::Rejection> {
    if amount <= 0 || amount > MAX_MAJOR * 100 {
        return Err(crate::core::Rejection::new("amount-out-of-range").on(field));
    }
    Ok(())
}

/// `minor` for a form field: "1200" or "1200.50", no grouping, a '.' mark.
pub fn plain(minor: i64, currency: &str) -> String {
    let e = exponent(currency) as usize;
    if e == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(e as u32);
    let sign = if minor < 0 { "-" } else { "" };
    let (whole, fraction) = (minor.abs() / scale, minor.abs() % scale);
    if fraction == 0 { format!("{sign}{whole}") } else { format!("{sign}{whole}.{fraction:0e$}") }
}

/// `minor` as people read it: "1 200,50 ₽" in Russian, "₽1,200.50" in English.
pub fn show(locale: Locale, minor: i64, currency: &str) -> String {
    let e = exponent(currency) as usize;
    let scale = 10i64.pow(e as u32);
    let (whole, fraction) = (minor.abs() / scale, minor.abs() % scale);
    let (group, mark) = match locale {
        Locale::Ru => ('\u{a0}', ','),
        Locale::En => (',', '.'),
    };
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(c);
    }
    if e > 0 {
        grouped.push(mark);
        grouped.push_str(&format!("{fraction:0e$}"));
    }
    let sign = if minor < 0 { "−" } else { "" };
    let symbol = symbol(currency);
    match locale {
        Locale::Ru => format!("{sign}{grouped}\u{a0}{symbol}"),
        Locale::En => format!("{sign}{symbol}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_amounts_become_minor_units() {
        let table = [
            ("1200", "RUB", Ok(120_000)),
            ("1 200,50", "RUB", Ok(120_050)),
            ("1200.5", "RUB", Ok(120_050)),
            ("1,200", "USD", Ok(120_000)),
            ("1,200.25", "USD", Ok(120_025)),
            ("1.200,50", "EUR", Ok(120_050)),
            ("1,200,000", "USD", Ok(120_000_000)),
            ("1,5,5", "RUB", Err("amount-invalid")),
            ("1,50,5", "RUB", Err("amount-invalid")),
            ("1,200,50", "RUB", Err("amount-invalid")),
            ("12,00", "RUB", Ok(1_200)),
            (",5", "RUB", Ok(50)),
            ("0,5", "EUR", Ok(50)),
            ("-300", "RUB", Ok(-30_000)),
            ("500", "JPY", Ok(500)),
            ("12.345", "RUB", Err("amount-precision")),
            ("5.5", "JPY", Err("amount-precision")),
            ("", "RUB", Err("amount-invalid")),
            ("12a", "RUB", Err("amount-invalid")),
            ("1e5", "RUB", Err("amount-invalid")),
            ("99999999999999999999", "RUB", Err("amount-too-large")),
            ("20000000", "RUB", Err("amount-too-large")),
        ];
        for (text, currency, want) in table {
            assert_eq!(parse(text, currency), want, "{text} {currency}");
        }
    }

    #[test]
    fn amounts_read_as_each_language_writes_money() {
        assert_eq!(show(Locale::Ru, 120_050, "RUB"), "1\u{a0}200,50\u{a0}₽");
        assert_eq!(show(Locale::En, 120_050, "GBP"), "£1,200.50");
        assert_eq!(show(Locale::En, -5_000, "EUR"), "−€50.00");
        assert_eq!(show(Locale::En, 1_234_567, "JPY"), "¥1,234,567");
        assert_eq!(plain(120_050, "RUB"), "1200.50");
        assert_eq!(plain(120_000, "RUB"), "1200");
        assert_eq!(plain(-5, "EUR"), "-0.05");
    }
}
