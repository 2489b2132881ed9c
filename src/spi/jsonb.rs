//! `jsonb` arguments read through PostgreSQL's own jsonb code, never through a serde round trip.
//!
//! pgrx's `JsonB` argument prints the value and parses it back with serde_json, which raises (XX000)
//! on what PostgreSQL accepts and serde does not: numbers beyond f64 (`1e400`) and nesting deeper than
//! 128. A mirror holds such values (Odoo Studio fields), and a caller may send them as parameters, so
//! every jsonb argument is a `JsonbArg`: its top level is walked with PostgreSQL's jsonb iterator, and its
//! text (for parameters, parsed where the caller maps a failure to 22023) comes from `jsonb_out`.

use std::borrow::Cow;

use pgrx::callconv::{Arg, ArgAbi};
use pgrx::nullable::Nullable;
use pgrx::prelude::*;

/// A detoasted jsonb argument, valid for the current call.
pub struct JsonbArg(*mut pg_sys::Jsonb);

pgrx::impl_sql_translatable!(JsonbArg, arg_only = "jsonb");

impl FromDatum for JsonbArg {
    unsafe fn from_polymorphic_datum(datum: pg_sys::Datum, is_null: bool, _: pg_sys::Oid) -> Option<Self> {
        if is_null {
            return None;
        }
        // jsonb needs its 4-byte header: pg_detoast_datum (not _packed), as DatumGetJsonbP does.
        let detoasted = unsafe { pg_sys::pg_detoast_datum(datum.cast_mut_ptr::<pg_sys::varlena>()) };
        Some(JsonbArg(detoasted.cast::<pg_sys::Jsonb>()))
    }
}

unsafe impl<'fcx> ArgAbi<'fcx> for JsonbArg {
    unsafe fn unbox_arg_unchecked(arg: Arg<'_, 'fcx>) -> Self {
        // pgrx calls this only for a non-null argument (a STRICT function's, or after its own NULL check).
        match unsafe { arg.unbox_arg_using_from_datum() } {
            Some(value) => value,
            None => {
                pgrx::ereport!(ERROR, PgSqlErrorCode::ERRCODE_NULL_VALUE_NOT_ALLOWED, "a jsonb argument is NULL");
            }
        }
    }

    unsafe fn unbox_nullable_arg(arg: Arg<'_, 'fcx>) -> Nullable<Self> {
        unsafe { arg.unbox_arg_using_from_datum() }.into()
    }
}

/// The top level of a jsonb value, as far as text is concerned. Strings borrow from the jsonb (no copy
/// per row for the views' translated names).
pub enum TopLevel<'a> {
    /// A JSON string.
    Text(Cow<'a, str>),
    /// An object: its keys whose values are strings, with those strings, in jsonb's stored order.
    Object(Vec<(Cow<'a, str>, Cow<'a, str>)>),
    /// Anything else: a number, a boolean, null or an array.
    Other,
}

impl JsonbArg {
    /// The value's top level, read with PostgreSQL's jsonb iterator (nested values are skipped unread).
    pub fn top_level(&self) -> TopLevel<'_> {
        // SAFETY: self.0 is a detoasted jsonb of this call; the iterator only reads it, and the strings
        // it hands back point into it.
        unsafe {
            let mut iterator = pg_sys::JsonbIteratorInit(&raw mut (*self.0).root);
            let mut value: pg_sys::JsonbValue = std::mem::zeroed();
            let mut entries = Vec::new();
            let mut key: Option<Cow<'_, str>> = None;
            let mut scalar: Option<TopLevel> = None;
            let mut is_object = false;
            loop {
                let token = pg_sys::JsonbIteratorNext(&mut iterator, &mut value, true);
                match token {
                    pg_sys::JsonbIteratorToken::WJB_DONE => break,
                    pg_sys::JsonbIteratorToken::WJB_BEGIN_OBJECT => is_object = true,
                    // A scalar is stored as a one-element "raw scalar" array; any other array is no text.
                    pg_sys::JsonbIteratorToken::WJB_BEGIN_ARRAY if !value.val.array.rawScalar => {
                        return TopLevel::Other;
                    }
                    pg_sys::JsonbIteratorToken::WJB_KEY => key = string_of(&value),
                    pg_sys::JsonbIteratorToken::WJB_VALUE => {
                        if let (Some(name), Some(text)) = (key.take(), string_of(&value)) {
                            entries.push((name, text));
                        }
                    }
                    pg_sys::JsonbIteratorToken::WJB_ELEM => {
                        scalar = Some(string_of(&value).map_or(TopLevel::Other, TopLevel::Text));
                    }
                    _ => {}
                }
            }
            if is_object {
                TopLevel::Object(entries)
            } else {
                scalar.unwrap_or(TopLevel::Other)
            }
        }
    }

    /// The value as a serde_json value, for parameters and model documents. Err says what serde could
    /// not read (a number beyond double precision, nesting deeper than 128); callers answer 22023.
    pub fn parse(&self) -> Result<serde_json::Value, String> {
        serde_json::from_str(&self.to_json_text())
            .map_err(|error| format!("cannot be read (numbers must fit double precision, nesting 128 levels): {error}"))
    }

    /// The value as JSON text, printed by PostgreSQL (`jsonb_out`).
    pub fn to_json_text(&self) -> String {
        // SAFETY: jsonb_out reads a valid jsonb and returns a palloc'd C string of this call.
        unsafe {
            let text = pg_sys::JsonbToCString(
                std::ptr::null_mut(),
                &raw mut (*self.0).root,
                i32::try_from(pgrx::varlena::varsize_any(self.0.cast())).unwrap_or(i32::MAX),
            );
            let owned = std::ffi::CStr::from_ptr(text).to_string_lossy().into_owned();
            pg_sys::pfree(text.cast());
            owned
        }
    }
}

/// The text of a jsonb string value, borrowed from the jsonb; None for any other kind of value.
///
/// # Safety
/// `value` must come from the jsonb iterator of a value that stays in memory for `'a`.
unsafe fn string_of<'a>(value: &pg_sys::JsonbValue) -> Option<Cow<'a, str>> {
    if value.type_ != pg_sys::jbvType::jbvString {
        return None;
    }
    let string = unsafe { value.val.string };
    let length = usize::try_from(string.len).ok()?;
    let bytes = unsafe { std::slice::from_raw_parts(string.val.cast::<u8>(), length) };
    Some(String::from_utf8_lossy(bytes))
}
