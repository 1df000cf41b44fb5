//! Where a pack's legal texts come from. A pack cites articles in its clocks, disposals and
//! team bases, and words some of them in its own texts (an option's name, a period's basis);
//! `[[sources]]` says, per cited provision, whether those words were checked against a copy of
//! the statute (which copy, when) or are the pack author's paraphrase, not checked. Pages never
//! show a paraphrase as the law's wording: the pack data says which is which.

use serde::Deserialize;

/// How far a pack's words for a provision were checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Wording {
    /// Checked against the statute's text in an official publication (Gazzetta Ufficiale,
    /// Normattiva, legislation.gov.uk, wetten.overheid.nl).
    Official,
    /// Checked against concordant reproductions of the statute's text (legal publishers,
    /// case law quoting it); no official copy was read.
    Reproduction,
    /// The pack's own summary; not checked against any text of the statute.
    UnverifiedParaphrase,
}

/// One cited provision and how its wording was checked.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatuteSource {
    /// The provision as the pack cites it (`art. 390 c. 1-3 c.p.p.`).
    pub cites: String,
    pub wording: Wording,
    /// The copies read, by address.
    #[serde(default)]
    pub urls: Vec<String>,
    /// When they were read (`YYYY-MM-DD`).
    #[serde(default)]
    pub checked_on: String,
    /// What the pack's texts take from the provision, and what was corrected or not verified.
    pub note: String,
}

/// A source that says too little to be relied on, as a readable problem.
pub(super) fn check_source(source: &StatuteSource) -> Result<(), String> {
    let at = |problem: &str| format!("source `{}`: {problem}", source.cites);
    if source.cites.trim().is_empty() || source.note.trim().is_empty() {
        return Err(at("needs `cites` and a `note`"));
    }
    let checked = matches!(source.wording, Wording::Official | Wording::Reproduction);
    if checked && (source.urls.is_empty() || jiff::civil::Date::strptime("%Y-%m-%d", &source.checked_on).is_err()) {
        return Err(at("a checked wording names the copies read (`urls`) and when (`checked_on`, YYYY-MM-DD)"));
    }
    Ok(())
}
