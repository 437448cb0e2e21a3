//! Text as people type it, made safe to keep: characters nobody means to store are dropped at
//! the edge (forms and the JSON API), before any rule sees the text. They are the C0 and C1
//! control characters but tab and line breaks (NUL among them), and the bidirectional
//! embeddings, overrides and isolates that make "Anna" display as someone else's name
//! (the left-to-right and right-to-left marks stay: real names in Hebrew or Arabic use them).

use std::borrow::Cow;

fn unwanted(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` without the characters nobody means to store.
pub fn clean(text: &str) -> Cow<'_, str> {
    if text.chars().any(unwanted) {
        Cow::Owned(text.chars().filter(|c| !unwanted(*c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn invisible_and_direction_changing_characters_are_dropped() {
        assert_eq!(clean("Anna\u{0} Smith"), "Anna Smith");
        assert_eq!(clean("\u{202e}htimS annA"), "htimS annA");
        assert_eq!(clean("Boris\u{2066}x\u{2069}"), "Borisx");
        assert_eq!(clean("a\u{85}b\u{1b}[31m"), "ab[31m");
        assert_eq!(clean("line one\nline two\ttab\r\n"), "line one\nline two\ttab\r\n");
        assert_eq!(clean("שלום\u{200f} Иван"), "שלום\u{200f} Иван");
        assert!(matches!(clean("plain"), std::borrow::Cow::Borrowed(_)));
    }
}
