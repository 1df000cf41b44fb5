//! Setting up a partnership from the command line, for a first run and for scripted installs:
//! `desist init` (the first administrator), `desist agency add|list`, `desist location
//! add|list`, `desist safety-house add|list`, `desist api-key add|list|revoke`. Each goes
//! through the same audited use cases as the `/admin` pages and the API
//! (`domain::partnership`), acting as the server's console (`console_operator`):
//! whoever can run the binary against the database holds it.

use crate::config::Config;
use crate::serve::open_store;
use crate::users::PasswordSource;
use anyhow::anyhow;
use clap::{Args, Subcommand};
use domain::directory::AgencyKind;
use domain::partnership::service::{Administration, FIRST_AGENCY, FirstRunInput};
use domain::partnership::{AgencyInput, LocationInput, SafetyHouseInput, console_operator};
use domain::service::ServiceError;
use store::Store;
use web::SystemPasswords;
use web::i18n::{Lang, Texts};

/// A refusal as the operator reads it: each field and what to fix, or the rule that refused.
pub fn explain(error: ServiceError) -> anyhow::Error {
    match error.field_errors() {
        Some(errors) if matches!(error, ServiceError::Invalid(_)) => {
            let t = Texts::new(Lang::En);
            let lines: Vec<String> = errors.iter().map(|e| format!("{}: {}", e.field, t.field_error(e))).collect();
            anyhow!("{}", lines.join("; "))
        }
        _ => match error {
            ServiceError::Rule(rule) => anyhow!("{rule}"),
            ServiceError::Stale(changed) => anyhow!("{}", Texts::new(Lang::En).field_error(&changed)),
            ServiceError::NotFound => anyhow!("not found"),
            other => anyhow!("{other}"),
        },
    }
}

pub fn administration<'a>(
    store: &'a Store,
    clock: &'a dyn domain::Clock,
) -> Administration<'a, Store, SystemPasswords> {
    static PASSWORDS: SystemPasswords = SystemPasswords::new();
    Administration { store, clock, passwords: &PASSWORDS }
}

#[derive(Args)]
pub struct InitArgs {
    /// The first administrator's username.
    #[arg(long = "admin")]
    username: String,
    /// The name others see (default: the username).
    #[arg(long, default_value = "")]
    name: String,
    /// The administrator's agency by name; made when missing. Needed when agencies exist and
    /// none is called "Functioneel beheer".
    #[arg(long)]
    agency: Option<String>,
    /// The kind of an agency made here (default: municipality, the usual owner of the
    /// partnership's systems).
    #[arg(long)]
    agency_kind: Option<String>,
    /// Read the password from this file (its first line), or `-` for standard input. Without
    /// it a one-time password is printed once, to be changed at the first sign-in.
    #[arg(long)]
    password_file: Option<std::path::PathBuf>,
}

impl InitArgs {
    pub async fn run(self, config: &Config, clock: &dyn domain::Clock) -> anyhow::Result<()> {
        let password = match self.password_file {
            Some(path) => Some(PasswordSource::file(path).read()?),
            None => None,
        };
        let store = open_store(config).await?;
        let input = FirstRunInput {
            username: self.username,
            name: self.name,
            password,
            agency: self.agency,
            agency_kind: self.agency_kind,
        };
        let done = administration(&store, clock).first_administrator(&input).await.map_err(explain)?;
        if done.agency_created {
            let why = if done.agency.kind == FIRST_AGENCY.1 {
                " — the municipality hosts the Safety House and ZSM arrangements and usually owns the partnership's \
                 systems; rename or add agencies with `desist agency`"
            } else {
                ""
            };
            println!("created agency {:?} (kind {}){why}", done.agency.name, done.agency.kind.code());
        }
        println!("created administrator {} in {:?}", done.member.username, done.agency.name);
        if let Some(password) = done.one_time_password {
            println!("one-time password (shown once, never stored; change it at the first sign-in): {password}");
        }
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum AgencyCommand {
    /// Add a partner agency.
    Add {
        name: String,
        /// police, prosecution, probation, victim_support, defence, municipality, health,
        /// provider, mentoring, safety_house, child_protection or halt.
        #[arg(long)]
        kind: String,
        #[arg(long, default_value = "")]
        contact: String,
    },
    /// List the agencies: name, kind, id, contact.
    List,
    /// Change an agency's name, kind or contact (flags, or a TOML file with --from).
    Edit(crate::admin_edit::AgencyEditArgs),
    /// Delete an agency added by mistake (refused when it has members: disable them instead).
    Delete { name: String },
}

impl AgencyCommand {
    pub async fn run(self, config: &Config, clock: &dyn domain::Clock) -> anyhow::Result<()> {
        let this = match self {
            AgencyCommand::Edit(args) => return crate::admin_edit::edit_agency(args, config, clock).await,
            AgencyCommand::Delete { name } => return crate::admin_edit::delete_agency(name, config, clock).await,
            other => other,
        };
        let store = open_store(config).await?;
        let admin = administration(&store, clock);
        let console = console_operator();
        match this {
            AgencyCommand::Edit(_) | AgencyCommand::Delete { .. } => unreachable!("handled above"),
            AgencyCommand::Add { name, kind, contact } => {
                if kind.parse::<AgencyKind>().is_err() {
                    let kinds: Vec<&str> = AgencyKind::ALL.iter().map(|k| k.code()).collect();
                    return Err(anyhow!("unknown kind {kind:?}; use one of {}", kinds.join(", ")));
                }
                let record = admin.add_agency(&console, &AgencyInput { name, kind, contact }).await.map_err(explain)?;
                println!(
                    "added agency {:?} ({}) with id {}",
                    record.agency.name,
                    record.agency.kind.code(),
                    record.agency.id
                );
            }
            AgencyCommand::List => {
                for record in admin.agencies(&console).await.map_err(explain)? {
                    let agency = record.agency;
                    println!("{}\t{}\t{}\t{}", agency.name, agency.kind.code(), agency.id, record.contact);
                }
            }
        }
        Ok(())
    }
}

/// Agencies named on the command line (comma-separated names) as ids.
async fn agency_ids(store: &Store, names: &[String]) -> anyhow::Result<Vec<String>> {
    use domain::directory::DirectoryStore;
    let agencies = store.agencies().await?;
    names
        .iter()
        .map(|name| {
            agencies.iter().find(|a| a.name == *name).map(|a| a.id.to_string()).ok_or_else(|| {
                let known: Vec<&str> = agencies.iter().map(|a| a.name.as_str()).collect();
                anyhow!("no agency named {name:?}; known agencies: {}", known.join(", "))
            })
        })
        .collect()
}

#[derive(Subcommand)]
pub enum LocationCommand {
    /// Add a ZSM location or custody suite.
    Add {
        name: String,
        /// nl, england-wales or italy.
        #[arg(long)]
        pack: String,
        /// Default: the pack's (Europe/Amsterdam, Europe/London, Europe/Rome).
        #[arg(long, default_value = "")]
        time_zone: String,
        /// Used in its addresses (default: made from the name, e.g. zsm-utrecht).
        #[arg(long, default_value = "")]
        code: String,
        /// The agencies at the table, by name, comma-separated.
        #[arg(long, value_delimiter = ',')]
        agencies: Vec<String>,
    },
    /// List the locations: code, name, pack, time zone.
    List,
    /// Change a location's name, pack, time zone or the agencies at its table.
    Edit(crate::admin_edit::LocationEditArgs),
}

impl LocationCommand {
    pub async fn run(self, config: &Config, clock: &dyn domain::Clock) -> anyhow::Result<()> {
        if let LocationCommand::Edit(args) = self {
            return crate::admin_edit::edit_location(args, config, clock).await;
        }
        let store = open_store(config).await?;
        let admin = administration(&store, clock);
        let console = console_operator();
        match self {
            LocationCommand::Edit(_) => unreachable!("handled above"),
            LocationCommand::Add { name, pack, time_zone, code, agencies } => {
                let agencies = agency_ids(&store, &agencies).await?;
                let input = LocationInput { name, pack, time_zone, code, agencies };
                let record = admin.add_location(&console, &input).await.map_err(explain)?;
                let location = record.location;
                println!(
                    "added location {:?} as {} (pack {}, time zone {})",
                    location.name, location.code, location.pack, record.time_zone
                );
            }
            LocationCommand::List => {
                for record in admin.locations(&console).await.map_err(explain)? {
                    let l = record.location;
                    println!("{}\t{}\t{}\t{}", l.code, l.name, l.pack, record.time_zone);
                }
            }
        }
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum SafetyHouseCommand {
    /// Add a Safety House / IOM hub (an agency of kind safety_house) with its conference settings.
    Add {
        name: String,
        /// nl, england-wales or italy.
        #[arg(long)]
        pack: String,
        /// How many persons a day's case conference takes.
        #[arg(long)]
        persons_per_day: String,
        /// HH:MM local time: requests in by then are triaged on the next triage day.
        #[arg(long)]
        triage_cutoff: String,
        /// The agencies taking part, by name, comma-separated.
        #[arg(long, value_delimiter = ',')]
        agencies: Vec<String>,
        #[arg(long, default_value = "")]
        contact: String,
    },
    /// List the Safety Houses: name, pack, persons per day, triage cut-off.
    List,
    /// Change a Safety House's name, contact, pack, conference settings or partner agencies.
    Edit(crate::admin_edit::SafetyHouseEditArgs),
}

impl SafetyHouseCommand {
    pub async fn run(self, config: &Config, clock: &dyn domain::Clock) -> anyhow::Result<()> {
        if let SafetyHouseCommand::Edit(args) = self {
            return crate::admin_edit::edit_safety_house(args, config, clock).await;
        }
        let store = open_store(config).await?;
        let admin = administration(&store, clock);
        let console = console_operator();
        match self {
            SafetyHouseCommand::Edit(_) => unreachable!("handled above"),
            SafetyHouseCommand::Add { name, pack, persons_per_day, triage_cutoff, agencies, contact } => {
                let agencies = agency_ids(&store, &agencies).await?;
                let input = SafetyHouseInput { name, pack, contact, persons_per_day, triage_cutoff, agencies };
                let house = admin.add_safety_house(&console, &input).await.map_err(explain)?;
                println!("added Safety House {:?} with id {}", house.agency.agency.name, house.agency.agency.id);
            }
            SafetyHouseCommand::List => {
                for h in admin.safety_houses(&console).await.map_err(explain)? {
                    let cutoff = h.triage_cutoff.strftime("%H:%M");
                    println!("{}\t{}\t{}\t{cutoff}", h.agency.agency.name, h.pack, h.persons_per_day);
                }
            }
        }
        Ok(())
    }
}

#[derive(Subcommand)]
pub enum ApiKeyCommand {
    /// Make an API key for a partner system; its token is printed once.
    Add {
        /// Which system uses it, e.g. "Police intake system".
        name: String,
        /// The agency it acts for, by name.
        #[arg(long)]
        agency: String,
        /// The roles it acts in, comma-separated (not administrator), e.g. police_officer.
        #[arg(long, value_delimiter = ',')]
        scopes: Vec<String>,
    },
    /// List the keys: id, name, agency id, scopes, revoked or not (never the tokens).
    List,
    /// Revoke a key by its id: it stops working at once.
    Revoke { id: String },
}

impl ApiKeyCommand {
    pub async fn run(self, config: &Config, clock: &dyn domain::Clock) -> anyhow::Result<()> {
        use domain::partnership::service::api_keys::ApiKeyInput;
        let store = open_store(config).await?;
        let admin = administration(&store, clock);
        let console = console_operator();
        match self {
            ApiKeyCommand::Add { name, agency, scopes } => {
                let agency_id = agency_ids(&store, &[agency]).await?.remove(0);
                let input = ApiKeyInput { name, agency_id, scopes };
                let (key, token) = admin.add_api_key(&console, &input).await.map_err(explain)?;
                println!("added API key {:?} with id {}", key.name, key.id);
                println!("token (shown once, stored only as a hash; send as Authorization: Bearer): {token}");
            }
            ApiKeyCommand::List => {
                for key in admin.api_keys(&console).await.map_err(explain)? {
                    let scopes: Vec<&str> = key.scopes.iter().map(|r| r.code()).collect();
                    let state = key.revoked_at.map_or("active".to_owned(), |at| format!("revoked {at}"));
                    println!("{}\t{}\t{}\t{}\t{state}", key.id, key.name, key.agency_id, scopes.join(","));
                }
            }
            ApiKeyCommand::Revoke { id } => {
                let id = uuid::Uuid::parse_str(id.trim())
                    .map_err(|_| anyhow!("{id:?} is not a key id (see `desist api-key list`)"))?;
                let key = admin.revoke_api_key(&console, id).await.map_err(|e| match e {
                    ServiceError::NotFound => anyhow!("no API key with id {id}"),
                    other => explain(other),
                })?;
                println!("revoked API key {:?}", key.name);
            }
        }
        Ok(())
    }
}
