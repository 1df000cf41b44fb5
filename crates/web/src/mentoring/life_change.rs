//! Life Change in the pages: the mentor coordinator's cohorts, the opening form and the
//! pipeline (`/life-change`), a cohort's register with each participant's graduation
//! (`/life-change/cohorts/{id}`), and enrolment by a member of the person's team
//! (`/people/{id}/life-change`).

use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::i18n::Texts;
use crate::page::{Page, after_post, ok};
use crate::people::PersonPath;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use domain::ids::PersonId;
use domain::mentoring::model::life_change::{LifeChangeCohort, PipelineStage};
use domain::mentoring::service::life_change::{CohortInput, PipelineLine};
use domain::mentoring::workflow::graduation::GraduationStatus;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/life-change", get(overview))
        .route("/life-change/cohorts", post(open_cohort))
        .route("/life-change/cohorts/{id}", get(cohort))
        .route("/life-change/cohorts/{id}/attendance", post(attendance))
        .route("/life-change/cohorts/{id}/pipeline", post(pipeline_step))
        .route("/people/{id}/life-change", get(person).post(enrol))
}

fn cohort_id(raw: &str) -> Result<Uuid, WebError> {
    Uuid::parse_str(raw).map_err(|_| WebError::NotFound)
}

pub struct CohortRow {
    pub id: String,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub participants: usize,
    pub week: String,
}

pub struct PipelineRow {
    pub person: String,
    pub name: String,
    pub cohort: String,
    pub cohort_name: String,
    pub stage: String,
    pub since: String,
    /// The next steps the coordinator may take: (stage code, button text).
    pub actions: Vec<(&'static str, String)>,
}

fn pipeline_row(line: &PipelineLine, t: Texts, mentors: &[(String, String)]) -> PipelineRow {
    let actions: &[PipelineStage] = match line.stage {
        None => &[PipelineStage::Invited],
        Some(PipelineStage::Invited) => &[PipelineStage::InTraining, PipelineStage::Declined],
        Some(PipelineStage::InTraining) => &[PipelineStage::Mentor, PipelineStage::Declined],
        _ => &[],
    };
    let stage = line.stage.map_or("graduated", |s| s.code());
    let mentor = line.member.and_then(|m| mentors.iter().find(|(id, _)| *id == m.to_string())).map(|(_, n)| n);
    PipelineRow {
        person: line.person.to_string(),
        name: line.name.clone(),
        cohort: line.cohort.to_string(),
        cohort_name: line.cohort_name.clone(),
        stage: match mentor {
            Some(name) => format!("{} ({name})", t.text(&format!("life_change.stage.{stage}"))),
            None => t.text(&format!("life_change.stage.{stage}")).to_string(),
        },
        since: line.since.map(|d| d.to_string()).unwrap_or_default(),
        actions: actions
            .iter()
            .map(|s| (s.code(), t.text(&format!("life_change.action.{}", s.code())).to_string()))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "life_change.html")]
struct OverviewPage {
    page: Page,
    errors: ErrorList,
    form: Posted,
    cohorts: Vec<CohortRow>,
    /// (heading key, graduates) for: graduates not yet training, in training, mentors.
    sections: Vec<(&'static str, Vec<PipelineRow>)>,
    programmes: Vec<(String, String)>,
    mentor_members: Vec<(String, String)>,
    today: String,
}

async fn overview_page(
    state: &AppState,
    member: &Member,
    errors: ErrorList,
    form: Posted,
) -> Result<OverviewPage, WebError> {
    let Member(me, context) = member;
    let t = context.texts;
    let mentoring = state.mentoring();
    let lines = mentoring.cohorts(&me.actor).await?;
    let pipeline = mentoring.pipeline(&me.actor).await?;
    let mentor_members: Vec<(String, String)> =
        mentoring.mentor_members(&me.actor).await?.into_iter().map(|(id, name)| (id.to_string(), name)).collect();
    let cohorts = lines
        .iter()
        .map(|l| CohortRow {
            id: l.cohort.id.to_string(),
            name: l.cohort.name.clone(),
            starts_on: l.cohort.starts_on.to_string(),
            ends_on: l.cohort.ends_on().to_string(),
            participants: l.participants,
            week: match l.week {
                Some(week) => t.fill("life_change.week_of", &[("week", &week.to_string())]),
                None if l.cohort.starts_on > mentoring.today() => t.get("life_change.not_started").to_string(),
                None => t.get("life_change.finished").to_string(),
            },
        })
        .collect();
    let rows = |lines: &[PipelineLine]| -> Vec<PipelineRow> {
        lines.iter().map(|l| pipeline_row(l, t, &mentor_members)).collect()
    };
    Ok(OverviewPage {
        page: Page::new(context, t.get("life_change.title")),
        errors,
        form,
        cohorts,
        sections: vec![
            ("life_change.pipeline.graduates", rows(&pipeline.graduates)),
            ("life_change.pipeline.in_training", rows(&pipeline.in_training)),
            ("life_change.pipeline.mentors", rows(&pipeline.mentors)),
        ],
        programmes: mentoring
            .group_programmes(&me.actor)
            .await?
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect(),
        mentor_members,
        today: mentoring.today().to_string(),
    })
}

/// `GET /life-change`: the coordinator's cohorts and the mentor pipeline.
async fn overview(State(state): State<AppState>, member: Member) -> Result<Response, WebError> {
    ok(&overview_page(&state, &member, ErrorList::default(), Posted::default()).await?)
}

/// `POST /life-change/cohorts`: opens a cohort with its six weeks of appointments.
async fn open_cohort(State(state): State<AppState>, member: Member, posted: Posted) -> Result<Response, WebError> {
    let input = CohortInput {
        name: posted.get("name"),
        starts_on: posted.get("starts_on"),
        group_room: posted.get("group_room"),
        business: posted.get("business"),
        intervention: posted.get("intervention"),
    };
    let result =
        state.mentoring().open_cohort(&member.0.actor, &input).await.map(|c| format!("/life-change/cohorts/{}", c.id));
    let t = member.1.texts;
    after_post(result, t, |errors| overview_page(&state, &member, errors, posted.clone())).await
}

pub struct AppointmentColumn {
    pub id: String,
    pub on: String,
    pub kind: &'static str,
    pub place: String,
    pub due: bool,
}

pub struct RegisterLine {
    pub person: String,
    pub name: String,
    /// Per appointment: "yes", "no" or "" (not registered).
    pub marks: Vec<&'static str>,
    pub status: &'static str,
    pub status_class: &'static str,
    pub attended: String,
    pub offences: String,
}

#[derive(Template)]
#[template(path = "life_change_cohort.html")]
struct CohortPage {
    page: Page,
    errors: ErrorList,
    id: String,
    week: String,
    period: String,
    appointments: Vec<AppointmentColumn>,
    lines: Vec<RegisterLine>,
    /// The appointment the register form opens on: today's, else the last one due.
    current: String,
}

async fn cohort_page(state: &AppState, member: &Member, id: Uuid, errors: ErrorList) -> Result<CohortPage, WebError> {
    let Member(me, context) = member;
    let t = context.texts;
    let mentoring = state.mentoring();
    let register = mentoring.register(&me.actor, id).await?;
    let today = mentoring.today();
    let c: &LifeChangeCohort = &register.cohort;
    let appointments: Vec<AppointmentColumn> = c
        .appointments
        .iter()
        .map(|a| AppointmentColumn {
            id: a.id.to_string(),
            on: a.on.to_string(),
            kind: t.text(&format!("life_change.appointment.{}", a.kind.code())),
            place: a.place.clone(),
            due: a.on <= today,
        })
        .collect();
    let lines = register
        .rows
        .iter()
        .map(|r| {
            let g = &r.graduation;
            let (status, status_class) = match g.status {
                GraduationStatus::Graduated => ("life_change.status.graduated", "ok"),
                GraduationStatus::OnTrack => ("life_change.status.on_track", "ok"),
                GraduationStatus::NotGraduated => ("life_change.status.not_graduated", "warning"),
            };
            RegisterLine {
                person: r.person.to_string(),
                name: r.name.clone(),
                marks: c
                    .appointments
                    .iter()
                    .map(|a| match r.marks.get(&a.id) {
                        Some(true) => "yes",
                        Some(false) => "no",
                        None => "",
                    })
                    .collect(),
                status: t.text(status),
                status_class,
                attended: t.fill(
                    "life_change.attended_of",
                    &[("attended", &g.attended.to_string()), ("due", &g.due.to_string())],
                ),
                offences: match g.offences {
                    Some(n) => t.fill("life_change.offences_during", &[("count", &n.to_string())]),
                    None => t.get("life_change.not_linked").to_string(),
                },
            }
        })
        .collect();
    let current = c
        .appointments
        .iter()
        .filter(|a| a.on <= today)
        .max_by_key(|a| a.on)
        .map(|a| a.id.to_string())
        .unwrap_or_default();
    Ok(CohortPage {
        page: Page::new(context, &register.cohort.name),
        errors,
        id: id.to_string(),
        week: match register.week {
            Some(week) => t.fill("life_change.week_of", &[("week", &week.to_string())]),
            None => String::new(),
        },
        period: format!("{} – {}", c.starts_on, c.ends_on()),
        appointments,
        lines,
        current,
    })
}

/// `GET /life-change/cohorts/{id}`: the register (each participant's read audited).
async fn cohort(State(state): State<AppState>, member: Member, Path(id): Path<String>) -> Result<Response, WebError> {
    let id = cohort_id(&id)?;
    ok(&cohort_page(&state, &member, id, ErrorList::default()).await?)
}

/// `POST /life-change/cohorts/{id}/attendance`: one appointment's register; the ticked
/// participants attended.
async fn attendance(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = cohort_id(&id)?;
    let present: Vec<PersonId> = posted.all("present").iter().filter_map(|p| PersonId::parse(p).ok()).collect();
    let result = state
        .mentoring()
        .record_attendance(&member.0.actor, id, &posted.get("appointment"), &present)
        .await
        .map(|()| format!("/life-change/cohorts/{id}"));
    let t = member.1.texts;
    after_post(result, t, |errors| cohort_page(&state, &member, id, errors)).await
}

/// `POST /life-change/cohorts/{id}/pipeline`: a graduate's next step.
async fn pipeline_step(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = cohort_id(&id)?;
    let person = PersonId::parse(&posted.get("person")).map_err(|_| WebError::NotFound)?;
    let result = state
        .mentoring()
        .advance_graduate(&member.0.actor, id, person, &posted.get("stage"), &posted.get("member"))
        .await
        .map(|_| "/life-change#pipeline".to_string());
    let t = member.1.texts;
    after_post(result, t, |errors| overview_page(&state, &member, errors, posted.clone())).await
}

#[derive(Template)]
#[template(path = "life_change_person.html")]
struct PersonPage {
    page: Page,
    errors: ErrorList,
    id: String,
    name: String,
    /// (id, name, period) of the cohorts still open.
    open: Vec<(String, String, String)>,
    /// Names of the cohorts the person takes or took part in.
    taking_part: Vec<String>,
}

async fn person_page(
    state: &AppState,
    member: &Member,
    person: PersonId,
    errors: ErrorList,
) -> Result<PersonPage, WebError> {
    let Member(me, context) = member;
    let t = context.texts;
    let mentoring = state.mentoring();
    let (name, taking_part) = mentoring.participation(&me.actor, person).await?;
    let open = mentoring
        .open_cohorts()
        .await?
        .into_iter()
        .map(|c| (c.id.to_string(), c.name.clone(), format!("{} – {}", c.starts_on, c.ends_on())))
        .collect();
    Ok(PersonPage {
        page: Page::new(context, &t.fill("life_change.person.title", &[("name", &name)])),
        errors,
        id: person.to_string(),
        name,
        open,
        taking_part: taking_part.into_iter().map(|c| c.name).collect(),
    })
}

/// `GET /people/{id}/life-change`: for a member of the person's team: the cohorts to enrol in.
async fn person(
    State(state): State<AppState>,
    member: Member,
    PersonPath(person): PersonPath,
) -> Result<Response, WebError> {
    ok(&person_page(&state, &member, person, ErrorList::default()).await?)
}

/// `POST /people/{id}/life-change`: enrols the person (with their consent) in a cohort.
async fn enrol(
    State(state): State<AppState>,
    member: Member,
    PersonPath(person): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    let result = state
        .mentoring()
        .enrol(&member.0.actor, &posted.get("cohort"), person)
        .await
        .map(|_| format!("/people/{person}/life-change"));
    let t = member.1.texts;
    after_post(result, t, |errors| person_page(&state, &member, person, errors)).await
}
