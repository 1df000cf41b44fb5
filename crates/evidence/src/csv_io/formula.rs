//! Cells that a spreadsheet would run as a formula (OWASP "CSV injection"): a text beginning
//! with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a leading `'`, which
//! spreadsheets show as text and never evaluate. Labels in desist's CSVs come from imported
//! extracts, so any of them may begin so.
//!
//! The interchange files must still read back exactly, so reading takes one `'` off a cell
//! that is `'` followed by such a text (or by more quotes and then one): writing adds a quote
//! to every cell of the form `'*` + trigger, reading removes one, and `restore(neutralise(x))`
//! is `x` for every `x`.

use std::borrow::Cow;

const TRIGGERS: &[u8] = b"=+-@\t\r";

/// `'`s, then a trigger character.
fn quoted_trigger(cell: &[u8]) -> bool {
    let quotes = cell.iter().take_while(|&&b| b == b'\'').count();
    cell.get(quotes).is_some_and(|b| TRIGGERS.contains(b))
}

/// The cell as a spreadsheet can open it safely.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if quoted_trigger(cell.as_bytes()) { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

/// A cell as it was before [`neutralise`].
pub fn restore(cell: &[u8]) -> &[u8] {
    match cell.first() {
        Some(b'\'') if quoted_trigger(&cell[1..]) => &cell[1..],
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_written_as_text() {
        for formula in ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(formula), format!("'{formula}"));
        }
        for plain in ["theft", "P001", "", "'quoted", "a=b", "2026-01-01"] {
            assert_eq!(neutralise(plain), plain);
        }
    }

    #[test]
    fn every_cell_reads_back_as_it_was() {
        for cell in ["=1", "'=1", "''=1", "'", "''", "'x", "x", "", "-", "@", "'@a", "é=", "=é"] {
            let written = neutralise(cell);
            assert_eq!(restore(written.as_bytes()), cell.as_bytes(), "{cell:?} → {written:?}");
        }
    }
}
