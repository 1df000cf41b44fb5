//! View models for the screening pages: the form's rows per life domain and, per domain, the
//! scores over time as a small SVG line with the same numbers in a table beside it.

use crate::forms::{ErrorList, Posted};
use crate::i18n::Texts;
use domain::jurisdiction::{Lang as PackLang, ScreeningConfig};
use domain::screening::{
    ScoreInput, Screening, ScreeningInput, Trend, compare, history, note_field, score_field, source_field,
};

pub fn pack_lang(texts: Texts) -> PackLang {
    texts.lang.pack()
}

/// One life domain on the form.
pub struct DomainRow {
    pub key: String,
    pub label: String,
    pub description: String,
    pub required: bool,
    pub score: String,
    pub note: String,
    pub source: String,
    pub score_field: String,
    pub source_field: String,
    pub score_error: Option<String>,
    pub note_error: Option<String>,
    pub source_error: Option<String>,
}

pub fn domain_rows(config: &ScreeningConfig, input: &ScreeningInput, errors: &ErrorList, t: Texts) -> Vec<DomainRow> {
    let lang = pack_lang(t);
    config
        .domains
        .iter()
        .map(|domain| {
            let key = domain.key.as_str();
            let given = input.entries.iter().find(|e| e.domain == key).cloned().unwrap_or_default();
            DomainRow {
                key: key.to_string(),
                label: domain.label.get(lang).to_string(),
                description: domain.description.get(lang).to_string(),
                required: domain.required,
                score: given.score,
                note: given.note,
                source: given.source,
                score_field: score_field(key),
                source_field: source_field(key),
                score_error: errors.for_field(&score_field(key)).map(str::to_string),
                note_error: errors.for_field(&note_field(key)).map(str::to_string),
                source_error: errors.for_field(&source_field(key)).map(str::to_string),
            }
        })
        .collect()
}

/// Names the life domain (and which of its fields) in each line of the error summary, e.g.
/// "Housing – source: say where the information comes from", so the summary reads on its own.
pub fn name_domains(mut errors: ErrorList, config: &ScreeningConfig, t: Texts) -> ErrorList {
    let lang = pack_lang(t);
    for item in &mut errors.items {
        let (part, domain) = match item.field.split_once('-') {
            Some(("score", domain)) => ("screening.score", domain),
            Some(("note", domain)) => ("screening.note", domain),
            Some(("source", domain)) => ("screening.source", domain),
            _ if item.field == "screened_on" => {
                item.summary = format!("{}: {}", t.get("screening.date"), item.message);
                continue;
            }
            _ => continue,
        };
        let label = config.domain(domain).map_or_else(|| domain.to_string(), |d| d.label.get(lang).to_string());
        // The field's own label, without its example ("Source (for example: …)" → "source").
        let field = t.get(part).split(" (").next().unwrap_or_default().to_lowercase();
        item.summary = format!("{label} – {field}: {}", item.message);
    }
    errors
}

pub fn scale_options(config: &ScreeningConfig, t: Texts) -> Vec<(u8, String)> {
    let lang = pack_lang(t);
    config.scale.iter().map(|level| (level.value, level.label.get(lang).to_string())).collect()
}

/// Reads the form: every `score-{domain}` field is one entry, with `note-{domain}` and
/// `source-{domain}` beside it. Domains the pack does not know are passed on so the domain
/// names them in the error.
pub fn screening_input(posted: &Posted) -> ScreeningInput {
    let entries = posted
        .0
        .iter()
        .filter_map(|(name, value)| {
            let domain = name.strip_prefix("score-")?;
            Some(ScoreInput {
                domain: domain.to_string(),
                score: value.clone(),
                note: posted.get(&format!("note-{domain}")),
                source: posted.get(&format!("source-{domain}")),
            })
        })
        .collect();
    ScreeningInput { screened_on: posted.get("screened_on"), entries }
}

/// One domain's scores across screenings, ready to draw and to tabulate.
pub struct DomainHistory {
    pub key: String,
    pub label: String,
    /// One cell per screening, oldest first: "3" or "–".
    pub cells: Vec<String>,
    /// "+2", "−1", "0" or "" between the last two screenings.
    pub change: String,
    pub change_text: String,
    pub chart: Chart,
}

/// A small line chart; coordinates in the SVG's own units.
pub struct Chart {
    pub width: u32,
    pub height: u32,
    pub title: String,
    pub desc: String,
    pub polyline: String,
    pub dots: Vec<(u32, u32)>,
}

const CHART_WIDTH: u32 = 160;
const CHART_HEIGHT: u32 = 48;
const PAD: u32 = 6;

pub fn domain_histories(screenings: &[Screening], config: &ScreeningConfig, t: Texts) -> Vec<DomainHistory> {
    let lang = pack_lang(t);
    let (lowest, highest) = (u32::from(config.lowest_score()), u32::from(config.highest_score()));
    let changes = match screenings {
        [.., before, after] => compare(before, after, config),
        _ => Vec::new(),
    };
    let count = screenings.len() as u32;
    let x = |i: u32| {
        if count <= 1 { CHART_WIDTH / 2 } else { PAD + i * (CHART_WIDTH - 2 * PAD) / (count - 1) }
    };
    let y = |score: u32| {
        let span = (highest - lowest).max(1);
        CHART_HEIGHT - PAD - (score - lowest) * (CHART_HEIGHT - 2 * PAD) / span
    };
    history(screenings, config)
        .into_iter()
        .map(|series| {
            let label =
                config.domain(series.domain.as_str()).map(|d| d.label.get(lang).to_string()).unwrap_or_default();
            let dots: Vec<(u32, u32)> = series
                .points
                .iter()
                .enumerate()
                .filter_map(|(i, (_, score))| score.map(|s| (x(i as u32), y(u32::from(s)))))
                .collect();
            let polyline = dots.iter().map(|(a, b)| format!("{a},{b}")).collect::<Vec<_>>().join(" ");
            let described: Vec<String> = series
                .points
                .iter()
                .map(|(date, score)| match score.and_then(|s| config.level(s)) {
                    Some(level) => format!("{date}: {} ({})", level.value, level.label.get(lang)),
                    None => format!("{date}: {}", t.get("screening.not_scored")),
                })
                .collect();
            let change = changes.iter().find(|c| c.domain == series.domain);
            let (change, change_text) = match change {
                Some(c) => (
                    c.delta.map(|d| if d > 0 { format!("+{d}") } else { d.to_string() }).unwrap_or_default(),
                    t.get(match c.trend {
                        Trend::Improved => "screening.trend.improved",
                        Trend::Worsened => "screening.trend.worsened",
                        Trend::Same => "screening.trend.same",
                        Trend::NotComparable => "screening.trend.not_comparable",
                    })
                    .to_string(),
                ),
                None => (String::new(), String::new()),
            };
            DomainHistory {
                key: series.domain.0.clone(),
                cells: series
                    .points
                    .iter()
                    .map(|(_, s)| s.map(|s| s.to_string()).unwrap_or_else(|| "–".into()))
                    .collect(),
                change,
                change_text,
                chart: Chart {
                    width: CHART_WIDTH,
                    height: CHART_HEIGHT,
                    title: t.fill("screening.chart_title", &[("domain", &label)]),
                    desc: described.join("; "),
                    polyline,
                    dots,
                },
                label,
            }
        })
        .collect()
}
