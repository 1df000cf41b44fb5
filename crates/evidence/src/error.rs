//! The one error type of the evidence crate.

use std::path::PathBuf;

use crate::csv_io::Issue;
use crate::rules::RuleError;

/// Everything that can go wrong in the evidence crate.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Bad input rows; every problem found, not just the first.
    #[error("{} problem(s) in the input:\n{}", .0.len(), render_issues(.0))]
    Input(Vec<Issue>),
    #[error("rule error: {0}")]
    Rule(#[from] RuleError),
    #[error("unknown rule name or invalid expression '{name}': {error}")]
    UnknownRule { name: String, error: RuleError },
    #[error("invalid option: {0}")]
    Option(String),
    #[error("rules file is invalid: {0}")]
    RulesFile(String),
    #[error("write failed: {0}")]
    Write(#[from] std::io::Error),
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
}

fn render_issues(issues: &[Issue]) -> String {
    let mut out = String::new();
    for issue in issues {
        out.push_str(&issue.to_string());
        out.push('\n');
    }
    out
}

pub type Result<T, E = EvidenceError> = std::result::Result<T, E>;
