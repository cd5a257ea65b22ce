//! The private PostgreSQL cluster that runs when `DATABASE_URL` is unset, so that a newcomer needs
//! nothing but `cargo run`. It lives under the data folder, listens only on a Unix socket inside
//! it, and is handed to an unprivileged account when we run as root (PostgreSQL refuses root).

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context, anyhow, bail};
use sqlx::postgres::PgConnectOptions;

/// The superuser `initdb` creates; the private cluster trusts it on its private socket.
pub const SUPERUSER: &str = "zhuanban";
/// The application database inside the private cluster.
pub const DATABASE: &str = "zhuanban";

/// Options for a cluster's `postgresql.conf`: durability for real data, speed for throwaway tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    Durable,
    Throwaway,
}

pub struct Cluster {
    bin_dir: PathBuf,
    pg_dir: PathBuf,
    log_file: PathBuf,
    owner: Option<(nix::unistd::Uid, nix::unistd::Gid)>,
    /// True when this process started the server and so must stop it.
    started_here: bool,
    /// True when `initdb` ran in this process: the caller may seed the new database.
    pub created_now: bool,
}

impl Cluster {
    /// Opens the cluster under `data_dir`: creates it if missing, starts it if it is not running.
    pub fn open(data_dir: &Path, durability: Durability) -> anyhow::Result<Cluster> {
        let bin_dir = find_binaries()?;
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create the data folder {}", data_dir.display()))?;
        let data_dir = data_dir
            .canonicalize()
            .with_context(|| format!("cannot resolve {}", data_dir.display()))?;
        let owner = unprivileged_owner()?;
        let mut cluster = Cluster {
            bin_dir,
            pg_dir: data_dir.join("pg"),
            log_file: data_dir.join("postgresql.log"),
            owner,
            started_here: false,
            created_now: false,
        };
        if !cluster.pg_dir.join("PG_VERSION").exists() {
            cluster.init(&data_dir, durability)?;
            cluster.created_now = true;
        }
        cluster.start()?;
        Ok(cluster)
    }

    /// Connection options for `database` over the private socket.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new_without_pgpass()
            .socket(&self.pg_dir)
            .port(5432)
            .username(SUPERUSER)
            .database(database)
    }

    /// A `DATABASE_URL` for `database` over the private socket, for child processes.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{SUPERUSER}@localhost/{database}?host={}",
            self.pg_dir.display()
        )
    }

    /// Makes sure the server stops when process `pid` ends, however it ends (test runs use this:
    /// a panicking or killed test binary must not leave a postmaster behind).
    pub fn stop_when_process_exits(&self, pid: u32) -> std::io::Result<()> {
        let pid_file = self.pg_dir.join("postmaster.pid");
        let data_dir = self.pg_dir.parent().unwrap_or(&self.pg_dir);
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; \
             kill -INT \"$(head -n 1 '{}')\" 2>/dev/null; sleep 3; rm -rf '{}'",
            pid_file.display(),
            data_dir.display()
        );
        Command::new("/bin/sh")
            .args(["-c", &script])
            .process_group(0)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map(drop)
    }

    /// Stops the server if this process started it. Idempotent.
    pub fn stop(&mut self) -> anyhow::Result<()> {
        if !self.started_here || !self.is_running()? {
            return Ok(());
        }
        self.pg_ctl(&["stop", "-m", "fast", "-w"])?;
        self.started_here = false;
        Ok(())
    }

    /// Stops the server whoever started it (tests use this to simulate an outage).
    pub fn force_stop(&mut self) -> anyhow::Result<()> {
        self.pg_ctl(&["stop", "-m", "immediate", "-w"])?;
        Ok(())
    }

    /// Starts the server unless it is running already (then it belongs to another process).
    pub fn start(&mut self) -> anyhow::Result<()> {
        if self.is_running()? {
            return Ok(());
        }
        let log = self.log_file.to_string_lossy().into_owned();
        let out = self.pg_ctl(&["start", "-w", "-t", "60", "-l", &log]);
        match out {
            Ok(_) => {
                self.started_here = true;
                Ok(())
            }
            // Another process may have started it a moment before us.
            Err(e) if self.is_running()? => {
                tracing::debug!("cluster started concurrently: {e:#}");
                Ok(())
            }
            Err(e) => Err(e.context(format!("see {}", self.log_file.display()))),
        }
    }

    fn is_running(&self) -> anyhow::Result<bool> {
        let out = self
            .command("pg_ctl")
            .arg("status")
            .arg("-D")
            .arg(&self.pg_dir)
            .output()?;
        // pg_ctl status: 0 running, 3 not running, 4 no usable data directory.
        Ok(out.status.success())
    }

    fn init(&self, data_dir: &Path, durability: Durability) -> anyhow::Result<()> {
        // initdb into a temporary folder, renamed when complete, so an interrupted first start
        // never leaves a half-made cluster behind.
        let tmp = data_dir.join("pg.init");
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)?;
        }
        std::fs::create_dir(&tmp)?;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o700))?;
        if let Some((uid, gid)) = self.owner {
            nix::unistd::chown(&tmp, Some(uid), Some(gid))?;
            let log = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.log_file)?;
            drop(log);
            nix::unistd::chown(&self.log_file, Some(uid), Some(gid))?;
        }
        let out = self
            .command("initdb")
            .arg("-D")
            .arg(&tmp)
            .args(["-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
            .output()
            .context("cannot run initdb")?;
        check(&out, "initdb")?;
        let mut conf = String::from(
            "\n# Zhuanban private cluster: Unix socket inside the data folder only.\n\
             listen_addresses = ''\nunix_socket_directories = '.'\nport = 5432\n\
             # The data sits on a local disk and mostly in memory: index lookups cost little more than scans.\n\
             random_page_cost = 1.1\neffective_cache_size = 1GB\n",
        );
        if durability == Durability::Throwaway {
            conf.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 300\n");
        }
        let conf_path = tmp.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf_path)?;
        text.push_str(&conf);
        std::fs::write(&conf_path, text)?;
        std::fs::rename(&tmp, &self.pg_dir)?;
        Ok(())
    }

    fn pg_ctl(&self, args: &[&str]) -> anyhow::Result<Output> {
        let out = self.command("pg_ctl").arg("-D").arg(&self.pg_dir).args(args).output()?;
        check(&out, "pg_ctl")?;
        Ok(out)
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bin_dir.join(program));
        // The unprivileged account may not be able to enter our working directory.
        cmd.current_dir(self.pg_dir.parent().unwrap_or(Path::new("/")));
        cmd.env_remove("PGDATA").env("LC_ALL", "C.UTF-8");
        // A group of its own, so a Ctrl-C at the terminal reaches us, not the postmaster: we stop
        // it in order, after the last connection has closed.
        cmd.process_group(0);
        if let Some((uid, gid)) = self.owner {
            cmd.uid(uid.as_raw()).gid(gid.as_raw());
        }
        cmd
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Err(e) = self.stop() {
            eprintln!("could not stop the private PostgreSQL cluster: {e:#}");
        }
    }
}

fn check(out: &Output, what: &str) -> anyhow::Result<()> {
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    bail!("{what} failed ({}): {}{}", out.status, stderr.trim(), stdout.trim())
}

/// The account that owns the cluster when we run as root: Debian's `postgres`.
fn unprivileged_owner() -> anyhow::Result<Option<(nix::unistd::Uid, nix::unistd::Gid)>> {
    if !nix::unistd::geteuid().is_root() {
        return Ok(None);
    }
    let user = nix::unistd::User::from_name("postgres")?.ok_or_else(|| {
        anyhow!(
            "running as root, but there is no 'postgres' account to run PostgreSQL as \
             (PostgreSQL refuses to run as root). Install PostgreSQL (apt-get install postgresql), \
             run as an ordinary user, or set DATABASE_URL."
        )
    })?;
    Ok(Some((user.uid, user.gid)))
}

/// The folder holding `pg_ctl`, `initdb` and `postgres`: `ZHUANBAN_PG_BIN`, then `PATH`, then the
/// newest `/usr/lib/postgresql/*/bin`.
pub fn find_binaries() -> anyhow::Result<PathBuf> {
    locate_binaries(
        std::env::var_os("ZHUANBAN_PG_BIN"),
        std::env::var_os("PATH"),
        Path::new("/usr/lib/postgresql"),
    )
}

fn locate_binaries(
    override_dir: Option<std::ffi::OsString>,
    path: Option<std::ffi::OsString>,
    lib_root: &Path,
) -> anyhow::Result<PathBuf> {
    let has_all = |dir: &Path| ["pg_ctl", "initdb", "postgres"].iter().all(|b| dir.join(b).is_file());
    if let Some(dir) = override_dir {
        let dir = PathBuf::from(dir);
        if has_all(&dir) {
            return Ok(dir);
        }
        bail!(
            "ZHUANBAN_PG_BIN={} does not hold pg_ctl, initdb and postgres",
            dir.display()
        );
    }
    let on_path = path
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    for dir in on_path {
        let pg_ctl = dir.join("pg_ctl");
        // Debian links some tools into PATH; the real folder is where the link points.
        if let Ok(real) = pg_ctl.canonicalize()
            && let Some(real_dir) = real.parent().filter(|d| has_all(d))
        {
            return Ok(real_dir.to_path_buf());
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(lib_root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            has_all(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, dir)| dir).ok_or_else(|| {
        anyhow!(
            "no PostgreSQL binaries found (looked for pg_ctl, initdb and postgres on PATH and under \
             /usr/lib/postgresql/*/bin). Install PostgreSQL (on Debian/Ubuntu: apt-get install postgresql), \
             point ZHUANBAN_PG_BIN at its bin folder, or set DATABASE_URL to use an existing database."
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_bin(dir: &Path) {
        std::fs::create_dir_all(dir).unwrap();
        for b in ["pg_ctl", "initdb", "postgres"] {
            std::fs::write(dir.join(b), "").unwrap();
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("zb-bin-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn without_binaries_the_message_says_what_to_install_or_set() {
        let root = scratch("none");
        let err = locate_binaries(None, Some(root.clone().into()), &root)
            .unwrap_err()
            .to_string();
        assert!(err.contains("apt-get install postgresql"), "{err}");
        assert!(err.contains("DATABASE_URL") && err.contains("ZHUANBAN_PG_BIN"), "{err}");
    }

    #[test]
    fn the_newest_installed_version_wins() {
        let root = scratch("versions");
        fake_bin(&root.join("13/bin"));
        fake_bin(&root.join("15/bin"));
        std::fs::create_dir_all(root.join("16/bin")).unwrap(); // incomplete: ignored
        let found = locate_binaries(None, None, &root).unwrap();
        assert_eq!(found, root.join("15/bin"));
    }

    #[test]
    fn an_override_must_hold_the_binaries() {
        let root = scratch("override");
        let err = locate_binaries(Some(root.clone().into()), None, &root)
            .unwrap_err()
            .to_string();
        assert!(err.contains("ZHUANBAN_PG_BIN"), "{err}");
        fake_bin(&root);
        assert_eq!(
            locate_binaries(Some(root.clone().into()), None, Path::new("/nonexistent")).unwrap(),
            root
        );
    }
}
