//! Hand-written, accessible SVG charts. Every chart has `role="img"`, a `<title>` and a
//! `<desc>` (referenced by `aria-labelledby`), does not rely on colour alone (dash patterns
//! and direct labels), and comes with its data as a [`Table`] so the page can show both.

use std::fmt::Write;

use crate::reoffending::Report;
use crate::survival::Curve;
use crate::table::{Cell, Table};

/// A chart and the table of the numbers it draws (after disclosure control).
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub svg: String,
    pub table: Table,
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const PALETTE: [&str; 6] = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738", "#505a5f"];
const DASHES: [&str; 6] = ["", "6 3", "2 2", "8 3 2 3", "1 3", "10 4"];

fn open_svg(out: &mut String, width: u32, height: u32, id: &str, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="{id}-title {id}-desc" font-family="sans-serif" font-size="13"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(desc)
    );
}

/// The words a chart is drawn with, in the page's language; [`ChartWords::english`] is
/// what the CLI and the CSV speak. Placeholders: `{min}`, `{group}`, `{rate}`, `{low}`,
/// `{high}`, `{share}`, `{days}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartWords {
    pub rates_title: Option<String>,
    pub rates_desc: String,
    pub rate_line: String,
    pub survival_title: Option<String>,
    pub survival_desc: String,
    pub survival_line: String,
    pub days_axis: String,
    pub unknown: String,
    /// The row of every group together ("(all)").
    pub all: String,
    /// Drawn where a row is withheld, e.g. "suppressed (fewer than {min})".
    pub suppressed_row: String,
    /// In the description: "{group}: suppressed."
    pub suppressed_line: String,
    /// Numbers with a decimal comma (nl, it).
    pub decimal_comma: bool,
}

impl ChartWords {
    pub fn english() -> ChartWords {
        ChartWords {
            rates_title: None,
            rates_desc: "Proven reoffending rate per group with 95% intervals.".into(),
            rate_line: "{group}: {rate} ({low} to {high}).".into(),
            survival_title: None,
            survival_desc: "Share of people without a proven reoffence by days since the index date.".into(),
            survival_line: "{group}: {share} after {days} days.".into(),
            days_axis: "days since index date".into(),
            unknown: "(unknown)".into(),
            all: "(all)".into(),
            suppressed_row: "suppressed (fewer than {min})".into(),
            suppressed_line: "{group}: suppressed.".into(),
            decimal_comma: false,
        }
    }

    /// `share` (0–1) as a percentage with one decimal, in these words' number style.
    pub fn percent(&self, share: f64) -> String {
        percent(share, self.decimal_comma)
    }
}

/// `share` (0–1) as a percentage with one decimal ("48.3%", with a decimal comma "48,3%"):
/// the charts' labels, and the tables beside them.
pub fn percent(share: f64, decimal_comma: bool) -> String {
    let text = format!("{:.1}%", share * 100.0);
    if decimal_comma { text.replace('.', ",") } else { text }
}

fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (key, value) in pairs {
        out = out.replace(&format!("{{{key}}}"), value);
    }
    out
}

/// Binary reoffending rates per group with Wilson 95% whiskers (rows suppressed by
/// disclosure control are listed but not drawn).
pub fn rates_chart(report: &Report, min_cell: u64) -> Chart {
    rates_chart_in(report, min_cell, &ChartWords::english())
}

/// [`rates_chart`] in `words`.
pub fn rates_chart_in(report: &Report, min_cell: u64, words: &ChartWords) -> Chart {
    let table = report.disclosed_table(min_cell);
    let labels: Vec<String> = table
        .rows
        .iter()
        .map(|row| match row[0].text() {
            label if label.is_empty() => words.unknown.clone(),
            label if label == "(all)" => words.all.clone(),
            label => label,
        })
        .collect();
    // Room for the longest group name left of the plot (about 7 px a character at 13 px), so
    // a long intervention's name is never cut off.
    let widest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64;
    let (left, plot_width, row_height, top) = ((widest * 7.2 + 16.0).max(160.0), 420.0, 30.0, 30.0);
    let height = top + row_height * table.rows.len() as f64 + 40.0;
    let mut desc = format!("{} ", words.rates_desc);
    let mut body = String::new();
    let x = |rate: f64| left + rate * plot_width;
    for tick in 0..=4 {
        let t = f64::from(tick) * 0.25;
        let _ = write!(
            body,
            r##"<line x1="{0:.1}" y1="{1}" x2="{0:.1}" y2="{2:.1}" stroke="#b1b4b6"/><text x="{0:.1}" y="{3:.1}" text-anchor="middle">{4}%</text>"##,
            x(t),
            top - 10.0,
            height - 30.0,
            height - 12.0,
            tick * 25
        );
    }
    for (i, (row, label)) in table.rows.iter().zip(labels).enumerate() {
        let y = top + row_height * (i as f64 + 0.5);
        let _ = write!(
            body,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            left - 8.0,
            y + 4.0,
            escape(&label)
        );
        match (&row[3], &row[6]) {
            (Cell::Rate { value, .. }, Cell::Interval { low, high, .. }) => {
                let _ = write!(
                    body,
                    r##"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#0b0c0c" stroke-width="2"/><line x1="{0:.1}" y1="{2:.1}" x2="{0:.1}" y2="{3:.1}" stroke="#0b0c0c"/><line x1="{1:.1}" y1="{2:.1}" x2="{1:.1}" y2="{3:.1}" stroke="#0b0c0c"/><circle cx="{4:.1}" cy="{y:.1}" r="5" fill="#1d70b8"/><text x="{5:.1}" y="{6:.1}">{7}</text>"##,
                    x(*low),
                    x(*high),
                    y - 6.0,
                    y + 6.0,
                    x(*value),
                    left + plot_width + 8.0,
                    y + 4.0,
                    words.percent(*value)
                );
                let line = fill(
                    &words.rate_line,
                    &[
                        ("group", &label),
                        ("rate", &words.percent(*value)),
                        ("low", &words.percent(*low)),
                        ("high", &words.percent(*high)),
                    ],
                );
                let _ = write!(desc, "{line} ");
            }
            _ => {
                let _ = write!(
                    body,
                    r#"<text x="{:.1}" y="{:.1}">{}</text>"#,
                    left + 4.0,
                    y + 4.0,
                    escape(&fill(&words.suppressed_row, &[("min", &min_cell.to_string())]))
                );
                let _ = write!(desc, "{} ", fill(&words.suppressed_line, &[("group", &label)]));
            }
        }
    }
    let mut svg = String::new();
    let title = words.rates_title.as_deref().unwrap_or(&table.title);
    open_svg(&mut svg, (left + plot_width + 60.0) as u32, height as u32, "rates", title, desc.trim_end());
    svg.push_str(&body);
    svg.push_str("</svg>");
    Chart { svg, table }
}

/// Kaplan–Meier curves, one per group, read every `every_days` days and drawn through the
/// points that disclosure control publishes (see [`crate::survival::checkpoints`]).
pub fn survival_chart(curves: &[Curve], every_days: i32, min_cell: u64) -> Chart {
    survival_chart_in(curves, every_days, min_cell, &ChartWords::english())
}

/// [`survival_chart`] in `words`.
pub fn survival_chart_in(curves: &[Curve], every_days: i32, min_cell: u64, words: &ChartWords) -> Chart {
    let table = crate::survival::curves_table(curves, every_days, min_cell);
    let (left, top, plot_width, plot_height) = (60.0, 20.0, 460.0, 260.0);
    let max_day = curves.iter().flat_map(|c| c.steps.iter().map(|s| s.day)).max().unwrap_or(1).max(1);
    let x = |day: i32| left + f64::from(day) / f64::from(max_day) * plot_width;
    let y = |s: f64| top + (1.0 - s) * plot_height;
    let mut body = String::new();
    for tick in 0..=4 {
        let s = f64::from(tick) * 0.25;
        let _ = write!(
            body,
            r##"<line x1="{left}" y1="{0:.1}" x2="{1:.1}" y2="{0:.1}" stroke="#b1b4b6"/><text x="{2:.1}" y="{3:.1}" text-anchor="end">{4}%</text>"##,
            y(s),
            left + plot_width,
            left - 6.0,
            y(s) + 4.0,
            tick * 25
        );
        let day = (f64::from(max_day) * f64::from(tick) / 4.0).round() as i32;
        let _ = write!(
            body,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{day}</text>"#,
            x(day),
            top + plot_height + 18.0
        );
    }
    let _ = write!(
        body,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        left + plot_width / 2.0,
        top + plot_height + 36.0,
        escape(&words.days_axis)
    );
    let mut desc = format!("{} ", words.survival_desc);
    for (i, curve) in curves.iter().enumerate() {
        let mut path = format!("M{:.1} {:.1}", x(0), y(1.0));
        let mut last = 1.0;
        let mut last_day = 0;
        for point in crate::survival::checkpoints(curve, every_days, min_cell) {
            if let Some(survival) = point.survival {
                let _ = write!(path, " H{:.1} V{:.1}", x(point.day), y(survival));
                last = survival;
                last_day = point.day;
            }
        }
        let label = if curve.group.is_empty() { words.unknown.as_str() } else { &curve.group };
        let (colour, dash) = (PALETTE[i % PALETTE.len()], DASHES[i % DASHES.len()]);
        // The key below the plot, a line of the curve's colour and dash before its name: a
        // name at the curve's end ran off the chart ("Zorg- en Veil…" of a Safety House).
        let key = top + plot_height + 58.0 + 20.0 * i as f64;
        let _ = write!(
            body,
            r#"<path d="{path}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/><line x1="{left}" y1="{key:.1}" x2="{:.1}" y2="{key:.1}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/><text x="{:.1}" y="{:.1}" fill="{colour}">{}</text>"#,
            left + 30.0,
            left + 38.0,
            key + 4.0,
            escape(label)
        );
        let line = fill(
            &words.survival_line,
            &[("group", label), ("share", &words.percent(last)), ("days", &last_day.to_string())],
        );
        let _ = write!(desc, "{line} ");
    }
    let mut svg = String::new();
    let height = (top + plot_height + 50.0 + 20.0 * curves.len() as f64) as u32;
    let title = words.survival_title.as_deref().unwrap_or(&table.title);
    open_svg(&mut svg, 600, height, "survival", title, desc.trim_end());
    svg.push_str(&body);
    svg.push_str("</svg>");
    Chart { svg, table }
}

/// One bar of a [`bar_chart`]: its label, its value (`None`: withheld by disclosure control)
/// and the text written beside it (the value in the page's words).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: Option<f64>,
    pub text: String,
}

/// How many characters of a bar's label fit the 640-unit-wide chart at font size 13.
const LABEL_MAX_CHARS: usize = 84;

/// `label` cut to at most `max` characters at a word boundary, with an ellipsis; `None` when
/// it fits as it is.
fn shortened(label: &str, max: usize) -> Option<String> {
    if label.chars().count() <= max {
        return None;
    }
    let head: String = label.chars().take(max - 1).collect();
    let cut = match head.rfind(char::is_whitespace) {
        Some(at) if at > head.len() / 2 => head[..at].trim_end().to_string(),
        _ => head,
    };
    Some(format!("{cut}…"))
}

/// Horizontal bars from 0 to `max`, each labelled and with its value written beside it (so
/// nothing rests on length or colour alone); a withheld bar shows `withheld` instead. `id`
/// must be unique on the page (it names the title and description).
pub fn bar_chart(id: &str, title: &str, desc: &str, bars: &[Bar], max: f64, withheld: &str) -> String {
    bar_chart_sized(id, title, desc, bars, max, withheld, ChartSize { width: 640, font_size: 13 })
}

/// How wide a chart is drawn (in its own units) and with which font size: a chart beside its
/// table in half a page is drawn narrow with a larger font, so its text is not scaled down to
/// unreadable when the browser fits it in the column (funds4 branch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartSize {
    pub width: u32,
    pub font_size: u32,
}

impl ChartSize {
    /// For a column of about 26rem beside a table: drawn at about the size it is shown.
    pub const BESIDE_TABLE: ChartSize = ChartSize { width: 420, font_size: 15 };
}

/// [`bar_chart`] at `size`.
pub fn bar_chart_sized(
    id: &str,
    title: &str,
    desc: &str,
    bars: &[Bar],
    max: f64,
    withheld: &str,
    size: ChartSize,
) -> String {
    // Each label on its own line above its bar, so a long group name is never cut off; the
    // value beside the bar keeps 140 units of room.
    let (left, plot_width, row_height, top) = (4.0, f64::from(size.width) - 140.0, 40.0, 4.0);
    // 84 characters fit 640 units at font size 13: as many per unit of width and font.
    let label_max =
        (LABEL_MAX_CHARS as f64 * f64::from(size.width) / 640.0 * 13.0 / f64::from(size.font_size)) as usize;
    let height = top + row_height * bars.len() as f64 + 6.0;
    let max = if max > 0.0 { max } else { 1.0 };
    let mut body = String::new();
    let mut description = format!("{desc} ");
    for (i, bar) in bars.iter().enumerate() {
        let y = top + row_height * i as f64;
        // A label too long for the chart's width is shortened at a word with an ellipsis; the
        // whole label is its tooltip (`<title>`), in the description and in the table beside.
        match shortened(&bar.label, label_max) {
            Some(short) => {
                let _ = write!(
                    body,
                    r#"<text x="{left}" y="{:.1}"><title>{}</title>{}</text>"#,
                    y + 13.0,
                    escape(&bar.label),
                    escape(&short)
                );
            }
            None => {
                let _ = write!(body, r#"<text x="{left}" y="{:.1}">{}</text>"#, y + 13.0, escape(&bar.label));
            }
        }
        match bar.value {
            Some(value) => {
                let width = (value / max).clamp(0.0, 1.0) * plot_width;
                let _ = write!(
                    body,
                    r##"<rect x="{left}" y="{:.1}" width="{width:.1}" height="14" fill="{}"/><text x="{:.1}" y="{:.1}">{}</text>"##,
                    y + 18.0,
                    PALETTE[0],
                    left + width + 6.0,
                    y + 30.0,
                    escape(&bar.text)
                );
                let _ = write!(description, "{}: {}. ", bar.label, bar.text);
            }
            None => {
                let _ = write!(body, r#"<text x="{left}" y="{:.1}">{}</text>"#, y + 30.0, escape(withheld));
                let _ = write!(description, "{}: {withheld}. ", bar.label);
            }
        }
    }
    let mut svg = String::new();
    open_svg(&mut svg, size.width, height as u32, id, title, description.trim_end());
    if size.font_size != 13 {
        svg = svg.replacen(r#"font-size="13""#, &format!(r#"font-size="{}""#, size.font_size), 1);
    }
    svg.push_str(&body);
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reoffending::{Definition, GroupBy, GroupMeasure, Measure};
    use crate::survival::{SurvivalTime, kaplan_meier};

    fn report() -> Report {
        let m = |people, reoffenders| Measure { people, reoffenders, reoffences: reoffenders, censored: 0 };
        Report {
            definition: Definition::default_as_of(0),
            by: GroupBy::Group,
            overall: m(340, 75),
            groups: vec![
                GroupMeasure { group: "A & B".into(), measure: m(100, 40) },
                GroupMeasure { group: "small".into(), measure: m(40, 5) },
                // Hidden too: otherwise the total minus the others would reveal "small".
                GroupMeasure { group: "C".into(), measure: m(200, 30) },
            ],
        }
    }

    #[test]
    fn rates_chart_is_accessible_escaped_and_hides_suppressed_rows() {
        let chart = rates_chart(&report(), 10);
        assert!(chart.svg.starts_with("<svg") && chart.svg.ends_with("</svg>"));
        assert!(chart.svg.contains(r#"role="img""#));
        assert!(chart.svg.contains("<title id=\"rates-title\">"));
        assert!(chart.svg.contains("A &amp; B: 40.0% ("));
        assert!(chart.svg.contains("small: suppressed."));
        assert_eq!(chart.svg.matches("<circle").count(), 2, "A & B and (all)");
        assert_eq!(chart.table.rows[1][3], Cell::Suppressed);
        assert_eq!(chart.table.rows[2][3], Cell::Suppressed);
        assert!(chart.svg.contains("C: suppressed."));
    }

    #[test]
    fn charts_speak_the_words_they_are_given() {
        let words = ChartWords {
            rates_title: Some("Bewezen recidive".into()),
            rate_line: "{group}: {rate} ({low} tot {high}).".into(),
            suppressed_line: "{group}: verborgen.".into(),
            decimal_comma: true,
            ..ChartWords::english()
        };
        let chart = rates_chart_in(&report(), 10, &words);
        assert!(chart.svg.contains("<title id=\"rates-title\">Bewezen recidive</title>"));
        assert!(chart.svg.contains("A &amp; B: 40,0% ("));
        assert!(chart.svg.contains("small: verborgen."));
        let bars = [
            Bar { label: "a".into(), value: Some(0.5), text: "50%".into() },
            Bar { label: "b".into(), value: None, text: String::new() },
        ];
        let svg = bar_chart("x", "T", "D.", &bars, 1.0, "withheld");
        assert!(svg.contains(r#"aria-labelledby="x-title x-desc""#));
        assert!(svg.contains("D. a: 50%. b: withheld.</desc>"));
        assert_eq!(svg.matches("<rect").count(), 1);
        // A long label is shortened at a word, whole in its tooltip and the description.
        let long =
            "Gerrit Hoekstra: “Ik wil een eigen kamer waar ik rust heb en mijn zoon weer kan ontvangen in het weekend”";
        let bars = [Bar { label: long.into(), value: Some(1.0), text: "€ 75".into() }];
        let svg = bar_chart("y", "T", "D.", &bars, 1.0, "");
        assert!(svg.contains(&format!("<title>{}</title>", escape(long))), "{svg}");
        assert!(svg.contains("mijn zoon…</text>") || svg.contains("…</text>"), "{svg}");
        assert!(svg.contains(&format!("D. {long}: € 75.</desc>")), "{svg}");
        let shown = shortened(long, LABEL_MAX_CHARS).unwrap();
        assert!(shown.chars().count() <= LABEL_MAX_CHARS && !shown.contains("weekend"), "{shown}");
    }

    #[test]
    fn survival_chart_draws_one_step_path_per_group() {
        let times: Vec<SurvivalTime> = (1..=20).map(|d| SurvivalTime { days: d * 10, event: d % 2 == 0 }).collect();
        let curves = vec![
            Curve { group: "A".into(), people: 20, steps: kaplan_meier(&times) },
            Curve { group: "B".into(), people: 20, steps: kaplan_meier(&times[..15]) },
        ];
        let chart = survival_chart(&curves, 10, 2);
        assert_eq!(chart.svg.matches("<path").count(), 2);
        assert!(chart.svg.contains("stroke-dasharray=\"6 3\""));
        assert!(chart.svg.contains("<desc id=\"survival-desc\">"));
        // A: one event every 20 days; with at least 2 events per published point, points are
        // published on days 40, 80, 120 and 160 (on day 200 nobody is left at risk).
        let path_of = |n: usize| {
            let path = chart.svg.split("<path d=\"").nth(n).unwrap();
            path.split('"').next().unwrap().to_owned()
        };
        assert_eq!(path_of(1).matches(" H").count(), 4);
        assert_eq!(path_of(2).matches(" H").count(), 3);
        assert_eq!(chart.table.rows.len(), 20 + 15);
    }
}
