//! View models for the people pages: plain strings ready for the templates, built from domain
//! values in one place so templates hold no logic.

use crate::forms::{ErrorList, Posted};
use crate::i18n::Texts;
use crate::page::local_time;
use domain::access::{LegalBasis, TeamEntryInput};
use domain::audit::AuditView;
use domain::people::{IdentifierInput, IdentifierKind, PersonDraft, PersonInput, Sex};
use jiff::tz::TimeZone;

pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: Option<&'static str>,
    pub value: String,
    pub error: Option<String>,
    pub input_type: &'static str,
    pub width: &'static str,
    pub autocomplete: Option<&'static str>,
}

impl Field {
    fn new(name: &'static str, label: &'static str, value: &str, errors: &ErrorList) -> Self {
        Field {
            name,
            label,
            hint: None,
            value: value.to_string(),
            error: errors.for_field(name).map(str::to_string),
            input_type: "text",
            width: "width-full",
            autocomplete: None,
        }
    }
    fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }
    fn kind(mut self, input_type: &'static str) -> Self {
        self.input_type = input_type;
        self
    }
    fn width(mut self, width: &'static str) -> Self {
        self.width = width;
        self
    }
    fn autocomplete(mut self, value: &'static str) -> Self {
        self.autocomplete = Some(value);
        self
    }
}

pub struct IdentifierRow {
    pub index: usize,
    pub kind: String,
    pub value: String,
    pub kind_error: Option<String>,
    pub value_error: Option<String>,
}

pub struct BasisForm {
    pub legend: &'static str,
    pub agencies: Option<Vec<(String, String)>>,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub input: TeamEntryInput,
    pub errors: ErrorList,
    pub fields: Vec<Field>,
}

pub const SEX_OPTIONS: [(&str, &str); 4] = [("", "sex."), ("F", "sex.F"), ("M", "sex.M"), ("X", "sex.X")];
/// How many identifier rows a form offers beyond those already filled.
const SPARE_IDENTIFIER_ROWS: usize = 2;

pub fn identifier_kinds() -> Vec<(&'static str, &'static str)> {
    IdentifierKind::ALL.iter().map(|k| (k.code(), identifier_label(*k))).collect()
}

pub fn identifier_label(kind: IdentifierKind) -> &'static str {
    match kind {
        IdentifierKind::Bsn => "identifier.bsn",
        IdentifierKind::Pnc => "identifier.pnc",
        IdentifierKind::Crn => "identifier.crn",
        IdentifierKind::Local => "identifier.local",
    }
}

pub fn sex_label(sex: Sex) -> &'static str {
    match sex {
        Sex::Female => "sex.F",
        Sex::Male => "sex.M",
        Sex::X => "sex.X",
        Sex::Unknown => "sex.",
    }
}

pub fn person_fields(input: &PersonInput, errors: &ErrorList) -> Vec<Field> {
    vec![
        Field::new("family_name", "person.family_name", &input.family_name, errors).autocomplete("off"),
        Field::new("given_names", "person.given_names", &input.given_names, errors).autocomplete("off"),
        Field::new("birth_date", "person.birth_date", &input.birth_date, errors)
            .hint("person.birth_date.hint")
            .width("width-10"),
        Field::new("sex", "person.sex", &input.sex, errors),
        Field::new("address", "person.address", &input.address, errors).autocomplete("off"),
        Field::new("postcode", "person.postcode", &input.postcode, errors).width("width-10").autocomplete("off"),
        Field::new("city", "person.city", &input.city, errors).width("width-20").autocomplete("off"),
        Field::new("phone", "person.phone", &input.phone, errors).kind("tel").width("width-20").autocomplete("off"),
        Field::new("email", "person.email", &input.email, errors).kind("email").autocomplete("off"),
        Field::new("languages", "person.languages", &input.languages, errors)
            .hint("person.languages.hint")
            .width("width-20")
            .autocomplete("off"),
    ]
}

pub fn identifier_rows(input: &PersonInput, errors: &ErrorList) -> Vec<IdentifierRow> {
    // Rows keep their position (errors are numbered by it); blank rows after the last filled
    // one are dropped, so a failed submit does not grow the form.
    let filled = input
        .identifiers
        .iter()
        .rposition(|i| !(i.kind.trim().is_empty() && i.value.trim().is_empty()))
        .map_or(0, |last| last + 1);
    (0..filled + SPARE_IDENTIFIER_ROWS)
        .map(|index| {
            let given = input.identifiers.get(index).cloned().unwrap_or_default();
            IdentifierRow {
                index,
                kind: given.kind,
                value: given.value,
                kind_error: errors.for_field(&format!("identifiers[{index}].kind")).map(str::to_string),
                value_error: errors.for_field(&format!("identifiers[{index}].value")).map(str::to_string),
            }
        })
        .collect()
}

pub fn basis_form(
    legend: &'static str,
    agencies: Option<Vec<(String, String)>>,
    input: TeamEntryInput,
    errors: ErrorList,
) -> BasisForm {
    let fields = vec![
        Field::new("statute", "basis.statute", &input.statute, &errors),
        Field::new("consent_scope", "basis.consent_scope", &input.consent_scope, &errors),
        Field::new("consent_expires_on", "basis.consent_expires_on", &input.consent_expires_on, &errors)
            .kind("date")
            .width("width-10"),
        Field::new("court_order_reference", "basis.court_order_reference", &input.court_order_reference, &errors),
        Field::new("reason", "team.reason", &input.reason, &errors),
    ];
    let kinds = vec![
        ("statutory_task", "basis.statutory_task"),
        ("consent", "basis.consent"),
        ("court_order", "basis.court_order"),
    ];
    BasisForm { legend, agencies, kinds, input, errors, fields }
}

/// Reads the person form's fields; identifier rows come as repeated `identifier_kind` and
/// `identifier_value` fields, in order.
pub fn person_input(posted: &Posted) -> PersonInput {
    let kinds = posted.all("identifier_kind");
    let values = posted.all("identifier_value");
    let identifiers = kinds.into_iter().zip(values).map(|(kind, value)| IdentifierInput { kind, value }).collect();
    PersonInput {
        family_name: posted.get("family_name"),
        given_names: posted.get("given_names"),
        birth_date: posted.get("birth_date"),
        sex: posted.get("sex"),
        address: posted.get("address"),
        postcode: posted.get("postcode"),
        city: posted.get("city"),
        phone: posted.get("phone"),
        email: posted.get("email"),
        identifiers,
        languages: posted.get("languages"),
    }
}

pub fn basis_input(posted: &Posted) -> TeamEntryInput {
    TeamEntryInput {
        agency_id: posted.get("agency_id"),
        basis_kind: posted.get("basis_kind"),
        statute: posted.get("statute"),
        consent_scope: posted.get("consent_scope"),
        consent_expires_on: posted.get("consent_expires_on"),
        court_order_reference: posted.get("court_order_reference"),
        reason: posted.get("reason"),
    }
}

/// The details list on the person page: (label key, value).
pub fn detail_rows(details: &PersonDraft, t: Texts) -> Vec<(&'static str, String)> {
    let or_unknown = |value: &Option<String>| value.clone().unwrap_or_else(|| t.get("person.unknown").to_string());
    let mut rows = vec![
        ("person.family_name", details.family_name.clone()),
        ("person.given_names", or_unknown(&details.given_names)),
        (
            "person.birth_date",
            details.birth_date.map(|d| d.to_string()).unwrap_or_else(|| t.get("person.unknown").into()),
        ),
        ("person.sex", t.get(sex_label(details.sex)).to_string()),
        ("person.address", or_unknown(&details.address)),
        ("person.postcode", or_unknown(&details.postcode)),
        ("person.city", or_unknown(&details.city)),
        ("person.phone", or_unknown(&details.phone)),
        ("person.email", or_unknown(&details.email)),
        (
            "person.languages",
            if details.languages.is_empty() {
                t.get("person.unknown").to_string()
            } else {
                details
                    .languages
                    .iter()
                    .map(|l| crate::interventions::language_name(l, t))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ),
    ];
    for identifier in &details.identifiers {
        rows.push((identifier_label(identifier.kind), identifier.value.clone()));
    }
    rows
}

/// A legal basis in the reader's language, e.g. "Toestemming van de persoon (schuldhulp) tot 2027-06-30".
pub fn basis_text(basis: &LegalBasis, t: Texts) -> String {
    match basis {
        LegalBasis::StatutoryTask { statute } => format!("{}: {statute}", t.get("basis.statutory_task")),
        LegalBasis::Consent { scope, expires_on } => {
            format!("{} ({scope}) {} {expires_on}", t.get("basis.consent"), t.get("basis.until"))
        }
        LegalBasis::CourtOrder { reference } => format!("{} {reference}", t.get("basis.court_order")),
    }
}

pub struct TeamRow {
    pub agency: String,
    pub basis: String,
    pub reason: String,
    pub added: String,
    pub ended: bool,
}

pub struct AuditRow {
    pub when: String,
    pub who: String,
    pub action: String,
    pub what: String,
    pub basis: String,
}

pub fn audit_rows(audit: &[AuditView], zone: &TimeZone, t: Texts) -> Vec<AuditRow> {
    // A trail repeats a few texts (the same reads on the same basis): each is translated
    // once per page, not once per row (that was 7% of a person page's CPU).
    let mut translated = Vec::new();
    let mut rows = Vec::with_capacity(audit.len());
    for a in audit {
        rows.push(AuditRow {
            when: local_time(a.entry.at, zone),
            who: format!("{} ({})", a.member_name, a.agency_name),
            action: format!("audit.{}", a.entry.action.code()),
            what: translate_once(&mut translated, t, "audit.what", &a.entry.what),
            basis: translate_once(&mut translated, t, "audit.basis", &a.entry.basis),
        });
    }
    rows
}

/// `t.coded(group, text)`, remembered in `translated` for the rest of the page.
fn translate_once<'a>(
    translated: &mut Vec<(&'static str, &'a str, String)>,
    t: Texts,
    group: &'static str,
    text: &'a str,
) -> String {
    if let Some((_, _, done)) = translated.iter().find(|(g, seen, _)| *g == group && *seen == text) {
        return done.clone();
    }
    let done = if group == "audit.what" { audit_what(text, t) } else { t.coded(group, text) };
    translated.push((group, text, done.clone()));
    done
}

/// What an audit entry says was read or changed, in the reader's language: the stored text is
/// English (it is the record), so the phrases the use cases write are read back through the
/// catalogue, with the codes inside them (a partner, a legal basis, a referral reason) in words.
pub fn audit_what(text: &str, t: Texts) -> String {
    // A board or obligations list names its location by code, the rest of the phrase is words.
    for (prefix, key) in [("ZSM board ", "audit.what.zsm_board"), ("ZSM obligations ", "audit.what.zsm_obligations")] {
        if let Some(location) = text.strip_prefix(prefix)
            && !location.contains(' ')
        {
            return t.fill(key, &[("location", location)]);
        }
    }
    if let Some(rest) = text.strip_prefix("ZSM case ") {
        let (_, detail) = rest.split_once(": ").unwrap_or((rest, ""));
        let case = t.get("audit.what.zsm_case");
        let detail = if let Some(partner) = detail.strip_suffix(" contribution") {
            t.fill("audit.what.zsm_contribution", &[("partner", t.text(&format!("zsm.partner.{partner}")))])
        } else if let Some(reason) = detail.strip_prefix("referred for screening (").and_then(|r| r.strip_suffix(')')) {
            let reason = t.text(&format!("screening.referral.reason.{reason}"));
            t.fill("audit.what.zsm_referred", &[("reason", reason)])
        } else if detail.is_empty() {
            return case.to_string();
        } else if let Some(obligation) = detail.strip_prefix("breach of obligation ") {
            t.fill("audit.what.zsm_breach", &[("obligation", obligation)])
        } else if let Some((extension, clock)) =
            detail.strip_prefix("extension ").and_then(|rest| rest.split_once(" of "))
        {
            let (extension, clock) = (clock_words(extension, t), clock_words(clock, t));
            t.fill("audit.what.zsm_extension", &[("extension", &extension), ("clock", &clock)])
        } else if let Some(clock) = detail.strip_prefix("order ") {
            t.fill("audit.what.zsm_order", &[("clock", &clock_words(clock, t))])
        } else {
            t.coded("audit.what", detail)
        };
        return format!("{case}: {detail}");
    }
    if let Some(rest) = text.strip_prefix("screening of ")
        && let Some((count, on)) = rest.split_once(" life domain").map(|(n, r)| (n, r.rsplit(' ').next().unwrap_or("")))
    {
        return t.fill("audit.what.screening_of", &[("count", count), ("on", on)]);
    }
    if let Some(rest) = text.strip_prefix("team: added agency ")
        && let Some((agency, basis)) = rest.split_once(" (")
    {
        let basis = basis.strip_suffix(')').unwrap_or(basis);
        return t.fill("audit.what.team_added", &[("agency", agency), ("basis", &t.coded("audit.basis", basis))]);
    }
    t.coded("audit.what", text)
}

/// A clock's or an extension's name from the shipped packs in the reader's language (audit
/// entries keep the code), else the code as it is.
fn clock_words(code: &str, t: Texts) -> String {
    use domain::jurisdiction::{SHIPPED_PACKS, shipped_pack};
    let named = |(nl, en, it): (&str, &str, &str)| match t.lang {
        crate::i18n::Lang::Nl => nl.to_string(),
        crate::i18n::Lang::En => en.to_string(),
        crate::i18n::Lang::It => it.to_string(),
    };
    for pack in SHIPPED_PACKS.iter().filter_map(|(name, _)| shipped_pack(name).ok()) {
        for clock in &pack.clocks {
            if clock.code.as_str() == code {
                return named((&clock.name_nl, &clock.name_en, &clock.name_it));
            }
            if let Some(extension) = clock.extensions.iter().find(|e| e.code.as_str() == code) {
                return named((&extension.name_nl, &extension.name_en, &extension.name_it));
            }
        }
    }
    code.to_string()
}

#[cfg(test)]
mod audit_what_tests {
    use super::audit_what;
    use crate::i18n::{Lang, Texts};

    #[test]
    fn the_audit_reads_in_the_page_language_without_raw_codes() {
        let nl = Texts::new(Lang::Nl);
        let case = "ZSM case 01a24438-151f-7cc9-b286-d649b8fb4a37";
        assert_eq!(
            audit_what(&format!("{case}: victim_support contribution"), nl),
            "ZSM-zaak: bijdrage van Slachtofferhulp"
        );
        let referred = audit_what(&format!("{case}: referred for screening (quick_scan)"), nl);
        assert!(referred.starts_with("ZSM-zaak: aangemeld voor een screening (") && !referred.contains("quick_scan"));
        assert_eq!(audit_what("exclusion order: impose", nl), "Huisverbod: opgelegd");
        assert_eq!(audit_what("list: to screen", Texts::new(Lang::It)), "Elenco: da valutare");
        let team = audit_what("team: added agency OM (statutory_task: art. 9 Sv)", nl);
        assert_eq!(team, "Team: OM toegevoegd (Wettelijke taak: art. 9 Sv)");
        assert!(!audit_what("screening of 11 life domains on 2026-11-22", nl).contains("life domains"));
    }

    /// Every phrase the ZSM use cases and pages write as an audit entry's "what" (issue 17,
    /// item 22) reads in Dutch and Italian without an English word of it left.
    #[test]
    fn every_zsm_audit_phrase_is_translated() {
        let case = "ZSM case 01a24438-151f-7cc9-b286-d649b8fb4a37";
        let phrases = [
            "ZSM decision record".to_string(),
            "ZSM decision form".into(),
            "ZSM case page".into(),
            "ZSM board zsm-utrecht".into(),
            "ZSM obligations zsm-utrecht".into(),
            "ZSM obligations on the measures page".into(),
            "ZSM intake: suspect".into(),
            format!("{case}: lawyer recorded"),
            format!("{case}: decision"),
            format!("{case}: amendment"),
            format!("{case}: prior record"),
            format!("{case}: referred without decision"),
            format!("{case}: decision maintained after breach"),
            format!("{case}: breach of obligation 01a24438-151f-7cc9-b286-d649b8fb4a38"),
            format!("{case}: order inverzekeringstelling"),
            format!("{case}: extension identity of ophouden_voor_onderzoek"),
            format!("{case}: police contribution"),
        ];
        let english = [
            "record",
            "form",
            "page",
            "board",
            "obligations",
            "measures",
            "suspect",
            "lawyer",
            "decision",
            "amendment",
            "prior",
            "referred",
            "maintained",
            "breach",
            "order",
            "extension",
            "section",
            "case",
            "identity",
            "ophouden_voor_onderzoek",
        ];
        for lang in [Lang::Nl, Lang::It] {
            for phrase in &phrases {
                let read = audit_what(phrase, Texts::new(lang));
                let words: Vec<&str> = read.split(|c: char| !(c.is_alphanumeric() || c == '_')).collect();
                let left: Vec<&&str> = english.iter().filter(|w| words.contains(w)).collect();
                assert!(left.is_empty(), "{lang:?}: {phrase:?} reads {read:?}, with English {left:?}");
            }
        }
    }
}
