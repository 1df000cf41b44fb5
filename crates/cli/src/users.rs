//! `desist user add|list|disable|enable|reset-password`, through the administration's audited
//! use cases as the server's console. Passwords come from a prompt or a file
//! (`--password-file`, `-` for standard input), never from an argument, so they do not end up
//! in shell history or the process list.

use crate::admin::{administration, explain};
use crate::config::Config;
use crate::serve::open_store;
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use domain::access::Role;
use domain::directory::{DirectoryStore, check_new_password, parse_username};
use domain::ids::MemberId;
use domain::partnership::{MemberInput, console_operator};
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
    /// Change a member's name or roles (flags, or a TOML file with --from).
    Edit(crate::admin_edit::MemberEditArgs),
    /// Where a member is signed in now: reference, since, from, until.
    Sessions { username: String },
    /// End one of a member's sessions now, by its reference (see `sessions`).
    RevokeSession { username: String, session: String },
    /// Set a new password; their sessions end and they change it at their next sign-in.
    ResetPassword {
        username: String,
        #[command(flatten)]
        password: PasswordSource,
        /// Make a one-time password and print it once, instead of reading one.
        #[arg(long, conflicts_with = "password_file")]
        one_time: bool,
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
    /// The password in `path` (`-`: standard input).
    pub fn file(path: PathBuf) -> Self {
        Self { password_file: Some(path) }
    }

    pub fn read(&self) -> anyhow::Result<String> {
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
    let command = match command {
        UserCommand::Edit(args) => return crate::admin_edit::edit_member(args, config, clock).await,
        UserCommand::Sessions { username } => return crate::admin_edit::member_sessions(username, config, clock).await,
        UserCommand::RevokeSession { username, session } => {
            return crate::admin_edit::revoke_session(username, session, config, clock).await;
        }
        other => other,
    };
    let store = open_store(config).await?;
    let admin = administration(&store, clock);
    let console = console_operator();
    match command {
        UserCommand::Edit(_) | UserCommand::Sessions { .. } | UserCommand::RevokeSession { .. } => {
            unreachable!("handled above")
        }
        UserCommand::Add(args) => {
            let username = parse_username(&args.username)
                .map_err(|_| anyhow::anyhow!("username {:?}: use letters, digits, . _ - @", args.username))?;
            let agencies = store.agencies().await?;
            let Some(agency) = agencies.iter().find(|a| a.name == args.agency) else {
                let names: Vec<&str> = agencies.iter().map(|a| a.name.as_str()).collect();
                bail!("no agency named {:?}; known agencies: {}", args.agency, names.join(", "));
            };
            for role in &args.roles {
                role.parse::<Role>().map_err(|_| anyhow::anyhow!("unknown role {role:?}"))?;
            }
            if args.roles.is_empty() {
                bail!("give at least one role with --roles");
            }
            let password = args.password.read()?;
            let input = MemberInput {
                username: username.clone(),
                name: args.name,
                agency_id: agency.id.to_string(),
                roles: args.roles,
                password: Some(password),
            };
            admin.add_member(&console, &input).await.map_err(explain)?;
            println!("added {username} to {}", agency.name);
        }
        UserCommand::List => {
            let agencies = store.agencies().await?;
            for account in admin.members(&console).await.map_err(explain)? {
                let member = account.member;
                let agency = agencies.iter().find(|a| a.id == member.agency_id).map(|a| a.name.as_str()).unwrap_or("?");
                let roles: Vec<&str> = member.roles.iter().map(|r| r.code()).collect();
                let state = if member.disabled { " (disabled)" } else { "" };
                let change = if account.must_change_password { " (must change password)" } else { "" };
                println!(
                    "{}\t{}\t{}\t{}{state}{change}",
                    member.username,
                    member.display_name,
                    agency,
                    roles.join(",")
                );
            }
        }
        UserCommand::Disable { username } => {
            let id = member_named(&store, &username).await?;
            admin.set_disabled(&console, id, true).await.map_err(explain)?;
            println!("disabled {username}; their sessions have ended");
        }
        UserCommand::Enable { username } => {
            let id = member_named(&store, &username).await?;
            admin.set_disabled(&console, id, false).await.map_err(explain)?;
            println!("enabled {username}");
        }
        UserCommand::ResetPassword { username, password, one_time } => {
            let given = if one_time { None } else { Some(password.read()?) };
            let id = member_named(&store, &username).await?;
            let made = admin.reset_password(&console, id, given).await.map_err(explain)?;
            println!(
                "password reset for {username}; their sessions have ended and they choose a new one at their next sign-in"
            );
            if let Some(made) = made {
                println!("one-time password (shown once, never stored): {made}");
            }
        }
    }
    Ok(())
}

/// The id of the member with `username` (any case).
pub(crate) async fn member_named(store: &store::Store, username: &str) -> anyhow::Result<MemberId> {
    let wanted = username.trim().to_lowercase();
    store
        .members()
        .await?
        .into_iter()
        .find(|m| m.username == wanted)
        .map(|m| m.id)
        .with_context(|| format!("no member named {username:?}"))
}
