//! The message catalogue: every text in English, Dutch and Italian side by side, so a
//! translation can never be forgotten for one language only (a test checks every key). It is one catalogue
//! kept in one file per capability (`messages/*.toml`), so capabilities do not collide.

use domain::jurisdiction::JurisdictionPack;
use domain::validation::FieldError;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    En,
    #[default]
    Nl,
    It,
}

impl Lang {
    /// Every language, in the order the language chooser offers them.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Nl, Lang::It];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
            Lang::It => "it",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        Self::ALL.into_iter().find(|lang| lang.code() == code.trim())
    }

    /// The same language for the packs, which carry their own texts in each language.
    pub fn pack(self) -> domain::jurisdiction::Lang {
        match self {
            Lang::En => domain::jurisdiction::Lang::En,
            Lang::Nl => domain::jurisdiction::Lang::Nl,
            Lang::It => domain::jurisdiction::Lang::It,
        }
    }

    /// The catalogue's language for a pack's.
    pub fn of_pack(lang: domain::jurisdiction::Lang) -> Lang {
        match lang {
            domain::jurisdiction::Lang::En => Lang::En,
            domain::jurisdiction::Lang::Nl => Lang::Nl,
            domain::jurisdiction::Lang::It => Lang::It,
        }
    }
}

/// A cohort rule's catalogue name in `lang`, for texts written to the record (the team's task
/// when someone joins or leaves the cohort); `None` for a deployment's own rule.
pub fn cohort_name_in(lang: domain::jurisdiction::Lang, rule: &str) -> Option<String> {
    Texts::new(Lang::of_pack(lang)).optional(&format!("cohort.rule.{rule}")).map(str::to_owned)
}

#[derive(Debug, Deserialize)]
struct Entry {
    en: String,
    nl: String,
    it: String,
}

/// The catalogue's files; add a capability's file here.
const FILES: &[(&str, &str)] = &[
    ("core", include_str!("../messages/core.toml")),
    ("zsm", include_str!("../messages/zsm.toml")),
    ("beyond", include_str!("../messages/beyond.toml")),
    ("conference", include_str!("../messages/conference.toml")),
    ("evidence", include_str!("../messages/evidence.toml")),
    ("measures", include_str!("../messages/measures.toml")),
    ("notifications", include_str!("../messages/notifications.toml")),
    ("admin", include_str!("../messages/admin.toml")),
    ("admin_edit", include_str!("../messages/admin_edit.toml")),
    ("interventions", include_str!("../messages/interventions.toml")),
    ("funds", include_str!("../messages/funds.toml")),
    ("whatworks", include_str!("../messages/whatworks.toml")),
    ("public_value", include_str!("../messages/public_value.toml")),
    ("life_change", include_str!("../messages/life_change.toml")),
    // Project groups and the fund reports (grants branch).
    ("grants", include_str!("../messages/grants.toml")),
    // Purchases pick the plan goal; grants in their own words (funds2 branch).
    ("fund_goals", include_str!("../messages/fund_goals.toml")),
    // A grant pot's page lists the groups it funded (funds3 branch).
    ("fund_pages", include_str!("../messages/fund_pages.toml")),
    // Ending a mentor match (views4 branch).
    ("mentor_endings", include_str!("../messages/mentor_endings.toml")),
    // Orders from the catalogue, the person's choices, approvals confirmed (funds4 branch).
    ("fund_orders", include_str!("../messages/fund_orders.toml")),
    // The match report: persons linked to the offence record (import4 branch).
    ("links", include_str!("../messages/links.toml")),
    // Contracts: who commissions whom (evmisc branch).
    ("contracts", include_str!("../messages/contracts.toml")),
];

/// FNV-1a: the catalogue's keys are our own, so it needs no protection against chosen keys,
/// and std's SipHash was a visible share of pages that look up a text per table cell.
#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for byte in bytes {
            hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type Catalogue = HashMap<String, Entry, std::hash::BuildHasherDefault<KeyHasher>>;

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    let mut all = Catalogue::default();
    for (name, text) in FILES {
        let entries: HashMap<String, Entry> =
            toml::from_str(text).unwrap_or_else(|e| panic!("messages/{name}.toml is invalid: {e}"));
        for (key, entry) in entries {
            assert!(all.insert(key.clone(), entry).is_none(), "message key {key} is defined twice");
        }
    }
    all
});

/// The texts in one language; templates call `t.get("key")`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Texts {
    pub lang: Lang,
    /// A jurisdiction's own words: keys read as other keys (see [`Texts::in_pack`]).
    words: Option<&'static BTreeMap<String, String>>,
}

impl Texts {
    pub fn new(lang: Lang) -> Self {
        Self { lang, words: None }
    }

    /// The same texts in the words of `pack`'s jurisdiction: a page about an England and Wales
    /// custody suite says "custody suite" and "London time" where a Dutch one says "ZSM table"
    /// and "Amsterdam time". The pack maps keys to keys, so every word is still in the
    /// catalogue in every language, and no template asks which country it is in.
    pub fn in_pack(self, pack: &'static JurisdictionPack) -> Self {
        Self { words: Some(&pack.vocabulary), ..self }
    }

    /// The text for `key`; a missing key shows as itself (and fails the catalogue test).
    pub fn get<'a>(&self, key: &'a str) -> &'a str {
        self.lookup(key).unwrap_or(key)
    }

    /// The text for `key`, borrowed from the catalogue for as long as the program runs (for
    /// texts kept beyond one request); a missing key shows as a marker.
    pub fn text(&self, key: &str) -> &'static str {
        self.lookup(key).unwrap_or("[?]")
    }

    /// The text for `key` when the catalogue has one: for names that only some codes have
    /// (a deployment's own cohort rule has none, and shows as its code).
    pub fn optional(&self, key: &str) -> Option<&'static str> {
        let key = self.words.and_then(|words| words.get(key)).map_or(key, String::as_str);
        CATALOGUE.contains_key(key).then(|| self.text(key))
    }

    fn lookup(&self, key: &str) -> Option<&'static str> {
        let key = self.words.and_then(|words| words.get(key)).map_or(key, String::as_str);
        let Some(entry) = CATALOGUE.get(key) else {
            tracing::warn!(key, "message key missing from catalogue");
            return None;
        };
        Some(match self.lang {
            Lang::En => entry.en.as_str(),
            Lang::Nl => entry.nl.as_str(),
            Lang::It => entry.it.as_str(),
        })
    }

    /// The text for `key` with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, params: &[(&str, &str)]) -> String {
        fill_text(self.get(key), params)
    }

    /// Text stored as `code` or `code: detail` (audit entries), with the code looked up as
    /// `{group}.{code}` and detail words that name a person field translated too; text that
    /// is not coded is shown as it is.
    pub fn coded(&self, group: &str, text: &str) -> String {
        // A whole phrase the catalogue knows ("exclusion order: impose") reads as one text.
        let whole = format!("{group}.{}", phrase_key(text));
        if CATALOGUE.contains_key(&whole) {
            return self.get(&whole).to_string();
        }
        let (code, detail) = match text.split_once(": ") {
            Some((code, detail)) => (code, Some(detail)),
            None => (text, None),
        };
        let key = format!("{group}.{}", phrase_key(code));
        if !CATALOGUE.contains_key(&key) {
            return text.to_string();
        }
        let label = self.get(&key).to_string();
        let Some(detail) = detail else { return label };
        let words: Vec<String> = detail
            .split(", ")
            .map(|word| {
                let field = format!("person.{word}");
                if CATALOGUE.contains_key(&field) { self.get(&field).to_string() } else { word.to_string() }
            })
            .collect();
        let until = format!(" {} ", self.get("basis.until"));
        format!("{label}: {}", words.join(", ").replace(" | ", &until))
    }

    /// The error's text with its parameters in the reader's language: a `unit` (`hours`,
    /// `days`, `months`) is a code from the pack, and parameters that name a text of the
    /// catalogue (`FieldError::with_text`) are that text.
    pub fn field_error(&self, error: &FieldError) -> String {
        // Amounts in cents (a parameter named `*_cents`, funds4 branch) read as money in the
        // reader's locale: "between €0.01 and €1,000,000.00".
        let money: Vec<Option<String>> = error
            .params
            .iter()
            .map(|(k, v)| match k.ends_with("_cents") {
                true => v.parse().ok().map(|cents| crate::funds::money(cents, self.lang)),
                false => None,
            })
            .collect();
        let params: Vec<(&str, &str)> = error
            .params
            .iter()
            .zip(&money)
            .map(|((k, v), money)| match (*k, v.strip_prefix(domain::validation::TEXT_KEY), money) {
                (_, _, Some(money)) => (*k, money.as_str()),
                (_, Some(key), _) => (*k, self.get(key)),
                ("unit", None, _) => (*k, self.lookup_quiet(&format!("unit.{v}")).unwrap_or(v.as_str())),
                _ => (*k, v.as_str()),
            })
            .collect();
        self.fill(error.key, &params)
    }

    /// A whole number grouped in the page's locale: `12.345` in Dutch and Italian, `12,345` in
    /// English.
    pub fn number(&self, n: i64) -> String {
        let separator = if self.lang.code() == "en" { ',' } else { '.' };
        let digits = n.unsigned_abs().to_string();
        let mut grouped = String::new();
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(separator);
            }
            grouped.push(digit);
        }
        if n < 0 { format!("-{grouped}") } else { grouped }
    }

    /// Like `lookup`, for keys built from data that may legitimately be absent.
    fn lookup_quiet(&self, key: &str) -> Option<&'static str> {
        CATALOGUE.contains_key(key).then(|| self.text(key))
    }
}

/// A stored phrase as a catalogue key: lower case, every run of other characters one `_`
/// ("list: to screen" → `list_to_screen`, "person_record" stays).
fn phrase_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            key.extend(c.to_lowercase());
        } else if !key.ends_with('_') {
            key.push('_');
        }
    }
    key.trim_end_matches('_').to_string()
}

/// Every key in the catalogue, for tests.
pub fn keys() -> Vec<&'static str> {
    CATALOGUE.keys().map(String::as_str).collect()
}

/// `template` with each `{name}` that has a parameter replaced by its value, in one pass;
/// other braces are kept as they are.
fn fill_text(template: &str, params: &[(&str, &str)]) -> String {
    let mut rest = template;
    let mut text = String::with_capacity(rest.len() + params.iter().map(|(_, v)| v.len()).sum::<usize>());
    while let Some(open) = rest.find('{') {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after
            .find('}')
            .and_then(|close| params.iter().find(|(name, _)| *name == &after[..close]).map(|(_, v)| (close, *v)));
        match value {
            Some((close, value)) => {
                text.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                text.push('{');
                rest = after;
            }
        }
    }
    text.push_str(rest);
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::jurisdiction::{SHIPPED_PACKS, shipped_pack};

    #[test]
    fn numbers_are_grouped_in_the_page_locale() {
        assert_eq!(Texts::new(Lang::Nl).number(1_234_567), "1.234.567");
        assert_eq!(Texts::new(Lang::En).number(-1234), "-1,234");
        assert_eq!(Texts::new(Lang::It).number(999), "999");
    }

    #[test]
    fn every_key_has_every_language_filled() {
        for key in keys() {
            for lang in Lang::ALL {
                let text = Texts::new(lang).get(key);
                assert!(!text.trim().is_empty(), "{key} is empty in {lang:?}");
                assert_ne!(text.trim(), key, "{key} reads as its own key in {lang:?}");
            }
        }
    }

    #[test]
    fn every_packs_words_are_in_the_catalogue() {
        for (code, _) in SHIPPED_PACKS {
            let pack = shipped_pack(code).unwrap();
            for (key, instead) in &pack.vocabulary {
                assert!(CATALOGUE.contains_key(key), "pack {code} rewords {key}, which is not a message key");
                assert!(CATALOGUE.contains_key(instead), "pack {code} reads {key} as {instead}, which is missing");
            }
        }
        let london = Texts::new(Lang::En).in_pack(shipped_pack("england-wales").unwrap());
        assert_eq!(london.get("zsm.clock.deadline"), "Deadline (London time)");
        assert_eq!(london.get("conferences.title"), "Integrated Offender Management (IOM) meetings");
        let turin = Texts::new(Lang::It).in_pack(shipped_pack("italy").unwrap());
        assert_eq!(turin.get("zsm.partner.child_protection_board"), "USSM (servizio sociale per i minorenni)");
        assert_eq!(turin.get("zsm.clock.deadline"), "Scadenza (ora italiana)");
        assert_eq!(london.fill("zsm.case.title", &[("name", "A")]), "Custody record of A");
        assert_eq!(Texts::new(Lang::En).get("zsm.clock.deadline"), "Deadline (local time)");
    }

    #[test]
    fn italian_is_a_language_of_its_own() {
        assert_eq!(Lang::parse("it"), Some(Lang::It));
        assert_eq!(Lang::parse("fr"), None);
        let it = Texts::new(Lang::It);
        assert_eq!(it.get("login.submit"), "Accedi");
        let error = FieldError::new("x", "zsm.error.above_maximum").with("max", 24).with("unit", "months");
        assert_eq!(it.field_error(&error), "La legge consente al massimo 24 mesi");
    }

    #[test]
    fn fill_replaces_every_known_placeholder_and_keeps_other_braces() {
        let params = [("h", "2"), ("m", "05")];
        assert_eq!(fill_text("{h} h {m} min, {h}", &params), "2 h 05 min, 2");
        assert_eq!(fill_text("{x} {h", &params), "{x} {h");
        assert_eq!(fill_text("{}{{h}}", &params), "{}{2}");
        assert_eq!(fill_text("no braces", &params), "no braces");
    }

    #[test]
    fn placeholders_are_filled() {
        let t = Texts::new(Lang::En);
        assert_eq!(t.fill("error.too_long", &[("max", "100")]), "Use at most 100 characters");
        let error = FieldError::new("x", "error.too_long").with("max", 7);
        assert_eq!(Texts::new(Lang::Nl).field_error(&error), "Gebruik hoogstens 7 tekens");
    }

    #[test]
    fn coded_audit_text_reads_in_either_language() {
        let nl = Texts::new(Lang::Nl);
        assert_eq!(nl.coded("audit.what", "person_record: sex, address"), "Persoonsgegevens: Geslacht, Adres");
        assert_eq!(
            nl.coded("audit.basis", "consent: schuldhulp | 2027-06-30"),
            "Toestemming: schuldhulp tot 2027-06-30"
        );
        assert_eq!(Texts::new(Lang::En).coded("audit.what", "search: de vries"), "Search: de vries");
        assert_eq!(nl.coded("audit.what", "something else"), "something else");
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        let known: std::collections::HashSet<&str> = keys().into_iter().collect();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/");
        let mut sources = Vec::new();
        for dir in ["templates", "src", "../domain/src"] {
            collect(&format!("{root}{dir}"), &mut sources);
        }
        let pattern = ["t.get(\"", "t.fill(\"", "FieldError::new(", "key: \""];
        let mut missing = Vec::new();
        for (path, text) in sources {
            for marker in pattern {
                for piece in text.split(marker).skip(1) {
                    // FieldError::new(field, "key"): the key is the second string.
                    let piece = if marker.starts_with("FieldError") {
                        match piece.split_once(", \"") {
                            Some((_, rest)) => rest,
                            None => continue,
                        }
                    } else {
                        piece
                    };
                    let key = piece.split('"').next().unwrap_or_default();
                    if key.contains('.') && !key.contains(['{', ' ']) && !known.contains(key) {
                        missing.push(format!("{path}: {key}"));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys missing from messages/*.toml:\n{}", missing.join("\n"));
    }

    fn collect(dir: &str, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                collect(&path.to_string_lossy(), out);
            } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
                out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap_or_default()));
            }
        }
    }
}
