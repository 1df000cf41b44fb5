//! Person search: what the search box understands, and the folding that makes it case- and
//! accent-insensitive. Folding happens once, in Rust, when a person is saved (the store keeps
//! the folded tokens in an index), so both databases search the same way and fast.

use super::identifier::Identifier;
use jiff::civil::Date;
use unicode_normalization::UnicodeNormalization;

/// Lower case, accents removed, anything but letters and digits turned into a space:
/// "Özil-Van Dijk" → "ozil van dijk".
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        match c {
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ø' | 'Ø' => out.push('o'),
            'ł' | 'Ł' => out.push('l'),
            c if c.is_alphanumeric() => out.extend(c.to_lowercase()),
            _ => out.push(' '),
        }
    }
    out
}

/// The distinct folded words of a name, which the store indexes for prefix search.
pub fn name_tokens(names: &[&str]) -> Vec<String> {
    let mut tokens: Vec<String> =
        names.iter().flat_map(|n| fold(n).split_whitespace().map(str::to_string).collect::<Vec<_>>()).collect();
    tokens.sort();
    tokens.dedup();
    tokens
}

/// A parsed search: every part must match (AND). Name words match as prefixes of any of the
/// person's name words.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PersonQuery {
    pub name_prefixes: Vec<String>,
    pub birth_date: Option<Date>,
    pub identifiers: Vec<Identifier>,
}

/// At most this many name words are used; more would only slow the query down.
pub const MAX_NAME_WORDS: usize = 4;

impl PersonQuery {
    /// Reads a free-text search: dates (`1990-05-01` or `01-05-1990`) filter on date of birth,
    /// things shaped like an identifier (BSN, PNC, CRN) match identifiers, the rest are names.
    pub fn parse(text: &str) -> PersonQuery {
        let mut query = PersonQuery::default();
        for word in text.split_whitespace() {
            if let Some(date) = parse_date(word) {
                query.birth_date = Some(date);
                continue;
            }
            let ids = Identifier::candidates(word);
            if !ids.is_empty() {
                query.identifiers.extend(ids);
                continue;
            }
            for part in fold(word).split_whitespace() {
                if query.name_prefixes.len() < MAX_NAME_WORDS && !query.name_prefixes.iter().any(|p| p == part) {
                    query.name_prefixes.push(part.to_string());
                }
            }
        }
        query
    }

    pub fn is_empty(&self) -> bool {
        self.name_prefixes.is_empty() && self.birth_date.is_none() && self.identifiers.is_empty()
    }
}

/// ISO `YYYY-MM-DD` or Dutch `DD-MM-YYYY` (also with `/` or `.`).
pub use crate::validation::read_date as parse_date;

/// The exclusive upper bound of a prefix range: every string starting with `prefix` sorts in
/// `[prefix, prefix_end(prefix))`, which both databases answer from a plain B-tree index.
pub fn prefix_end(prefix: &str) -> String {
    let mut end = prefix.to_string();
    end.push(char::MAX);
    end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::IdentifierKind;

    #[test]
    fn folding_ignores_case_accents_and_punctuation() {
        assert_eq!(fold("Özil-Van Dijk"), "ozil van dijk");
        assert_eq!(fold("ÉLODIE d'Hondt"), "elodie d hondt");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Łukasz Ørsted"), "lukasz orsted");
    }

    #[test]
    fn name_tokens_are_distinct_and_sorted() {
        assert_eq!(name_tokens(&["de Vries", "Jan Jan"]), vec!["de", "jan", "vries"]);
    }

    #[test]
    fn query_splits_dates_identifiers_and_names() {
        let q = PersonQuery::parse("Jansen 01-05-1990 111222333 ÉL");
        assert_eq!(q.name_prefixes, vec!["jansen", "el"]);
        assert_eq!(q.birth_date, Some(jiff::civil::date(1990, 5, 1)));
        assert_eq!(q.identifiers[0].kind, IdentifierKind::Bsn);
        assert!(PersonQuery::parse("   ").is_empty());
    }

    #[test]
    fn impossible_dates_are_names_not_errors() {
        let q = PersonQuery::parse("31-02-1990");
        assert_eq!(q.birth_date, None);
    }

    #[test]
    fn prefix_range_contains_the_prefix_words() {
        let end = prefix_end("jan");
        assert!("jan" < end.as_str() && "jansen" < end.as_str() && "jao" > end.as_str());
    }
}
