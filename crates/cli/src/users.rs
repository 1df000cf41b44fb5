//! `desist user add|list|disable|enable|reset-password`. Passwords come from a prompt or a
//! file (`--password-file`, `-` for standard input), never from an argument, so they do not
//! end up in shell history or the process list.

use crate::config::Config;
use crate::serve::open_store;
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use domain::access::Role;
use domain::directory::{DirectoryStore, Member, check_new_password, parse_username};
use domain::ids::MemberId;
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a member to an agency.
    Add(AddArgs),
    /// List members.
    List,
    /// Stop a member signing in; their sessions end at once.
    Disable { username: String },
    /// Let a disabled member sign in again.
    Enable { username: String },
    /// Set a new password.
    ResetPassword {
        username: String,
        #[command(flatten)]
        password: PasswordSource,
    },
}

#[derive(Args)]
pub struct AddArgs {
    username: String,
    /// The name others see, e.g. "Anna de Vries".
    #[arg(long)]
    name: String,
    /// The agency's name, exactly as listed (see `desist user list`).
    #[arg(long)]
    agency: String,
    /// Role codes, comma-separated: administrator, police_officer, prosecutor, probation_officer,
    /// victim_support_worker, defence_lawyer, process_manager, municipality_officer,
    /// provider_worker, mentor, analyst, assistant_prosecutor (a designation held beside
    /// police_officer: the hulpofficier van justitie who may order custody).
    #[arg(long, value_delimiter = ',')]
    roles: Vec<String>,
    #[command(flatten)]
    password: PasswordSource,
}

#[derive(Args)]
pub struct PasswordSource {
    /// Read the password from this file (its first line), or `-` for standard input.
    #[arg(long)]
    password_file: Option<PathBuf>,
}

impl PasswordSource {
    fn read(&self) -> anyhow::Result<String> {
        let password = match &self.password_file {
            Some(path) if path.as_os_str() == "-" => {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                line
            }
            Some(path) => std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?
                .lines()
                .next()
                .unwrap_or_default()
                .to_string(),
            None if std::io::stdin().is_terminal() => {
                let first = rpassword::prompt_password("Password: ")?;
                let second = rpassword::prompt_password("Password again: ")?;
                if first != second {
                    bail!("the two passwords differ");
                }
                first
            }
            None => bail!("no terminal to ask for the password: use --password-file PATH (or - for standard input)"),
        };
        let password = password.trim_end_matches(['\r', '\n']).to_string();
        check_new_password(&password).map_err(|_| {
            anyhow::anyhow!(
                "the password is too short: use at least {} characters",
                domain::directory::MIN_PASSWORD_CHARS
            )
        })?;
        Ok(password)
    }
}

pub async fn run(command: UserCommand, config: &Config, clock: &dyn domain::Clock) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    match command {
        UserCommand::Add(args) => {
            let username = parse_username(&args.username)
                .map_err(|_| anyhow::anyhow!("username {:?}: use letters, digits, . _ - @", args.username))?;
            let agencies = store.agencies().await?;
            let Some(agency) = agencies.iter().find(|a| a.name == args.agency) else {
                let names: Vec<&str> = agencies.iter().map(|a| a.name.as_str()).collect();
                bail!("no agency named {:?}; known agencies: {}", args.agency, names.join(", "));
            };
            let roles = args
                .roles
                .iter()
                .map(|r| r.parse::<Role>().map_err(|_| anyhow::anyhow!("unknown role {r:?}")))
                .collect::<anyhow::Result<Vec<_>>>()?;
            if roles.is_empty() {
                bail!("give at least one role with --roles");
            }
            let password = args.password.read()?;
            let now = clock.now();
            let member = Member {
                id: MemberId::new(now),
                agency_id: agency.id,
                username: username.clone(),
                display_name: args.name,
                roles,
                disabled: false,
            };
            let hash = web::hash_password(password).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            store.create_member(&member, &hash, now).await.map_err(|e| match e {
                domain::ports::StoreError::AlreadyExists(_) => {
                    anyhow::anyhow!("a member named {username:?} already exists")
                }
                other => other.into(),
            })?;
            println!("added {username} to {}", agency.name);
        }
        UserCommand::List => {
            let agencies = store.agencies().await?;
            for member in store.members().await? {
                let agency = agencies.iter().find(|a| a.id == member.agency_id).map(|a| a.name.as_str()).unwrap_or("?");
                let roles: Vec<&str> = member.roles.iter().map(|r| r.code()).collect();
                let state = if member.disabled { " (disabled)" } else { "" };
                println!("{}\t{}\t{}\t{}{state}", member.username, member.display_name, agency, roles.join(","));
            }
        }
        UserCommand::Disable { username } => {
            store
                .set_member_disabled(&username.to_lowercase(), true)
                .await
                .with_context(|| format!("no member named {username:?}"))?;
            println!("disabled {username}; their sessions have ended");
        }
        UserCommand::Enable { username } => {
            store
                .set_member_disabled(&username.to_lowercase(), false)
                .await
                .with_context(|| format!("no member named {username:?}"))?;
            println!("enabled {username}");
        }
        UserCommand::ResetPassword { username, password } => {
            let password = password.read()?;
            let hash = web::hash_password(password).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            store
                .set_password_hash(&username.to_lowercase(), &hash)
                .await
                .with_context(|| format!("no member named {username:?}"))?;
            println!("password reset for {username}");
        }
    }
    Ok(())
}
