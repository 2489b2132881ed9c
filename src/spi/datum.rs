//! Decoding the raw datums of streamed rows (`spi::stream_rows`): days, timestamps, numerics and text,
//! read from their stored forms without a round trip through SQL.

use pgrx::prelude::*;

use crate::spi::numeric;

/// Dates outside ±1,000,000 days of 2000 (infinity included) are not invoice dates; keeping days in
/// this range keeps every difference of two days far from i32 overflow.
pub const DAY_LIMIT: i32 = 1_000_000;
pub const MICROSECONDS_PER_DAY: i64 = 86_400_000_000;

/// The day of an unknown change: after every usable date.
pub const UNKNOWN_DAY: i32 = DAY_LIMIT + 1;

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
