//! The commands of the `zhuanban` binary. Each works on the same database as `serve`, whether or
//! not a server is running.

use std::io::Read;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use uuid::Uuid;

use crate::auth::{password, token};
use crate::config::Config;
use crate::db::audit::Actor;
use crate::db::users::{self, NewUser};
use crate::domain::names::{UnitCode, Username};
use crate::domain::role::Role;
use crate::{demo, jobs, server};

#[derive(Parser)]
#[command(
    name = "zhuanban",
    version,
    about = "项目专班 — task forces for county key industrial projects"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Run one recomputation of colours, figures and red/black lists, and print a summary.
    Recompute {
        /// Compute as of this day (YYYY-MM-DD) instead of today in the county.
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Load demo data.
    Seed {
        #[command(subcommand)]
        what: SeedCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add {
        username: String,
        /// admin, official, lead, member or investor.
        #[arg(long)]
        role: String,
        /// The unit's code (required for members).
        #[arg(long)]
        unit: Option<String>,
        /// A project the investor may see (repeatable).
        #[arg(long = "project")]
        projects: Vec<String>,
        /// The name shown in the interface (defaults to the username).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API bearer token for a user and print it (only its hash is kept).
    Create { username: String },
}

#[derive(Subcommand)]
enum SeedCommand {
    /// The demo dataset of the five projects of the Chongyi article (into an empty database only).
    Demo,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => server::serve(config).await,
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    role,
                    unit,
                    projects,
                    name,
                    password_stdin,
                },
        } => {
            let username = Username::parse(&username)
                .with_context(|| format!("{username:?} is not a valid username (2–64 letters, digits, . _ -)"))?;
            let role = Role::parse(&role)
                .with_context(|| format!("{role:?} is not a role: admin, official, lead, member or investor"))?;
            let unit = unit
                .map(|u| UnitCode::parse(&u).with_context(|| format!("{u:?} is not a unit code")))
                .transpose()?;
            let projects = projects
                .iter()
                .map(|p| Uuid::parse_str(p).with_context(|| format!("{p:?} is not a project id")))
                .collect::<anyhow::Result<Vec<_>>>()?;
            if !password_stdin {
                bail!("give the password on standard input with --password-stdin");
            }
            let password = read_password()?;
            let hash = password::hash(&password).await?;
            let db = server::open_database(&config).await?;
            let display_name = name.unwrap_or_else(|| username.to_string());
            let new = NewUser {
                username: &username,
                display_name: &display_name,
                role,
                unit: unit.as_ref(),
                projects: &projects,
                password_hash: &hash,
            };
            let created = users::create(&db.pool, new, Actor::System("cli")).await;
            db.close().await?;
            println!("created {} user {username} ({})", role.as_str(), created?);
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Create { username },
        } => {
            let username =
                Username::parse(&username).with_context(|| format!("{username:?} is not a valid username"))?;
            let db = server::open_database(&config).await?;
            let secret = token::new_api_token();
            let added = users::add_api_token(&db.pool, &username, &token::api_token_hash(&secret)).await;
            db.close().await?;
            added?;
            println!("{secret}");
            Ok(())
        }
        Command::Recompute { as_of } => {
            let as_of = as_of
                .map(|d| {
                    chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                        .with_context(|| format!("{d:?} is not a date (YYYY-MM-DD)"))
                })
                .transpose()?;
            let db = server::open_database(&config).await?;
            // A running server may be computing this very moment: wait for its run to end.
            let mut run = jobs::recompute::run_once(&db.pool, as_of).await;
            for _ in 0..150 {
                if !matches!(run, Ok(None)) {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                run = jobs::recompute::run_once(&db.pool, as_of).await;
            }
            db.close().await?;
            match run? {
                Some(summary) => println!("{summary}"),
                None => bail!("another instance kept recomputing for 30 seconds; try again later"),
            }
            Ok(())
        }
        Command::Seed {
            what: SeedCommand::Demo,
        } => {
            let db = server::open_database(&config).await?;
            let seeded = if db.created_now {
                Ok(())
            } else {
                demo::seed(&db.pool).await
            };
            db.close().await?;
            seeded?;
            println!("demo dataset loaded");
            Ok(())
        }
    }
}

fn read_password() -> anyhow::Result<String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("cannot read the password from standard input")?;
    let password = input
        .strip_suffix('\n')
        .map(|p| p.strip_suffix('\r').unwrap_or(p))
        .unwrap_or(&input);
    if password.chars().count() < password::MIN_LENGTH {
        bail!("the password must have at least {} characters", password::MIN_LENGTH);
    }
    Ok(password.to_string())
}
