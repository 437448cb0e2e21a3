//! English and Russian: Project Fluent messages compiled into the binary, one bundle per locale.
//! Dates and times are formatted with patterns that are themselves messages, so each language
//! decides its own order and separators.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use serde::{Deserialize, Serialize};
use unic_langid::{LanguageIdentifier, langid};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    Ru,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Ru];

    pub fn as_str(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Ru => "ru",
        }
    }

    pub fn parse(s: &str) -> Option<Locale> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Locale::En),
            "ru" => Some(Locale::Ru),
            _ => None,
        }
    }

    /// The language's own name, for language pickers.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Ru => "Русский",
        }
    }

    fn langid(self) -> LanguageIdentifier {
        match self {
            Locale::En => langid!("en"),
            Locale::Ru => langid!("ru"),
        }
    }

    fn source(self) -> &'static str {
        match self {
            Locale::En => include_str!("en.ftl"),
            Locale::Ru => include_str!("ru.ftl"),
        }
    }
}

fn bundle(locale: Locale) -> FluentBundle<FluentResource> {
    let resource = FluentResource::try_new(locale.source().to_owned())
        .unwrap_or_else(|(_, errors)| panic!("{}.ftl does not parse: {errors:?}", locale.as_str()));
    let mut bundle = FluentBundle::new_concurrent(vec![locale.langid()]);
    // No Unicode isolation marks: the text goes into HTML and the console, not mixed-direction UI.
    bundle.set_use_isolating(false);
    bundle.add_resource(resource).expect("no duplicate message ids");
    bundle
}

static BUNDLES: LazyLock<[FluentBundle<FluentResource>; 2]> =
    LazyLock::new(|| [bundle(Locale::En), bundle(Locale::Ru)]);

fn bundle_for(locale: Locale) -> &'static FluentBundle<FluentResource> {
    &BUNDLES[match locale {
        Locale::En => 0,
        Locale::Ru => 1,
    }]
}

/// The message `id` in `locale`, with arguments. A missing id comes back as itself (and a
/// test keeps that from ever happening).
pub fn tr_args(locale: Locale, id: &str, args: &[(&str, &str)]) -> String {
    let bundle = bundle_for(locale);
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        tracing::warn!(id, locale = locale.as_str(), "missing translation");
        return id.to_owned();
    };
    let mut fargs = FluentArgs::new();
    for (k, v) in args {
        // Numbers go in as numbers, so messages can choose plural forms (1 command, 2 commands);
        // digits that are not written as a number is ("012345", a code) stay as written.
        match v.parse::<i64>() {
            Ok(n) if n.to_string() == *v => fargs.set(*k, n),
            _ => fargs.set(*k, (*v).to_owned()),
        }
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
    text.into_owned()
}

pub fn tr(locale: Locale, id: &str) -> String {
    tr_args(locale, id, &[])
}

pub fn has(locale: Locale, id: &str) -> bool {
    bundle_for(locale).has_message(id)
}

/// Date and time in the club's zone, in the locale's pattern.
pub fn datetime(locale: Locale, at: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> String {
    at.to_zoned_datetime(tz.clone()).strftime(&tr(locale, "fmt-datetime")).to_string()
}

/// "1 h 30 min" for a length in minutes.
pub fn duration(locale: Locale, minutes: u16) -> String {
    let n = |id: &str, v: u16| tr_args(locale, id, &[("n", &v.to_string())]);
    match (minutes / 60, minutes % 60) {
        // Nothing at all reads as hours, as the larger amounts beside it do.
        (0, 0) => n("hours-n", 0),
        (0, m) => n("minutes", m),
        (h, 0) => n("hours-n", h),
        (h, m) => format!("{} {}", n("hours-n", h), n("minutes", m)),
    }
}

/// `value` with up to `places` decimals, as the language writes them ("6.5", "6,5"; "855", not
/// "855.0").
pub fn decimal(locale: Locale, value: f64, places: usize) -> String {
    let text = format!("{value:.places$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { &text };
    match locale {
        Locale::Ru => text.replace('.', ","),
        Locale::En => text.to_owned(),
    }
}

/// A file's size in megabytes ("44.6 MB", "44,6 МБ").
pub fn megabytes(locale: Locale, bytes: u64) -> String {
    tr_args(locale, "size-mb", &[("n", &decimal(locale, bytes as f64 / 1_048_576.0, 1))])
}

pub fn date(locale: Locale, day: jiff::civil::Date) -> String {
    day.strftime(&tr(locale, "fmt-date")).to_string()
}

/// A command's refusal as a sentence in `locale`.
pub fn rejection_text(locale: Locale, r: &crate::core::Rejection) -> String {
    let args: Vec<(&str, &str)> = r.args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    // Field rules (a username too short, ...) share their message with the form check.
    let id = format!("reject-{}", r.code);
    let id = if has(locale, &id) { id } else { r.code.clone() };
    tr_args(locale, &id, &args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(source: &str) -> Vec<String> {
        source
            .lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_owned()))
            .collect()
    }

    #[test]
    fn decimals_are_written_as_each_language_writes_them() {
        assert_eq!(decimal(Locale::En, 855.0, 1), "855");
        assert_eq!(decimal(Locale::En, 6.25, 1), "6.2");
        assert_eq!(decimal(Locale::Ru, 6.5, 1), "6,5");
        assert_eq!(megabytes(Locale::Ru, 46_766_080), "44,6 МБ");
    }

    #[test]
    fn both_languages_have_the_same_messages() {
        let en = ids(Locale::En.source());
        let ru = ids(Locale::Ru.source());
        let missing_ru: Vec<_> = en.iter().filter(|id| !ru.contains(id)).collect();
        let missing_en: Vec<_> = ru.iter().filter(|id| !en.contains(id)).collect();
        assert!(missing_ru.is_empty(), "missing in ru.ftl: {missing_ru:?}");
        assert!(missing_en.is_empty(), "missing in en.ftl: {missing_en:?}");
        for locale in Locale::ALL {
            let _ = bundle(locale);
        }
    }

    /// Every message id the templates and the code ask for exists.
    #[test]
    fn every_used_message_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut missing = Vec::new();
        let mut files = Vec::new();
        collect(&root.join("templates"), &mut files);
        collect(&root.join("src"), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            // (marker, how many quoted strings to skip before the id)
            for (marker, skip) in
                [(".t(\"", 0), (".ta(\"", 0), ("tr(locale, \"", 0), ("tr_args(locale, \"", 0), (".add(locale, \"", 1)]
            {
                for part in text.split(marker).skip(1) {
                    let id = part.split('"').nth(skip * 2).unwrap_or_default();
                    if !id.is_empty() && !id.contains(['{', ' ']) && !has(Locale::En, id) {
                        missing.push(format!("{}: {id}", file.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "messages used but not defined: {missing:#?}");
    }

    fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect(&path, out);
            } else if path.extension().is_some_and(|e| e == "html" || e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn plurals_follow_each_language() {
        let count = |l, n: &str| tr_args(l, "audit-count", &[("count", n)]);
        assert_eq!(count(Locale::En, "1"), "1 command");
        assert_eq!(count(Locale::En, "3"), "3 commands");
        assert_eq!(count(Locale::Ru, "1"), "1 команда");
        assert_eq!(count(Locale::Ru, "3"), "3 команды");
        assert_eq!(count(Locale::Ru, "11"), "11 команд");
    }

    /// A sign-in code is six digits as sent, never a number with its leading zero dropped.
    #[test]
    fn digits_that_are_not_a_number_stay_as_written() {
        let sms = |code: &str| tr_args(Locale::En, "portal-code-sms", &[("club", "Club"), ("code", code)]);
        assert!(sms("012345").contains("is 012345."), "{}", sms("012345"));
        assert!(sms("123456").contains("is 123456."), "{}", sms("123456"));
    }

    #[test]
    fn dates_follow_the_locale() {
        let at: jiff::Timestamp = "2026-11-29T15:04:00Z".parse().unwrap();
        let tz = jiff::tz::TimeZone::get("Europe/Moscow").unwrap();
        assert_eq!(datetime(Locale::Ru, at, &tz), "29.11.2026 18:04");
        assert_eq!(datetime(Locale::En, at, &tz), "29 Nov 2026, 18:04");
        assert_eq!(date(Locale::En, jiff::civil::date(2026, 11, 29)), "29 November 2026");
    }
}
