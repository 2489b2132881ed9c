//! PostgreSQL's numeric to f64, read from its stored form. Pure Rust, unit-tested.
//!
//! Why: `numeric::float8` in SQL prints the number and parses the text back, which was the largest
//! single cost of reading a million invoices for churn scoring. The stored form is simple: a 16-bit
//! header, for the long form a 16-bit weight, then base-10000 digits. Amounts (at most 16 significant
//! decimal digits, scale up to 22) convert with one correctly rounded operation, so the result is
//! the same f64 as PostgreSQL's cast; anything else goes through Rust's correctly rounded parser.

const SIGN_MASK: u16 = 0xC000;
const NEGATIVE: u16 = 0x4000;
const SHORT: u16 = 0x8000;
const SPECIAL: u16 = 0xC000;
const SHORT_NEGATIVE: u16 = 0x2000;
const SHORT_WEIGHT_NEGATIVE: u16 = 0x0040;
const SHORT_WEIGHT_MASK: u16 = 0x003F;
const NBASE: u64 = 10_000;

/// The value of a numeric's stored payload (the bytes after the varlena length header), or None for
/// NaN, ±Infinity and malformed input.
pub fn payload_to_f64(payload: &[u8]) -> Option<f64> {
    let word = |index: usize| -> Option<u16> {
        let bytes = payload.get(index..index + 2)?;
        Some(u16::from_ne_bytes([bytes[0], bytes[1]]))
    };
    let header = word(0)?;
    if header & SIGN_MASK == SPECIAL {
        return None;
    }
    let (negative, weight, first_digit) = if header & SHORT != 0 {
        let magnitude = i32::from(header & SHORT_WEIGHT_MASK);
        let weight = if header & SHORT_WEIGHT_NEGATIVE != 0 { magnitude - 64 } else { magnitude };
        (header & SHORT_NEGATIVE != 0, weight, 2)
    } else {
        (header & SIGN_MASK == NEGATIVE, i32::from(word(2)? as i16), 4)
    };
    let digit_bytes = payload.get(first_digit..)?;
    if digit_bytes.len() % 2 != 0 {
        return None;
    }
    let digits = digit_bytes.chunks_exact(2).map(|pair| u16::from_ne_bytes([pair[0], pair[1]]));
    if digits.clone().any(|digit| u64::from(digit) >= NBASE) {
        return None;
    }
    let magnitude = magnitude(digits, digit_bytes.len() / 2, weight);
    Some(if negative { -magnitude } else { magnitude })
}

/// Powers of ten exactly representable in f64.
const POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// |value| of `count` base-10000 `digits` whose first digit has `weight` (digit × 10000^weight).
fn magnitude(digits: impl Iterator<Item = u16> + Clone, count: usize, weight: i32) -> f64 {
    if count == 0 {
        return 0.0;
    }
    // Fast path: at most 4 digits make an integer mantissa below 10^16, and a power of ten up to 22
    // is exact in f64, so one multiplication or division rounds once, like strtod.
    let exponent = 4 * (weight + 1 - count as i32);
    if count <= 4 && (-22..=22).contains(&exponent) {
        let mantissa = digits.clone().fold(0u64, |acc, digit| acc * NBASE + u64::from(digit));
        if mantissa < (1u64 << 53) {
            let power = POWERS_OF_TEN[exponent.unsigned_abs() as usize];
            return if exponent >= 0 { mantissa as f64 * power } else { mantissa as f64 / power };
        }
    }
    // Otherwise the decimal text, parsed by Rust (correctly rounded).
    let mut text = String::with_capacity(count * 4 + 8);
    for digit in digits {
        text.push_str(&format!("{digit:04}"));
    }
    text.push_str(&format!("e{exponent}"));
    text.parse::<f64>().unwrap_or(f64::NAN).abs()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn short(negative: bool, weight: i32, dscale: u16, digits: &[u16]) -> Vec<u8> {
        let weight_bits =
            if weight < 0 { SHORT_WEIGHT_NEGATIVE | ((weight + 64) as u16 & SHORT_WEIGHT_MASK) } else { weight as u16 };
        let header = SHORT | if negative { SHORT_NEGATIVE } else { 0 } | (dscale << 7) | weight_bits;
        let mut bytes = header.to_ne_bytes().to_vec();
        digits.iter().for_each(|digit| bytes.extend(digit.to_ne_bytes()));
        bytes
    }

    fn long(negative: bool, weight: i16, dscale: u16, digits: &[u16]) -> Vec<u8> {
        let header = if negative { NEGATIVE } else { 0 } | dscale;
        let mut bytes = header.to_ne_bytes().to_vec();
        bytes.extend(weight.to_ne_bytes());
        digits.iter().for_each(|digit| bytes.extend(digit.to_ne_bytes()));
        bytes
    }

    #[test]
    #[allow(clippy::excessive_precision, clippy::approx_constant)] // the decoded digits, as written
    fn amounts_convert_exactly_as_strtod_would() {
        assert_eq!(payload_to_f64(&short(false, 1, 2, &[1, 2345, 6700])), Some(12345.67));
        assert_eq!(payload_to_f64(&short(true, 1, 2, &[1, 2345, 6700])), Some(-12345.67));
        assert_eq!(payload_to_f64(&short(false, -1, 2, &[500])), Some(0.05));
        assert_eq!(payload_to_f64(&short(false, 0, 0, &[])), Some(0.0));
        assert_eq!(payload_to_f64(&short(false, 0, 2, &[121])), Some(121.0));
        assert_eq!(payload_to_f64(&long(false, 0, 10, &[3, 1415, 9265, 3589, 7932])), Some(3.14159265358979320));
        assert_eq!(payload_to_f64(&long(true, 5, 0, &[9])), Some(-9e20));
        // Every cent from 0 to 100 000 in steps of 0.37: the same f64 as parsing the text.
        let mut cents = 0u64;
        while cents < 10_000_000 {
            let text = format!("{}.{:02}", cents / 100, cents % 100);
            let integer = cents / 100;
            let mut digits = Vec::new();
            let mut rest = integer;
            while rest > 0 {
                digits.insert(0, (rest % NBASE) as u16);
                rest /= NBASE;
            }
            let weight = digits.len() as i32 - 1;
            digits.push(((cents % 100) * 100) as u16);
            let weight = if integer == 0 { -1 } else { weight };
            let digits: Vec<u16> = if integer == 0 { digits[digits.len() - 1..].to_vec() } else { digits };
            let digits: Vec<u16> = if digits.last() == Some(&0) { digits[..digits.len() - 1].to_vec() } else { digits };
            assert_eq!(payload_to_f64(&short(false, weight, 2, &digits)), text.parse::<f64>().ok(), "{text}");
            cents += 37;
        }
    }

    #[test]
    fn special_and_malformed_values_are_none() {
        assert_eq!(payload_to_f64(&0xC000u16.to_ne_bytes()), None);
        assert_eq!(payload_to_f64(&0xD000u16.to_ne_bytes()), None);
        assert_eq!(payload_to_f64(&[1]), None);
        assert_eq!(payload_to_f64(&short(false, 0, 0, &[10_000])), None);
        let mut odd = short(false, 0, 0, &[5]);
        odd.push(0);
        assert_eq!(payload_to_f64(&odd), None);
    }

    #[test]
    fn very_long_numbers_take_the_exact_text_path() {
        let digits = [1234, 5678, 9012, 3456, 7890, 1234];
        let value = payload_to_f64(&long(false, 2, 0, &digits)).expect("finite");
        assert_eq!(value, "123456789012.345678901234".parse::<f64>().expect("parse"));
    }
}
