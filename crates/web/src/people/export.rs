//! The subject-access export (GDPR art. 15) as a readable page — every section of what desist
//! holds about the person, as tables — and as the documented JSON to download. Both are the
//! domain's one export (`domain::admin`), each audited as an export.

use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::i18n::Texts;
use crate::page::{Page, local_time, ok};
use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::admin::{Section, SubjectAccessExport};
use domain::ids::{AgencyId, PersonId};
use jiff::tz::TimeZone;
use std::collections::BTreeMap;

use super::PersonPath;

/// One section of the page: a table, or a line saying it is empty.
pub struct ExportTable {
    pub anchor: &'static str,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Template)]
#[template(path = "export.html")]
struct ExportPage {
    page: Page,
    intro: String,
    json_url: String,
    summary: Vec<(&'static str, String, usize)>,
    tables: Vec<ExportTable>,
}

/// `GET /people/{id}/export`: the readable export.
pub(super) async fn page(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
) -> Result<Response, WebError> {
    let export = state.subject_access().export(&me.actor, id).await?;
    let agencies: BTreeMap<AgencyId, String> =
        state.directory().agencies().await?.into_iter().map(|a| (a.id, a.name)).collect();
    let t = context.texts;
    let zone = &state.config.time_zone;
    let name = export.person.display_name();
    let page = ExportPage {
        page: Page::new(&context, &t.fill("export.title", &[("name", &name)])),
        intro: t.fill("export.intro", &[("at", &local_time(export.exported_at, zone))]),
        json_url: format!("/people/{id}/export.json"),
        summary: export.counts().into_iter().map(|(s, n)| (s.code(), section_title(s, t), n)).collect(),
        tables: tables(&export, &agencies, t, zone),
    };
    ok(&page)
}

/// `GET /people/{id}/export.json`: the export as JSON, to download.
pub(super) async fn json(
    State(state): State<AppState>,
    Member(me, _): Member,
    PersonPath(id): PersonPath,
) -> Result<Response, WebError> {
    let export = state.subject_access().export(&me.actor, id).await?;
    Ok(([("content-disposition", attachment(id))], Json(export)).into_response())
}

fn attachment(id: PersonId) -> String {
    format!("attachment; filename=\"subject-access-{id}.json\"")
}

fn section_title(section: Section, t: Texts) -> String {
    t.get(&format!("export.section.{}", section.code())).to_string()
}

fn table(section: Section, t: Texts, headers: &[&str], rows: Vec<Vec<String>>) -> ExportTable {
    ExportTable {
        anchor: section.code(),
        title: section_title(section, t),
        headers: headers.iter().map(|h| t.get(&format!("export.column.{h}")).to_string()).collect(),
        rows,
    }
}

fn tables(
    export: &SubjectAccessExport,
    agencies: &BTreeMap<AgencyId, String>,
    t: Texts,
    zone: &TimeZone,
) -> Vec<ExportTable> {
    let agency = |id: &AgencyId| agencies.get(id).cloned().unwrap_or_else(|| id.to_string());
    let when = |at: jiff::Timestamp| local_time(at, zone);
    let person = &export.person;
    let details = person.details.clone();
    let mut detail_rows = vec![
        vec![t.get("person.family_name").into(), details.family_name.clone()],
        vec![t.get("person.given_names").into(), details.given_names.clone().unwrap_or_default()],
        vec![t.get("person.birth_date").into(), details.birth_date.map(|d| d.to_string()).unwrap_or_default()],
    ];
    detail_rows.extend(
        details
            .identifiers
            .iter()
            .map(|i| vec![t.get(&format!("identifier.{}", i.kind.code())).into(), i.value.clone()]),
    );
    detail_rows.extend(
        export
            .revisions
            .iter()
            .map(|r| vec![t.fill("export.revision", &[("version", &r.version.to_string())]), when(r.saved_at)]),
    );
    let mut zsm: Vec<Vec<String>> = export
        .zsm_cases
        .iter()
        .map(|c| {
            let status = domain::zsm::service::status_code(&c.case.status);
            vec![
                c.location().to_owned(),
                when(c.case.intake.details().arrested_at),
                t.get(&format!("zsm.status.{status}")).into(),
                t.get("export.as_suspect").into(),
            ]
        })
        .collect();
    zsm.extend(
        export
            .named_as_victim
            .iter()
            .map(|m| vec![m.location.clone(), when(m.arrested_at), String::new(), t.get("export.as_victim").into()]),
    );
    let mut screening: Vec<Vec<String>> = export
        .screening_referrals
        .iter()
        .map(|r| vec![when(r.referred_at), t.get("export.referral").into(), r.location.clone()])
        .collect();
    screening.extend(
        export
            .screenings
            .iter()
            .map(|s| vec![s.screened_on.to_string(), t.get("export.screening").into(), agency(&s.agency)]),
    );
    let mut plans = Vec::new();
    for record in &export.plans {
        let plan = &record.plan;
        let status = domain::plan::service::plan_status_code(&plan.status);
        let head = format!("{} ({})", t.get(&format!("plan.status.{status}")), plan.started_on);
        for goal in &plan.goals {
            plans.push(vec![head.clone(), t.get("export.goal").into(), goal.in_own_words.clone(), String::new()]);
        }
        for task in &plan.tasks {
            plans.push(vec![head.clone(), t.get("export.task").into(), task.description.clone(), agency(&task.owner)]);
        }
        for note in &plan.notes {
            plans.push(vec![head.clone(), t.get("export.note").into(), note.text.clone(), agency(&note.agency)]);
        }
    }
    let mut conferences: Vec<Vec<String>> = export
        .conference_requests
        .iter()
        .map(|r| vec![when(r.submitted_at), t.get("export.request").into(), r.reason.clone()])
        .collect();
    conferences.extend(export.conference_discussions.iter().map(|d| {
        let analysis = d.item.minutes.as_ref().map(|m| m.analysis.text.clone()).unwrap_or_default();
        vec![d.date.to_string(), t.fill("export.discussed", &[("location", &d.location)]), analysis]
    }));
    let mut measures: Vec<Vec<String>> = export
        .exclusion_orders
        .iter()
        .map(|o| vec![when(o.imposed_at), t.get("export.exclusion_order").into(), o.address.clone()])
        .collect();
    measures.extend(export.protected_by.iter().map(|m| {
        vec![when(m.imposed_at), t.get("export.protected_by").into(), t.get(&format!("export.role.{}", m.role)).into()]
    }));
    measures.extend(export.area_bans.iter().map(|b| {
        vec![
            b.starts_on.to_string(),
            t.get("export.area_ban").into(),
            format!("{} ({} – {})", b.area, b.starts_on, b.ends_on),
        ]
    }));
    measures.extend(export.episodes.iter().map(|e| {
        vec![
            e.started_on.to_string(),
            t.get("export.episode").into(),
            t.fill("export.weeks", &[("weeks", &e.weeks.to_string())]),
        ]
    }));
    measures.extend(
        export
            .groups
            .iter()
            .map(|g| vec![g.member.joined_on.to_string(), t.get("export.group").into(), g.name.clone()]),
    );
    let notifications = export
        .notifications
        .iter()
        .map(|n| {
            let told = n.told.iter().map(agency).collect::<Vec<_>>().join(", ");
            vec![when(n.at), n.kind.to_string(), told]
        })
        .collect();
    let audit = export
        .audit
        .iter()
        .map(|a| {
            vec![
                when(a.entry.at),
                format!("{} ({})", a.member_name, a.agency_name),
                t.get(&format!("audit.{}", a.entry.action.code())).into(),
                super::views::audit_what(&a.entry.what, t),
            ]
        })
        .collect();
    let team = export
        .team
        .iter()
        .map(|e| {
            vec![agency(&e.agency_id), when(e.added_at), e.basis.summary(), e.ended_at.map(when).unwrap_or_default()]
        })
        .collect();
    vec![
        table(Section::Details, t, &["field", "value"], detail_rows),
        table(Section::Team, t, &["agency", "since", "basis", "until"], team),
        table(Section::Zsm, t, &["location", "arrested", "status", "role"], zsm),
        table(Section::Screening, t, &["date", "what", "by"], screening),
        table(Section::Plans, t, &["plan", "what", "text", "agency"], plans),
        table(Section::Conferences, t, &["date", "what", "text"], conferences),
        table(Section::Measures, t, &["date", "what", "text"], measures),
        table(Section::Notifications, t, &["date", "kind", "told"], notifications),
        table(Section::Audit, t, &["date", "who", "action", "what"], audit),
    ]
}
