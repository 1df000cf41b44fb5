//! A refused rule as a field error: which form field it belongs to and the catalogue key of its
//! message, so a form re-renders with the problem beside the field that caused it.

use crate::validation::FieldError;
use crate::zsm::ZsmError;

/// A broken rule of the ZSM domain as a field error with a catalogue key: the field it is
/// shown beside and the text. Rules without a form field of their own go to `form`.
pub fn rule_error(error: &ZsmError) -> FieldError {
    use ZsmError::*;
    match error {
        ArrivalBeforeArrest { .. } => FieldError::new("arrived_at", "zsm.error.arrival_before_arrest"),
        ArrestInFuture { .. } => FieldError::new("arrested_at", "zsm.error.arrest_in_future"),
        ArrivalInFuture { .. } => FieldError::new("arrived_at", "zsm.error.arrival_in_future"),
        OffenceInFuture { index, date } => FieldError::new(
            format!("offences[{}].committed_on", index.saturating_sub(1)),
            "zsm.error.offence_in_future",
        )
        .with("date", date),
        NoOffences => FieldError::new("offences[0].offence_type", "zsm.error.no_offences"),
        EmptyField { field } => FieldError::new("form", "zsm.error.empty_field").with("field", field),
        UnknownDisposal { code } => FieldError::new("disposal", "zsm.error.unknown_disposal").with("code", code),
        UnknownParameter { parameter, .. } => {
            FieldError::new(format!("param.{parameter}"), "zsm.error.unknown_parameter").with("parameter", parameter)
        }
        MissingParameter { parameter, .. } => FieldError::new(format!("param.{parameter}"), "error.required"),
        WrongParameterType { parameter, .. } => {
            FieldError::new(format!("param.{parameter}"), "zsm.error.parameter_invalid")
        }
        NegativeAmount { parameter } => FieldError::new(format!("param.{parameter}"), "zsm.error.negative_amount"),
        ParameterBelowMinimum { parameter, min, unit, .. } => {
            FieldError::new(format!("param.{parameter}"), "zsm.error.below_minimum").with("min", min).with("unit", unit)
        }
        ParameterAboveMaximum { parameter, max, unit, .. } => {
            FieldError::new(format!("param.{parameter}"), "zsm.error.above_maximum").with("max", max).with("unit", unit)
        }
        UnknownOption { parameter, .. } => FieldError::new(format!("param.{parameter}"), "zsm.error.unknown_choice"),
        DateOutsideWindow { parameter, min_days, max_days } => {
            FieldError::new(format!("param.{parameter}"), "zsm.error.date_window")
                .with("min", min_days)
                .with("max", max_days)
        }
        OptionRequiresFlag { flag, .. } => FieldError::new(format!("param.{flag}"), "zsm.error.requires_flag"),
        ObligationNotAllowed { kind, .. } => {
            FieldError::new("obligations[0].kind", "zsm.error.obligation_not_allowed").with("kind", kind)
        }
        ObligationEndsBeforeStart => FieldError::new("obligations[0].ends_on", "zsm.error.obligation_order"),
        ObligationTooLong { max_months } => {
            FieldError::new("obligations[0].ends_on", "zsm.error.obligation_too_long").with("max", max_months)
        }
        ObligationStartsInPast => FieldError::new("obligations[0].starts_on", "zsm.error.obligation_in_past"),
        RequiredContributionMissing { partner, basis } => {
            FieldError::new("override_reason", "zsm.error.contribution_missing")
                .with_text("partner", format!("zsm.partner_in_sentence.{}", partner.code()))
                .with("basis", basis)
        }
        MandatoryContributionMissing { partner, basis } => {
            FieldError::new("disposal", "zsm.error.contribution_mandatory")
                .with_text("partner", format!("zsm.partner_in_sentence.{}", partner.code()))
                .with("basis", basis)
        }
        ConsequencesNotExplained { partner, basis } => {
            FieldError::new("disposal", "zsm.error.consequences_not_explained")
                .with_text("partner", format!("zsm.partner_in_sentence.{}", partner.code()))
                .with("basis", basis)
        }
        ConsultationInFuture { .. } => FieldError::new("consulted_at", "zsm.error.consultation_in_future"),
        AlreadyDecided => FieldError::new("disposal", "zsm.error.already_decided"),
        ReasonMissing => FieldError::new("reason", "error.required"),
        BreachInFuture { .. } => FieldError::new("observed_on", "zsm.error.breach_in_future"),
        BreachOutsideObligation { starts_on, ends_on, .. } => {
            FieldError::new("observed_on", "zsm.error.breach_outside").with("from", starts_on).with("to", ends_on)
        }
        ContributionContentMissing { .. } => FieldError::new("state", "zsm.error.content_missing"),
        NegativeDamagesClaim => FieldError::new("damages_claim", "zsm.error.negative_amount"),
        SectionChangedMeanwhile { .. } => FieldError::new("section_conflict", "zsm.section.changed_meanwhile"),
        ExtensionRoleNotAllowed { allowed, .. } => {
            FieldError::new("extension", "zsm.error.extension_role").with("allowed", allowed)
        }
        ExtensionLimitReached { max_times, .. } => {
            FieldError::new("extension", "zsm.error.extension_used").with("max", max_times)
        }
        ExtensionOutOfOrder { requires, .. } => {
            FieldError::new("extension", "zsm.error.extension_order").with("requires", requires)
        }
        ExtensionTooLong { max_hours, .. } => {
            FieldError::new("hours", "zsm.error.extension_too_long").with("max", max_hours)
        }
        ExtensionBeyondTotal { max_total_hours, .. } | ExtensionMaximumReached { max_total_hours } => {
            FieldError::new("hours", "zsm.error.extension_total").with("max", max_total_hours)
        }
        ExtensionBasisMissing => FieldError::new("basis", "error.required"),
        ClockAlreadyExpired { .. } | ClockNotRunning => FieldError::new("extension", "zsm.error.clock_not_running"),
        OrderRoleNotAllowed { allowed, .. } => {
            FieldError::new("ordered_at", "zsm.error.order_role").with("allowed", allowed)
        }
        OrderConditionNotMet { .. } => FieldError::new("ordered_at", "zsm.error.order_condition"),
        ClockAlreadyStarted { .. } => FieldError::new("ordered_at", "zsm.error.order_given"),
        OrderOutsideCase { .. } => FieldError::new("ordered_at", "zsm.error.order_time"),
        OrderAfterExpiry { .. } => FieldError::new("ordered_at", "zsm.error.order_after_expiry"),
        InvalidTransition { hint, .. } => FieldError::new("form", "zsm.error.transition").with("detail", hint),
        other => FieldError::new("form", "zsm.error.rule").with("detail", other),
    }
}
