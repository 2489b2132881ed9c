//! What the analytics views (src/sql/views.sql) need in native code: `translated_text`, the text of
//! an Odoo translated (jsonb) field.

pub(crate) mod functions;
pub mod translations;
