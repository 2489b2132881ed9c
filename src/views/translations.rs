//! Odoo's translated fields: jsonb objects such as `{"en_US": "Done", "fr_FR": "Fait"}`, read as Odoo
//! reads them. Pure Rust over serde_json values.

use serde_json::Value;

/// The text for `lang`, else the en_US text, else the first translation there is (by language code);
/// a plain JSON string is its own text. None for anything else.
pub fn translation(value: &Value, lang: &str) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Object(map) => {
            let text_of = |key: &str| map.get(key).and_then(Value::as_str).map(str::to_string);
            text_of(lang).or_else(|| text_of("en_US")).or_else(|| {
                let mut keys: Vec<&String> = map.iter().filter(|(_, v)| v.is_string()).map(|(k, _)| k).collect();
                keys.sort();
                keys.first().and_then(|key| text_of(key))
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requested_language_then_english_then_any() {
        let name = json!({"en_US": "Done", "fr_FR": "Fait"});
        assert_eq!(translation(&name, "fr_FR").as_deref(), Some("Fait"));
        assert_eq!(translation(&name, "de_DE").as_deref(), Some("Done"));
        let only_others = json!({"nl_NL": "Klaar", "de_DE": "Fertig"});
        assert_eq!(translation(&only_others, "en_US").as_deref(), Some("Fertig"));
    }

    #[test]
    fn plain_strings_and_odd_values() {
        assert_eq!(translation(&json!("plain"), "en_US").as_deref(), Some("plain"));
        assert_eq!(translation(&json!({}), "en_US"), None);
        assert_eq!(translation(&json!(42), "en_US"), None);
        assert_eq!(translation(&json!({"en_US": null, "fr_FR": "Fait"}), "en_US").as_deref(), Some("Fait"));
    }
}
