//! Money in the funds pages: cents written in the page's language, and euros as typed read
//! back as cents.

use crate::i18n::Lang;

/// Cents as money in the page's language: `€ 1.234,56` (nl), `€1,234.56` (en), `1.234,56 €` (it).
pub fn money(cents: i64, lang: Lang) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let (euros, rest) = (cents.abs() / 100, cents.abs() % 100);
    let digits = euros.to_string();
    let (group, decimal) = if lang == Lang::En { (',', '.') } else { ('.', ',') };
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(group);
        }
        grouped.push(c);
    }
    match lang {
        Lang::En => format!("{sign}€{grouped}{decimal}{rest:02}"),
        // A no-break space keeps the sign with the amount when a table cell wraps.
        Lang::Nl => format!("{sign}€\u{a0}{grouped}{decimal}{rest:02}"),
        _ => format!("{sign}{grouped}{decimal}{rest:02}\u{a0}€"),
    }
}

/// Euros as typed ("12", "12,50", "12.50", "€ 1.250,00") as cents; `None` when it is not money.
pub fn parse_euros(raw: &str) -> Option<i64> {
    let text: String = raw.trim().trim_start_matches('€').trim().chars().filter(|c| !c.is_whitespace()).collect();
    if text.is_empty() || text.len() > 15 {
        return None;
    }
    // The last separator followed by one or two digits is the decimal one; others group.
    let (whole, fraction) = match text.rfind([',', '.']) {
        Some(at) if text.len() - at - 1 <= 2 => (&text[..at], &text[at + 1..]),
        _ => (text.as_str(), ""),
    };
    let whole: String = whole.chars().filter(|c| *c != '.' && *c != ',').collect();
    if !whole.chars().all(|c| c.is_ascii_digit()) || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let euros: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let cents: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    euros.checked_mul(100)?.checked_add(cents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_and_writes_in_each_language() {
        assert_eq!(money(123_456, Lang::Nl), "€\u{a0}1.234,56");
        assert_eq!(money(123_456, Lang::En), "€1,234.56");
        assert_eq!(money(5, Lang::It), "0,05\u{a0}€");
        assert_eq!(parse_euros("12,50"), Some(1_250));
        assert_eq!(parse_euros("€ 1.250,00"), Some(125_000));
        assert_eq!(parse_euros("1,250.5"), Some(125_050));
        assert_eq!(parse_euros("12"), Some(1_200));
        assert_eq!(parse_euros("twaalf"), None);
    }
}
