//! A provider's catalogue entry: what it delivers, for which needs (the screening's life
//! domains), to whom (eligibility), how (format, sessions) and how much of it there is
//! (places, unit cost, areas). Built only by parsing [`InterventionInput`].

use crate::ids::{AgencyId, InterventionId};
use crate::jurisdiction::DomainKey;
use crate::people::Sex;
use crate::validation::{FieldError, LINE_MAX_CHARS, TEXT_MAX_CHARS, ValidationErrors, optional_text, required_text};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// What kind of help an intervention is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterventionKind {
    AccreditedProgramme,
    StructuredIntervention,
    Housing,
    AddictionTreatment,
    MentalHealthTreatment,
    DebtHelp,
    EducationAndWork,
    Mentoring,
    CommunityActivity,
    RestorativeJustice,
}

impl InterventionKind {
    pub const ALL: [InterventionKind; 10] = [
        Self::AccreditedProgramme,
        Self::StructuredIntervention,
        Self::Housing,
        Self::AddictionTreatment,
        Self::MentalHealthTreatment,
        Self::DebtHelp,
        Self::EducationAndWork,
        Self::Mentoring,
        Self::CommunityActivity,
        Self::RestorativeJustice,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::AccreditedProgramme => "accredited_programme",
            Self::StructuredIntervention => "structured_intervention",
            Self::Housing => "housing",
            Self::AddictionTreatment => "addiction_treatment",
            Self::MentalHealthTreatment => "mental_health_treatment",
            Self::DebtHelp => "debt_help",
            Self::EducationAndWork => "education_and_work",
            Self::Mentoring => "mentoring",
            Self::CommunityActivity => "community_activity",
            Self::RestorativeJustice => "restorative_justice",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        // Community networks (issue 20): "community" names the community activities too.
        if code.trim() == "community" {
            return Some(Self::CommunityActivity);
        }
        Self::ALL.into_iter().find(|k| k.code() == code.trim())
    }
}

/// The risk of reoffending or harm as the referrer assessed it; programmes are built for a band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
}

impl RiskLevel {
    pub const ALL: [RiskLevel; 3] = [Self::Low, Self::Medium, Self::High];
    pub fn code(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code.trim())
    }
}

/// Who may take part. An empty list admits everyone on that count.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    pub min_age: Option<u8>,
    pub max_age: Option<u8>,
    pub sexes: Vec<Sex>,
    pub risk_levels: Vec<RiskLevel>,
    /// Languages it is delivered in (ISO codes such as `nl`).
    pub languages: Vec<String>,
}

/// One-to-one (starts when a place frees up) or a group that starts on scheduled dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "format", rename_all = "snake_case")]
pub enum Format {
    OneToOne,
    /// `capacity` is the size of one group; each start date opens a new group.
    Group {
        starts: Vec<Date>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intervention {
    pub id: InterventionId,
    pub provider: AgencyId,
    pub name: String,
    pub description: String,
    pub kind: InterventionKind,
    /// The life domains of the screening it addresses.
    pub needs: Vec<DomainKey>,
    pub eligibility: Eligibility,
    pub format: Format,
    pub sessions: u16,
    pub duration_weeks: u16,
    /// What it aims for; progress and the end-of-service report are recorded per outcome.
    pub outcomes: Vec<String>,
    /// Places at once (one-to-one) or per group.
    pub capacity: u32,
    pub unit_cost_cents: Option<i64>,
    /// Municipalities or regions served (matched against the person's city).
    pub areas: Vec<String>,
    /// A withdrawn entry keeps its referrals but is no longer found.
    pub active: bool,
}

/// An area or city as the finder compares it: trimmed, ASCII letters in lower case (the store
/// indexes the areas served by this key).
pub fn area_key(area: &str) -> String {
    area.trim().to_ascii_lowercase()
}

/// Why an intervention does not admit a person, shown beside the entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Misfit {
    /// Outside the age range, or no date of birth where an age limit applies.
    Age {
        min_age: Option<u8>,
        max_age: Option<u8>,
    },
    Sex,
    Risk,
    /// Not given in any language the person can take part in.
    Language {
        languages: Vec<String>,
    },
}

impl Misfit {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Age { .. } => "age",
            Self::Sex => "sex",
            Self::Risk => "risk",
            Self::Language { .. } => "language",
        }
    }
}

impl Intervention {
    pub fn serves_area(&self, city: Option<&str>) -> bool {
        match city {
            Some(city) => self.areas.iter().any(|a| a.eq_ignore_ascii_case(city.trim())),
            None => false,
        }
    }

    /// Everything that keeps a person of this age, sex, (if assessed) risk and languages out;
    /// empty when they may take part. No languages recorded for the person: not checked.
    pub fn misfits(&self, age: Option<i16>, sex: Sex, risk: Option<RiskLevel>, languages: &[String]) -> Vec<Misfit> {
        let e = &self.eligibility;
        let mut out = Vec::new();
        if !self.age_fits(age) {
            out.push(Misfit::Age { min_age: e.min_age, max_age: e.max_age });
        }
        if !(e.sexes.is_empty() || e.sexes.contains(&sex)) {
            out.push(Misfit::Sex);
        }
        if !(e.risk_levels.is_empty() || risk.is_none_or(|r| e.risk_levels.contains(&r))) {
            out.push(Misfit::Risk);
        }
        let offered = &e.languages;
        let shared = |spoken: &String| offered.iter().any(|o| o.trim().eq_ignore_ascii_case(spoken.trim()));
        if !offered.is_empty() && !languages.is_empty() && !languages.iter().any(shared) {
            out.push(Misfit::Language { languages: offered.clone() });
        }
        out
    }

    fn age_fits(&self, age: Option<i16>) -> bool {
        let e = &self.eligibility;
        match age {
            Some(age) => {
                e.min_age.is_none_or(|min| age >= i16::from(min)) && e.max_age.is_none_or(|max| age <= i16::from(max))
            }
            None => e.min_age.is_none() && e.max_age.is_none(),
        }
    }

    /// Whether a person of this age, sex and (if assessed) risk may take part.
    pub fn admits(&self, age: Option<i16>, sex: Sex, risk: Option<RiskLevel>) -> bool {
        self.misfits(age, sex, risk, &[]).is_empty()
    }
}

/// A catalogue entry as typed: every field text. Lists are one item per line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InterventionInput {
    pub name: String,
    pub description: String,
    pub kind: String,
    pub needs: String,
    pub min_age: String,
    pub max_age: String,
    pub sexes: String,
    pub risk_levels: String,
    pub languages: String,
    /// Empty for one-to-one; otherwise the group start dates, one per line.
    pub group_starts: String,
    pub sessions: String,
    pub duration_weeks: String,
    pub outcomes: String,
    pub capacity: String,
    pub unit_cost_cents: String,
    pub areas: String,
}

/// The most items a list field keeps (areas, outcomes, needs, start dates).
pub const LIST_MAX_ITEMS: usize = 50;

fn lines(errors: &mut ValidationErrors, field: &str, raw: &str) -> Vec<String> {
    let items: Vec<String> =
        raw.split(['\n', ',']).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
    if items.len() > LIST_MAX_ITEMS {
        errors.push(FieldError::new(field, "error.too_many").with("max", LIST_MAX_ITEMS));
    }
    for item in &items {
        if let Some(problem) = crate::validation::TextLimit::Line.check(field, item, LINE_MAX_CHARS) {
            errors.push(problem);
            break;
        }
    }
    items
}

fn number<T: std::str::FromStr>(errors: &mut ValidationErrors, field: &str, raw: &str) -> Option<T> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse() {
        Ok(value) => Some(value),
        Err(_) => {
            errors.push(FieldError::new(field, "error.number.invalid"));
            None
        }
    }
}

impl InterventionInput {
    /// Checks every field against the pack's life domains and returns every problem found.
    pub fn parse(
        &self,
        id: InterventionId,
        provider: AgencyId,
        domains: &[DomainKey],
    ) -> Result<Intervention, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = required_text(&mut errors, "name", &self.name, LINE_MAX_CHARS);
        let description = optional_text(&mut errors, "description", &self.description, TEXT_MAX_CHARS);
        let kind = InterventionKind::parse(&self.kind);
        if kind.is_none() {
            errors.push(FieldError::new("kind", "error.intervention.kind"));
        }
        let mut needs = Vec::new();
        for need in lines(&mut errors, "needs", &self.needs) {
            match domains.iter().find(|d| d.as_str() == need) {
                Some(d) => needs.push(d.clone()),
                None => errors.push(FieldError::new("needs", "error.intervention.need").with("need", &need)),
            }
        }
        if needs.is_empty() && !errors.iter().any(|e| e.field == "needs") {
            errors.push(FieldError::new("needs", "error.required"));
        }
        let min_age = number::<u8>(&mut errors, "min_age", &self.min_age);
        let max_age = number::<u8>(&mut errors, "max_age", &self.max_age);
        if let (Some(min), Some(max)) = (min_age, max_age)
            && min > max
        {
            errors.push(FieldError::new("max_age", "error.intervention.age_range"));
        }
        let mut sexes = Vec::new();
        for code in lines(&mut errors, "sexes", &self.sexes) {
            match Sex::ALL.into_iter().find(|s| s.code() == code) {
                Some(sex) => sexes.push(sex),
                None => errors.push(FieldError::new("sexes", "error.intervention.sex")),
            }
        }
        let mut risk_levels = Vec::new();
        for code in lines(&mut errors, "risk_levels", &self.risk_levels) {
            match RiskLevel::parse(&code) {
                Some(level) => risk_levels.push(level),
                None => errors.push(FieldError::new("risk_levels", "error.intervention.risk")),
            }
        }
        let languages = lines(&mut errors, "languages", &self.languages);
        let mut starts = Vec::new();
        for raw in lines(&mut errors, "group_starts", &self.group_starts) {
            match crate::validation::parse_date("group_starts", &raw) {
                Ok(date) => starts.push(date),
                Err(e) => errors.push(e),
            }
        }
        starts.sort();
        starts.dedup();
        let format = if self.group_starts.trim().is_empty() { Format::OneToOne } else { Format::Group { starts } };
        let sessions = number::<u16>(&mut errors, "sessions", &self.sessions).unwrap_or(1);
        let duration_weeks = number::<u16>(&mut errors, "duration_weeks", &self.duration_weeks).unwrap_or(1);
        let outcomes = lines(&mut errors, "outcomes", &self.outcomes);
        if outcomes.is_empty() {
            errors.push(FieldError::new("outcomes", "error.required"));
        }
        let capacity = number::<u32>(&mut errors, "capacity", &self.capacity);
        if capacity.is_none() && self.capacity.trim().is_empty() {
            errors.push(FieldError::new("capacity", "error.required"));
        }
        let unit_cost_cents = number::<i64>(&mut errors, "unit_cost_cents", &self.unit_cost_cents);
        if unit_cost_cents.is_some_and(|c| c < 0) {
            errors.push(FieldError::new("unit_cost_cents", "error.number.invalid"));
        }
        let areas = lines(&mut errors, "areas", &self.areas);
        if areas.is_empty() {
            errors.push(FieldError::new("areas", "error.required"));
        }
        let (Some(kind), true) = (kind, errors.is_empty()) else { return Err(errors) };
        Ok(Intervention {
            id,
            provider,
            name,
            description: description.unwrap_or_default(),
            kind,
            needs,
            eligibility: Eligibility { min_age, max_age, sexes, risk_levels, languages },
            format,
            sessions,
            duration_weeks,
            outcomes,
            capacity: capacity.unwrap_or(0),
            unit_cost_cents,
            areas,
            active: true,
        })
    }
}

fn joined<T>(items: &[T], text: impl Fn(&T) -> String) -> String {
    items.iter().map(text).collect::<Vec<_>>().join("\n")
}

impl From<&Intervention> for InterventionInput {
    /// The entry as its form shows it, to be edited into the next version.
    fn from(i: &Intervention) -> Self {
        let e = &i.eligibility;
        let number = |n: Option<u8>| n.map(|n| n.to_string()).unwrap_or_default();
        Self {
            name: i.name.clone(),
            description: i.description.clone(),
            kind: i.kind.code().to_owned(),
            needs: joined(&i.needs, |n| n.to_string()),
            min_age: number(e.min_age),
            max_age: number(e.max_age),
            sexes: joined(&e.sexes, |s| s.code().to_owned()),
            risk_levels: joined(&e.risk_levels, |r| r.code().to_owned()),
            languages: e.languages.join("\n"),
            group_starts: match &i.format {
                Format::OneToOne => String::new(),
                Format::Group { starts } => joined(starts, ToString::to_string),
            },
            sessions: i.sessions.to_string(),
            duration_weeks: i.duration_weeks.to_string(),
            outcomes: i.outcomes.join("\n"),
            capacity: i.capacity.to_string(),
            unit_cost_cents: i.unit_cost_cents.map(|c| c.to_string()).unwrap_or_default(),
            areas: i.areas.join("\n"),
        }
    }
}

/// The fields (as the form names them) in which `after` differs from `before`: what a
/// version of the catalogue history changed.
pub fn changed_fields(before: &Intervention, after: &Intervention) -> Vec<&'static str> {
    let (b, a) = (InterventionInput::from(before), InterventionInput::from(after));
    let pairs: [(&'static str, bool); 17] = [
        ("name", b.name != a.name),
        ("description", b.description != a.description),
        ("kind", b.kind != a.kind),
        ("needs", b.needs != a.needs),
        ("min_age", b.min_age != a.min_age),
        ("max_age", b.max_age != a.max_age),
        ("sexes", b.sexes != a.sexes),
        ("risk_levels", b.risk_levels != a.risk_levels),
        ("languages", b.languages != a.languages),
        ("group_starts", b.group_starts != a.group_starts),
        ("sessions", b.sessions != a.sessions),
        ("duration_weeks", b.duration_weeks != a.duration_weeks),
        ("outcomes", b.outcomes != a.outcomes),
        ("capacity", b.capacity != a.capacity),
        ("unit_cost_cents", b.unit_cost_cents != a.unit_cost_cents),
        ("areas", b.areas != a.areas),
        ("active", before.active != after.active),
    ];
    pairs.into_iter().filter(|(_, changed)| *changed).map(|(field, _)| field).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn input() -> InterventionInput {
        InterventionInput {
            name: "Minder drinken".into(),
            kind: "addiction_treatment".into(),
            needs: "addiction".into(),
            min_age: "18".into(),
            risk_levels: "medium\nhigh".into(),
            group_starts: "2027-01-11\n2027-03-01".into(),
            sessions: "10".into(),
            duration_weeks: "12".into(),
            outcomes: "Drie maanden geen alcohol".into(),
            capacity: "8".into(),
            unit_cost_cents: "120000".into(),
            areas: "Utrecht\nZeist".into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_entry_read_back_into_its_form_parses_to_the_same_entry() {
        let domains = [DomainKey::new("addiction")];
        let (id, provider) = (InterventionId(uuid::Uuid::nil()), AgencyId(uuid::Uuid::nil()));
        let entry = input().parse(id, provider, &domains).unwrap();
        let again = InterventionInput::from(&entry).parse(id, provider, &domains).unwrap();
        assert_eq!(entry, again);
        assert!(changed_fields(&entry, &again).is_empty());
        let mut next = again.clone();
        next.capacity = 10;
        next.active = false;
        assert_eq!(changed_fields(&entry, &next), vec!["capacity", "active"]);
    }

    fn entry(eligibility: Eligibility) -> Intervention {
        Intervention {
            id: InterventionId(Uuid::nil()),
            provider: AgencyId(Uuid::nil()),
            name: "x".into(),
            description: String::new(),
            kind: InterventionKind::EducationAndWork,
            needs: vec![],
            eligibility,
            format: Format::OneToOne,
            sessions: 1,
            duration_weeks: 1,
            outcomes: vec![],
            capacity: 1,
            unit_cost_cents: None,
            areas: vec!["Utrecht".into()],
            active: true,
        }
    }

    #[test]
    fn each_reason_a_person_does_not_fit_is_named() {
        let young = entry(Eligibility { min_age: Some(18), max_age: Some(27), ..Eligibility::default() });
        assert_eq!(
            young.misfits(Some(56), Sex::Male, None, &[]),
            vec![Misfit::Age { min_age: Some(18), max_age: Some(27) }]
        );
        assert!(young.misfits(Some(20), Sex::Male, None, &[]).is_empty());
        assert!(!young.admits(None, Sex::Male, None), "no date of birth where an age limit applies");
        let women =
            entry(Eligibility { sexes: vec![Sex::Female], risk_levels: vec![RiskLevel::Low], ..Default::default() });
        assert_eq!(women.misfits(Some(30), Sex::Male, Some(RiskLevel::High), &[]), vec![Misfit::Sex, Misfit::Risk]);
        assert!(women.misfits(Some(30), Sex::Female, None, &[]).is_empty(), "risk not assessed: not held against");
    }

    #[test]
    fn languages_match_whatever_their_case_and_unrecorded_ones_are_not_checked() {
        let dutch = entry(Eligibility { languages: vec!["nl".into(), " EN ".into()], ..Default::default() });
        let speaks = |codes: &[&str]| codes.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert!(dutch.misfits(None, Sex::Male, None, &speaks(&["pl", "en"])).is_empty());
        assert_eq!(
            dutch.misfits(None, Sex::Male, None, &speaks(&["pl"])),
            vec![Misfit::Language { languages: vec!["nl".into(), " EN ".into()] }]
        );
        assert!(dutch.misfits(None, Sex::Male, None, &[]).is_empty(), "not recorded: not checked");
        assert!(entry(Eligibility::default()).misfits(None, Sex::Male, None, &speaks(&["ti"])).is_empty());
        assert_eq!(area_key("  'S-Hertogenbosch "), "'s-hertogenbosch");
    }
}
