//! The error of the jurisdiction packs and the clock rules over them. A pack that does not load
//! is a deployment error (the test that loads every shipped pack catches it); a clock or
//! disposal a pack does not define, or a date out of range, is reported to the capability that
//! asked, which turns it into its own error (ZSM: `ZsmError`).

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JurisdictionError {
    #[error("jurisdiction pack `{pack}` is not valid TOML: {message}")]
    PackSyntax { pack: String, message: String },
    #[error("jurisdiction pack `{pack}` is inconsistent: {problem}")]
    InvalidPack { pack: String, problem: String },
    #[error("there is no jurisdiction pack `{0}`; shipped packs are nl, england-wales and italy")]
    UnknownPack(String),
    #[error("the pack defines no clock `{0}`")]
    UnknownClock(String),
    #[error("unknown disposal `{code}` in this jurisdiction")]
    UnknownDisposal { code: String },
    #[error("time zone `{0}` is not in the time zone database")]
    UnknownTimeZone(String),
    #[error("the date or time is out of the supported range")]
    TimeOutOfRange,
}
