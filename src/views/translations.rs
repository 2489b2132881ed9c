//! Odoo's translated fields: jsonb objects such as `{"en_US": "Done", "fr_FR": "Fait"}`, read as Odoo
//! reads them. Pure Rust over the object's string entries (the caller reads them from the jsonb).

/// From the (language, text) entries of a translation map: the text for `lang`, else the en_US text,
/// else the text of the first language code in byte order. None for a map without text.
pub fn translation<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>, lang: &str) -> Option<&'a str> {
    let mut english = None;
    let mut first: Option<(&str, &str)> = None;
    for (key, text) in entries {
        if key == lang {
            return Some(text);
        }
        if key == "en_US" {
            english = Some(text);
        }
        if first.is_none_or(|(first_key, _)| key < first_key) {
            first = Some((key, text));
        }
    }
    english.or(first.map(|(_, text)| text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requested_language_then_english_then_any() {
        let name = [("en_US", "Done"), ("fr_FR", "Fait")];
        assert_eq!(translation(name, "fr_FR"), Some("Fait"));
        assert_eq!(translation(name, "de_DE"), Some("Done"));
        let only_others = [("nl_NL", "Klaar"), ("de_DE", "Fertig")];
        assert_eq!(translation(only_others, "en_US"), Some("Fertig"));
    }

    #[test]
    fn an_empty_map_has_no_text() {
        assert_eq!(translation([], "en_US"), None);
        assert_eq!(translation([("fr_FR", "Fait")], "fr_FR"), Some("Fait"));
    }
}
