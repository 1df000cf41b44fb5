//! Changing what administration made, from the command line: `desist agency edit|delete`,
//! `desist member edit|sessions|revoke-session` (also `desist user …`), `desist location edit`,
//! `desist safety-house edit`. A change comes from flags, from a TOML file (`--from FILE`,
//! read as the domain's change, the same type the pages and the API fill: `name = "…"`,
//! `roles = ["police_officer"]`, `agencies = ["Politie Utrecht"]` by name), or both (flags
//! win). Whatever is wrong with a file is
//! answered as `FILE:LINE:COLUMN: what`, at the field it is about, so a scripted install can
//! be fixed where it broke. The same audited use cases as the pages and the API, as the console.

use crate::admin::{administration, explain};
use crate::config::Config;
use crate::serve::open_store;
use anyhow::{Context, anyhow, bail};
use clap::Args;
use domain::directory::DirectoryStore;
use domain::ids::AgencyId;
use domain::partnership::{AgencyChange, LocationChange, MemberChange, SafetyHouseChange, console_operator};
use domain::service::ServiceError;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use store::Store;
use toml::Spanned;
use web::i18n::{Lang, Texts};

/// A change file as read: its text (for positions) and where each field's value is.
struct ChangeFile {
    path: PathBuf,
    text: String,
    spans: BTreeMap<String, Range<usize>>,
}

impl ChangeFile {
    /// `path:line:column` of a byte offset (lines and columns from 1, columns in characters).
    fn at(&self, offset: usize) -> String {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("{}:{line}:{column}", self.path.display())
    }

    /// A refusal, each field at its place in the file when the file gave it.
    fn explain(&self, error: ServiceError) -> anyhow::Error {
        let Some(errors) = error.field_errors() else { return explain(error) };
        let t = Texts::new(Lang::En);
        let lines: Vec<String> = errors
            .iter()
            .map(|e| match self.spans.get(e.field.as_str()) {
                Some(span) => format!("{}: {}: {}", self.at(span.start), e.field, t.field_error(e)),
                None => format!("{}: {}", e.field, t.field_error(e)),
            })
            .collect();
        anyhow!("{}", lines.join("\n"))
    }

    /// A value the file gave that does not name anything known, at its place.
    fn wrong(&self, field: &'static str, what: String) -> anyhow::Error {
        match self.spans.get(field) {
            Some(span) => anyhow!("{}: {field}: {what}", self.at(span.start)),
            None => anyhow!("{field}: {what}"),
        }
    }
}

/// Reads a change file as the domain's change `T` — the one the pages fill from a form and
/// the API from JSON — remembering where each field's value is; TOML that does not parse, or
/// a field `T` does not have, is answered at its place.
fn read_file<T: DeserializeOwned>(path: &Path) -> anyhow::Result<(T, ChangeFile)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut file = ChangeFile { path: path.to_owned(), text, spans: BTreeMap::new() };
    let at_place = |e: toml::de::Error| {
        let message = e.message().trim().to_owned();
        match e.span() {
            Some(span) => anyhow!("{}: {message}", file.at(span.start)),
            None => anyhow!("{}: {message}", file.path.display()),
        }
    };
    let parsed: T = toml::from_str(&file.text).map_err(at_place)?;
    let fields: BTreeMap<String, Spanned<toml::Value>> = toml::from_str(&file.text).map_err(at_place)?;
    file.spans = fields.into_iter().map(|(field, value)| (field, value.span())).collect();
    Ok((parsed, file))
}

/// The change in the file at `path` (or an empty one), with the file for placing what is wrong.
fn change_from<T: DeserializeOwned + Default>(path: &Option<PathBuf>) -> anyhow::Result<(T, Option<ChangeFile>)> {
    match path {
        Some(path) => read_file(path).map(|(change, file)| (change, Some(file))),
        None => Ok((T::default(), None)),
    }
}

/// Agency names (or ids) as ids; an unknown one named, at its place in the file if it is there.
async fn agency_ids(
    store: &Store,
    names: &[String],
    file: Option<&ChangeFile>,
    field: &'static str,
) -> anyhow::Result<Vec<String>> {
    let agencies = store.agencies().await?;
    names
        .iter()
        .map(|name| {
            let found = agencies.iter().find(|a| a.name == *name || a.id.to_string() == name.trim());
            found.map(|a| a.id.to_string()).ok_or_else(|| {
                let known: Vec<&str> = agencies.iter().map(|a| a.name.as_str()).collect();
                let what = format!("no agency named {name:?}; known agencies: {}", known.join(", "));
                match file {
                    Some(f) => f.wrong(field, what),
                    None => anyhow!("{field}: {what}"),
                }
            })
        })
        .collect()
}

/// The agency named (or with that id).
async fn agency_named(store: &Store, name: &str) -> anyhow::Result<AgencyId> {
    Ok(AgencyId::parse(&agency_ids(store, &[name.to_owned()], None, "agency").await?[0]).expect("an agency id"))
}

/// A refusal from flags only, or from a file.
fn refused(file: &Option<ChangeFile>) -> impl FnOnce(ServiceError) -> anyhow::Error + '_ {
    move |error| match file {
        Some(file) => file.explain(error),
        None => match error {
            ServiceError::NotFound => anyhow!("not found"),
            other => explain(other),
        },
    }
}

// --- agencies ---

#[derive(Args)]
pub struct AgencyEditArgs {
    /// The agency's name as it is now (or its id).
    agency: String,
    /// Read the change from this TOML file (`name`, `kind`, `contact`, `version`).
    #[arg(long = "from")]
    from: Option<PathBuf>,
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    kind: Option<String>,
    #[arg(long)]
    contact: Option<String>,
    /// Refuse the change if someone saved the agency after this version (each edit prints it).
    #[arg(long)]
    version: Option<i64>,
}

pub async fn edit_agency(args: AgencyEditArgs, config: &Config, clock: &dyn domain::Clock) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let id = agency_named(&store, &args.agency).await?;
    let (mut change, file) = change_from::<AgencyChange>(&args.from)?;
    change.name = args.name.or(change.name);
    change.kind = args.kind.or(change.kind);
    change.contact = args.contact.or(change.contact);
    change.version = args.version.or(change.version);
    let record =
        administration(&store, clock).edit_agency(&console_operator(), id, &change).await.map_err(refused(&file))?;
    println!(
        "saved agency {:?} ({}, contact {:?}) at version {}",
        record.agency.name,
        record.agency.kind.code(),
        record.contact,
        record.version
    );
    Ok(())
}

pub async fn delete_agency(name: String, config: &Config, clock: &dyn domain::Clock) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let id = agency_named(&store, &name).await?;
    administration(&store, clock).delete_agency(&console_operator(), id).await.map_err(explain)?;
    println!("deleted agency {name:?}");
    Ok(())
}

// --- members ---

#[derive(Args)]
pub struct MemberEditArgs {
    username: String,
    /// Read the change from this TOML file (`name`, `roles`, `version`).
    #[arg(long = "from")]
    from: Option<PathBuf>,
    /// The name others see.
    #[arg(long)]
    name: Option<String>,
    /// All the member's roles, comma-separated (those left out are taken away), designations
    /// such as assistant_prosecutor (hulpofficier) among them.
    #[arg(long, value_delimiter = ',')]
    roles: Option<Vec<String>>,
    #[arg(long)]
    version: Option<i64>,
}

pub async fn edit_member(args: MemberEditArgs, config: &Config, clock: &dyn domain::Clock) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let id = crate::users::member_named(&store, &args.username).await?;
    let (mut change, file) = change_from::<MemberChange>(&args.from)?;
    change.name = args.name.or(change.name);
    change.roles = args.roles.or(change.roles);
    change.version = args.version.or(change.version);
    let account =
        administration(&store, clock).edit_member(&console_operator(), id, &change).await.map_err(refused(&file))?;
    let roles: Vec<&str> = account.member.roles.iter().map(|r| r.code()).collect();
    println!(
        "saved member {} ({}, {}) at version {}",
        account.member.username,
        account.member.display_name,
        roles.join(","),
        account.version
    );
    Ok(())
}

pub async fn member_sessions(username: String, config: &Config, clock: &dyn domain::Clock) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let id = crate::users::member_named(&store, &username).await?;
    for s in administration(&store, clock).member_sessions(&console_operator(), id).await.map_err(explain)? {
        println!("{}\t{}\t{}\t{}", s.reference, s.created_at, s.signed_in_from, s.expires_at);
    }
    Ok(())
}

pub async fn revoke_session(
    username: String,
    session: String,
    config: &Config,
    clock: &dyn domain::Clock,
) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let id = crate::users::member_named(&store, &username).await?;
    match administration(&store, clock).revoke_session(&console_operator(), id, &session).await {
        Ok(()) => println!("ended session {session} of {username}"),
        Err(ServiceError::NotFound) => {
            bail!("{username} has no open session {session:?} (see `desist member sessions`)")
        }
        Err(other) => return Err(explain(other)),
    }
    Ok(())
}

// --- locations and Safety Houses: agencies join and leave ---

/// The agencies after `add` joined and `remove` left, from the ones there now.
fn joined_and_left(now: &[String], add: Vec<String>, remove: &[String]) -> Vec<String> {
    let mut list: Vec<String> = now.iter().filter(|a| !remove.contains(a)).cloned().collect();
    list.extend(add.into_iter().filter(|a| !now.contains(a) || remove.contains(a)));
    list.dedup();
    list
}

#[derive(Args)]
pub struct LocationEditArgs {
    /// The location's code (see `desist location list`).
    code: String,
    /// Read the change from this TOML file (`name`, `pack`, `time_zone`, `agencies` by name,
    /// `version`).
    #[arg(long = "from")]
    from: Option<PathBuf>,
    #[arg(long)]
    name: Option<String>,
    /// nl, england-wales or italy; refused while cases are open there.
    #[arg(long)]
    pack: Option<String>,
    #[arg(long)]
    time_zone: Option<String>,
    /// Agencies that join the table, by name, comma-separated.
    #[arg(long, value_delimiter = ',')]
    add_agencies: Vec<String>,
    /// Agencies that leave the table, by name, comma-separated.
    #[arg(long, value_delimiter = ',')]
    remove_agencies: Vec<String>,
    #[arg(long)]
    version: Option<i64>,
}

pub async fn edit_location(args: LocationEditArgs, config: &Config, clock: &dyn domain::Clock) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let admin = administration(&store, clock);
    let console = console_operator();
    let current = admin.location(&console, &args.code).await.map_err(|e| match e {
        ServiceError::NotFound => anyhow!("no location with the code {:?} (see `desist location list`)", args.code),
        other => explain(other),
    })?;
    let (mut change, file) = change_from::<LocationChange>(&args.from)?;
    // A file names the agencies at the table by name; the change holds their ids.
    if let Some(names) = &change.agencies {
        change.agencies = Some(agency_ids(&store, names, file.as_ref(), "agencies").await?);
    }
    change.name = args.name.or(change.name);
    change.pack = args.pack.or(change.pack);
    change.time_zone = args.time_zone.or(change.time_zone);
    change.version = args.version.or(change.version);
    if !args.add_agencies.is_empty() || !args.remove_agencies.is_empty() {
        let now: Vec<String> = match &change.agencies {
            Some(list) => list.clone(),
            None => current.location.agencies.iter().map(ToString::to_string).collect(),
        };
        let add = agency_ids(&store, &args.add_agencies, None, "add-agencies").await?;
        let remove = agency_ids(&store, &args.remove_agencies, None, "remove-agencies").await?;
        change.agencies = Some(joined_and_left(&now, add, &remove));
    }
    let record = admin.edit_location(&console, &args.code, &change).await.map_err(refused(&file))?;
    let l = record.location;
    println!(
        "saved location {} ({}, pack {}, time zone {}, {} agencies at the table) at version {}",
        l.code,
        l.name,
        l.pack,
        record.time_zone,
        l.agencies.len(),
        record.version
    );
    Ok(())
}

#[derive(Args)]
pub struct SafetyHouseEditArgs {
    /// The Safety House's name as it is now (or its id).
    house: String,
    /// Read the change from this TOML file (`name`, `contact`, `pack`, `persons_per_day`,
    /// `triage_cutoff`, `agencies` by name, `version`).
    #[arg(long = "from")]
    from: Option<PathBuf>,
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    contact: Option<String>,
    #[arg(long)]
    pack: Option<String>,
    #[arg(long)]
    persons_per_day: Option<String>,
    /// HH:MM local time.
    #[arg(long)]
    triage_cutoff: Option<String>,
    /// Agencies that join its conferences, by name, comma-separated.
    #[arg(long, value_delimiter = ',')]
    add_agencies: Vec<String>,
    /// Agencies that leave them, by name, comma-separated.
    #[arg(long, value_delimiter = ',')]
    remove_agencies: Vec<String>,
    #[arg(long)]
    version: Option<i64>,
}

pub async fn edit_safety_house(
    args: SafetyHouseEditArgs,
    config: &Config,
    clock: &dyn domain::Clock,
) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let admin = administration(&store, clock);
    let console = console_operator();
    let id = agency_named(&store, &args.house).await?;
    let current = admin.safety_house(&console, id).await.map_err(|e| match e {
        ServiceError::NotFound => anyhow!("{:?} is not a Safety House (see `desist safety-house list`)", args.house),
        other => explain(other),
    })?;
    let (mut change, file) = change_from::<SafetyHouseChange>(&args.from)?;
    // A file names the partner agencies by name; the change holds their ids.
    if let Some(names) = &change.agencies {
        change.agencies = Some(agency_ids(&store, names, file.as_ref(), "agencies").await?);
    }
    change.name = args.name.or(change.name);
    change.contact = args.contact.or(change.contact);
    change.pack = args.pack.or(change.pack);
    change.persons_per_day = args.persons_per_day.or(change.persons_per_day);
    change.triage_cutoff = args.triage_cutoff.or(change.triage_cutoff);
    change.version = args.version.or(change.version);
    if !args.add_agencies.is_empty() || !args.remove_agencies.is_empty() {
        let now: Vec<String> = match &change.agencies {
            Some(list) => list.clone(),
            None => current.agencies.iter().map(ToString::to_string).collect(),
        };
        let add = agency_ids(&store, &args.add_agencies, None, "add-agencies").await?;
        let remove = agency_ids(&store, &args.remove_agencies, None, "remove-agencies").await?;
        change.agencies = Some(joined_and_left(&now, add, &remove));
    }
    let house = admin.edit_safety_house(&console, id, &change).await.map_err(refused(&file))?;
    println!(
        "saved Safety House {:?} ({}, {} a day, cut-off {}, {} partner agencies) at version {}",
        house.agency.agency.name,
        house.pack,
        house.persons_per_day,
        house.triage_cutoff.strftime("%H:%M"),
        house.agencies.len(),
        house.agency.version
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_names_its_line_and_column() {
        let file = ChangeFile {
            path: "agency.toml".into(),
            text: "name = \"X\"\nkind = \"sheriff\"\n".into(),
            spans: BTreeMap::new(),
        };
        assert_eq!(file.at(18), "agency.toml:2:8");
        assert_eq!(file.at(0), "agency.toml:1:1");
    }

    #[test]
    fn agencies_join_and_leave() {
        let now = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(joined_and_left(&now, vec!["c".into(), "a".into()], &["b".into()]), ["a", "c"]);
    }
}
