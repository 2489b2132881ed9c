//! `odoo_mirror.translated_text()`, called by the views for every row.

use pgrx::prelude::*;

use crate::spi::jsonb::{JsonbArg, TopLevel};
use crate::views::translations;

/// Text of an Odoo translated (jsonb) field: p_lang, else en_US, else the first translation. The views
/// call it for every row: native code, because a SQL function with a fixed search_path is never
/// inlined and runs through the SQL-function executor on every call, many times slower. The map is read
/// by PostgreSQL's jsonb code, so no value the mirror can hold makes it raise.
#[pg_extern(immutable, parallel_safe, strict)]
#[search_path(pg_catalog, pg_temp)]
pub fn translated_text(p_value: JsonbArg, p_lang: default!(&str, "'en_US'")) -> Option<String> {
    match p_value.top_level() {
        TopLevel::Text(text) => Some(text.into_owned()),
        TopLevel::Object(entries) => {
            translations::translation(entries.iter().map(|(key, text)| (key.as_ref(), text.as_ref())), p_lang)
                .map(str::to_string)
        }
        TopLevel::Other => None,
    }
}
