//! Person identifiers. Each kind is parsed into a canonical form, so the same number typed
//! with spaces, dots or lower case is recognised as the same identifier (duplicate detection
//! depends on it).

use crate::validation::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierKind {
    /// Dutch citizen service number (burgerservicenummer), 9 digits passing the 11-check.
    Bsn,
    /// England & Wales Police National Computer id, e.g. `03/1234567L`.
    Pnc,
    /// England & Wales probation case reference number, e.g. `X123456`.
    Crn,
    /// A free identifier from a local system.
    Local,
}

impl IdentifierKind {
    pub const ALL: [IdentifierKind; 4] = [Self::Bsn, Self::Pnc, Self::Crn, Self::Local];

    pub fn code(self) -> &'static str {
        match self {
            Self::Bsn => "bsn",
            Self::Pnc => "pnc",
            Self::Crn => "crn",
            Self::Local => "local",
        }
    }
}

impl fmt::Display for IdentifierKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for IdentifierKind {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // No kind chosen is its own error: "( is not one)" read as a fault of the form.
        if s.trim().is_empty() {
            return Err(FieldError::new("identifier_kind", "error.identifier.kind_missing"));
        }
        Self::ALL
            .into_iter()
            .find(|k| k.code() == s.trim())
            .ok_or_else(|| FieldError::new("identifier_kind", "error.identifier.unknown_kind").with("kind", s))
    }
}

/// A parsed identifier in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Identifier {
    pub kind: IdentifierKind,
    pub value: String,
}

impl Identifier {
    /// Parses `raw` as an identifier of `kind`; `field` names the form field for the error.
    pub fn parse(kind: IdentifierKind, raw: &str, field: &str) -> Result<Self, FieldError> {
        let value = match kind {
            IdentifierKind::Bsn => parse_bsn(raw),
            IdentifierKind::Pnc => parse_pnc(raw),
            IdentifierKind::Crn => parse_crn(raw),
            IdentifierKind::Local => parse_local(raw),
        }
        .map_err(|key| FieldError::new(field, key))?;
        Ok(Self { kind, value })
    }

    /// Which identifiers `raw` could be, for a search box that takes any of them: the
    /// national kinds it parses as, else — when it holds a digit, so it is no name — a local id.
    pub fn candidates(raw: &str) -> Vec<Identifier> {
        let national: Vec<Identifier> = [IdentifierKind::Bsn, IdentifierKind::Pnc, IdentifierKind::Crn]
            .into_iter()
            .filter_map(|kind| Self::parse(kind, raw, "q").ok())
            .collect();
        if national.is_empty() && raw.chars().any(|c| c.is_ascii_digit()) {
            return Self::parse(IdentifierKind::Local, raw, "q").into_iter().collect();
        }
        national
    }
}

impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind.code().to_uppercase(), self.value)
    }
}

fn compact(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_whitespace() && *c != '.' && *c != '-').collect()
}

/// The BSN 11-check: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 must be divisible by 11.
fn parse_bsn(raw: &str) -> Result<String, &'static str> {
    let digits = compact(raw);
    if digits.len() != 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("error.bsn.format");
    }
    let sum: i64 =
        digits.bytes().zip([9, 8, 7, 6, 5, 4, 3, 2, -1]).map(|(b, weight)| i64::from(b - b'0') * weight).sum();
    if sum % 11 != 0 || digits.bytes().all(|b| b == b'0') {
        return Err("error.bsn.check");
    }
    Ok(digits)
}

/// PNC id: year (2 or 4 digits), `/`, serial of up to 7 digits, check letter. The check
/// letter is (2-digit year · 10⁷ + serial) mod 23 in `ZABCDEFGHJKLMNPQRTUVWXY`. Canonical
/// form keeps the 2-digit year and a zero-padded serial, so `2003/12345X` and `03/0012345X`
/// are one person.
fn parse_pnc(raw: &str) -> Result<String, &'static str> {
    const LETTERS: &[u8; 23] = b"ZABCDEFGHJKLMNPQRTUVWXY";
    let text = compact(raw).to_uppercase();
    let (year, rest) = text.split_once('/').ok_or("error.pnc.format")?;
    let year = match year.len() {
        2 => year,
        4 => &year[2..],
        _ => return Err("error.pnc.format"),
    };
    if rest.len() < 2 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err("error.pnc.format");
    }
    let (serial, check) = rest.split_at(rest.len() - 1);
    if serial.is_empty() || serial.len() > 7 || !serial.bytes().all(|b| b.is_ascii_digit()) {
        return Err("error.pnc.format");
    }
    let number: u64 = format!("{year}{serial:0>7}").parse().map_err(|_| "error.pnc.format")?;
    let expected = LETTERS[(number % 23) as usize] as char;
    if !check.starts_with(expected) {
        return Err("error.pnc.check");
    }
    Ok(format!("{year}/{serial:0>7}{expected}"))
}

/// CRN: one letter and six digits, e.g. `X123456`.
fn parse_crn(raw: &str) -> Result<String, &'static str> {
    let text = compact(raw).to_uppercase();
    let mut chars = text.chars();
    let valid =
        text.len() == 7 && chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_digit());
    if valid { Ok(text) } else { Err("error.crn.format") }
}

fn parse_local(raw: &str) -> Result<String, &'static str> {
    let text = raw.trim();
    if text.is_empty() {
        Err("error.required")
    } else if text.chars().count() > 64 {
        Err("error.too_long")
    } else {
        Ok(text.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bsn(raw: &str) -> Result<Identifier, FieldError> {
        Identifier::parse(IdentifierKind::Bsn, raw, "bsn")
    }

    #[test]
    fn bsn_accepts_numbers_passing_the_eleven_check() {
        // By hand: 111222333 → 9+8+7+12+10+8+9+6−3 = 66 = 6·11.
        assert_eq!(bsn("111222333").unwrap().value, "111222333");
        assert_eq!(bsn("1112.22.333").unwrap().value, "111222333");
        assert_eq!(bsn(" 111 222 333 ").unwrap().value, "111222333");
    }

    #[test]
    fn bsn_rejects_failed_check_wrong_length_and_zeros() {
        assert_eq!(bsn("111222334").unwrap_err().key, "error.bsn.check");
        assert_eq!(bsn("11122233").unwrap_err().key, "error.bsn.format");
        assert_eq!(bsn("11122233a").unwrap_err().key, "error.bsn.format");
        assert_eq!(bsn("000000000").unwrap_err().key, "error.bsn.check");
    }

    #[test]
    fn pnc_check_letter_and_canonical_form() {
        // 03·10⁷ + 12345 = 30012345; 30012345 mod 23 = 30012345 − 23·1304884 = 13 → 'N'.
        let pnc = Identifier::parse(IdentifierKind::Pnc, "2003/12345N", "pnc").unwrap();
        assert_eq!(pnc.value, "03/0012345N");
        let same = Identifier::parse(IdentifierKind::Pnc, "03/0012345n", "pnc").unwrap();
        assert_eq!(pnc, same);
        let wrong = Identifier::parse(IdentifierKind::Pnc, "03/0012345A", "pnc").unwrap_err();
        assert_eq!(wrong.key, "error.pnc.check");
        assert!(Identifier::parse(IdentifierKind::Pnc, "0312345N", "pnc").is_err());
    }

    #[test]
    fn crn_is_a_letter_and_six_digits() {
        assert_eq!(Identifier::parse(IdentifierKind::Crn, "x123456", "crn").unwrap().value, "X123456");
        assert!(Identifier::parse(IdentifierKind::Crn, "X12345", "crn").is_err());
        assert!(Identifier::parse(IdentifierKind::Crn, "1123456", "crn").is_err());
    }

    #[test]
    fn a_missing_kind_asks_for_one() {
        let err = "  ".parse::<IdentifierKind>().unwrap_err();
        assert_eq!(err.key, "error.identifier.kind_missing");
    }

    #[test]
    fn unknown_kind_is_a_specific_error() {
        let err = "passport".parse::<IdentifierKind>().unwrap_err();
        assert_eq!(err.key, "error.identifier.unknown_kind");
    }

    #[test]
    fn search_candidates_recognise_any_kind() {
        let found = Identifier::candidates("111222333");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, IdentifierKind::Bsn);
        assert!(Identifier::candidates("jansen").is_empty());
        assert_eq!(Identifier::candidates("ZSM-2026-001")[0].kind, IdentifierKind::Local);
    }
}
