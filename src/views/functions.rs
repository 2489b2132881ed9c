//! `odoo_mirror.translated_text()`, called by the views for every row.

use pgrx::prelude::*;

use crate::views::translations;

/// Text of an Odoo translated (jsonb) field: p_lang, else en_US, else the first translation. The views
/// call it for every row: native code, because a SQL function with a fixed search_path is never
/// inlined and runs through the SQL-function executor on every call, many times slower.
#[pg_extern(immutable, parallel_safe, strict)]
#[search_path(pg_catalog, pg_temp)]
pub fn translated_text(p_value: pgrx::JsonB, p_lang: default!(&str, "'en_US'")) -> Option<String> {
    translations::translation(&p_value.0, p_lang)
}
