//! The extract's own "data up to" date (issue 21): stored at import, it is what every evidence
//! page measures up to unless another day is asked for, and each page says so in words
//! ("Data up to 30 September 2026").

use crate::AppState;
use crate::error::WebError;
use crate::i18n::Texts;
use jiff::civil::Date;

/// A day in words in the page's language: `30 September 2026`, `30 september 2026`.
pub(crate) fn day_in_words(date: Date, t: &Texts) -> String {
    let month = t.get(&format!("date.month.{}", date.month())).to_string();
    format!("{} {month} {}", date.day(), date.year())
}

/// The line a page shows: the stored date in words, or that none is stored (the figures then
/// run up to today).
pub(crate) async fn data_up_to_line(state: &AppState, t: &Texts) -> Result<String, WebError> {
    let stored = state.store.extract_data_up_to().await.map_err(|e| WebError::internal(e.to_string()))?;
    Ok(match stored {
        Some(date) => t.fill("evidence.data_up_to", &[("date", &day_in_words(date, t))]),
        None => t.get("evidence.data_up_to.none").to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn a_day_reads_in_the_pages_language() {
        let day = jiff::civil::date(2026, 9, 30);
        assert_eq!(day_in_words(day, &Texts::new(Lang::En)), "30 September 2026");
        assert_eq!(day_in_words(day, &Texts::new(Lang::Nl)), "30 september 2026");
        assert_eq!(day_in_words(day, &Texts::new(Lang::It)), "30 settembre 2026");
    }
}
