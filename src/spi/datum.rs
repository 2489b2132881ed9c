//! Decoding the raw datums of streamed rows (`spi::stream_rows`): days, timestamps, numerics and text,
//! read from their stored forms without a round trip through SQL.

use pgrx::prelude::*;

use pgrx::datum::Date;

use crate::error::OdooMirrorError;
use crate::params::TextParam;
use crate::spi::numeric;

/// Dates outside ±1,000,000 days of 2000 (infinity included) are not invoice dates; keeping days in
/// this range keeps every difference of two days far from i32 overflow.
pub const DAY_LIMIT: i32 = 1_000_000;
pub const MICROSECONDS_PER_DAY: i64 = 86_400_000_000;

/// The day of an unknown change: after every usable date.
pub const UNKNOWN_DAY: i32 = DAY_LIMIT + 1;

/// A day number (days since 2000-01-01) as an ISO date, for messages.
pub fn iso_date(days: i32) -> String {
    Date::saturating_from_raw(days).to_iso_string()
}

/// An as-of date argument: finite and not after the current date (22023 otherwise); None when NULL.
pub fn as_of_days(param: TextParam, value: Option<Date>, current_date: i32) -> Result<Option<i32>, OdooMirrorError> {
    let Some(date) = value else { return Ok(None) };
    if date.is_infinity() || date.is_neg_infinity() {
        return Err(param.invalid("an infinite date").into());
    }
    let days = date.to_pg_epoch_days();
    if days > current_date {
        return Err(param.invalid(format!("{} is after today ({})", iso_date(days), iso_date(current_date))).into());
    }
    Ok(Some(days))
}

pub fn finite_day(days: i32) -> Option<i32> {
    (-DAY_LIMIT..=DAY_LIMIT).contains(&days).then_some(days)
}

/// The bytes of a varlena datum (text, varchar, numeric), detoasted if it is compressed or external.
///
/// # Safety
/// `datum` must be a non-null varlena datum valid for the current memory context's lifetime.
pub unsafe fn varlena_bytes<'a>(datum: pg_sys::Datum) -> &'a [u8] {
    let mut pointer = datum.cast_mut_ptr::<pg_sys::varlena>();
    if pgrx::varlena::varatt_is_4b_c(pointer) || pgrx::varlena::varatt_is_1b_e(pointer) {
        pointer = pg_sys::pg_detoast_datum_packed(pointer);
    }
    pgrx::varlena::varlena_to_byte_slice(pointer)
}

/// A numeric datum as f64 (None for NaN and ±Infinity).
///
/// # Safety
/// `datum` must be a numeric datum valid for the current memory context's lifetime.
pub unsafe fn numeric_to_f64(datum: pg_sys::Datum) -> Option<f64> {
    numeric::payload_to_f64(unsafe { varlena_bytes(datum) })
}

/// A timestamp datum's day (days since 2000-01-01), None when it is outside the usable range.
pub fn timestamp_day(microseconds: i64) -> Option<i32> {
    i32::try_from(microseconds.div_euclid(MICROSECONDS_PER_DAY)).ok().and_then(finite_day)
}
