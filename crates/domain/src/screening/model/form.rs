//! The screening form as typed (one row per life domain) and the form field and catalogue key
//! of each problem a screening can have.

use super::record::ScreeningError;
use crate::validation::FieldError;

/// A screening as typed into the form: one row per life domain; an empty score leaves the domain out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScreeningInput {
    pub screened_on: String,
    pub entries: Vec<ScoreInput>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScoreInput {
    pub domain: String,
    pub score: String,
    pub note: String,
    pub source: String,
}

/// The form field a domain's score, note or source is typed in.
pub fn score_field(domain: &str) -> String {
    format!("score-{domain}")
}

pub fn note_field(domain: &str) -> String {
    format!("note-{domain}")
}

pub fn source_field(domain: &str) -> String {
    format!("source-{domain}")
}

/// A domain-level problem as a message key the web layer can show in both languages.
pub fn field_error(error: &ScreeningError) -> FieldError {
    match error {
        ScreeningError::ScoreOutsideScale { domain, score, lowest, highest } => {
            FieldError::new(score_field(domain), "error.screening.outside_scale")
                .with("score", score)
                .with("lowest", lowest)
                .with("highest", highest)
        }
        ScreeningError::UnknownDomain(domain) => {
            FieldError::new("screening", "error.screening.unknown_domain").with("domain", domain)
        }
        ScreeningError::MissingRequiredDomain(domain) => {
            FieldError::new(score_field(domain.as_str()), "error.screening.missing_domain")
        }
        ScreeningError::DuplicateDomain(domain) => {
            FieldError::new(score_field(domain), "error.screening.duplicate_domain")
        }
        ScreeningError::MissingSource(domain) => FieldError::new(source_field(domain), "error.screening.source"),
        ScreeningError::DatedInTheFuture { today, .. } => {
            FieldError::new("screened_on", "error.screening.future").with("today", today)
        }
    }
}
