//! The private PostgreSQL cluster that runs when `DATABASE_URL` is unset, so that a newcomer needs
//! nothing but `cargo run`. It lives under the data folder, listens only on a Unix socket inside
//! it, and is handed to an unprivileged account when we run as root (PostgreSQL refuses root).
//! When that account cannot reach the data folder (a clone in root's private home, a `mktemp -d`
//! folder), the cluster lives under [`FALLBACK_ROOT`] instead, in a folder named after the data
//! folder, and a note in the data folder says where.

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

/// Where a cluster lives when the unprivileged account cannot reach the data folder.
pub const FALLBACK_ROOT: &str = "/var/lib/zhuanban";

/// The note left in a data folder whose cluster lives elsewhere.
pub const LOCATION_NOTE: &str = "CLUSTER-LOCATION.txt";

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
    owner: Option<Account>,
    /// True when this process started the server and so must stop it.
    started_here: bool,
    /// True when `initdb` ran in this process: the caller may seed the new database.
    pub created_now: bool,
    /// Where the cluster lives when that is not the data folder (see [`FALLBACK_ROOT`]).
    pub relocated_to: Option<PathBuf>,
}

impl Cluster {
    /// Opens the cluster under `data_dir`: creates it if missing, starts it if it is not running.
    pub fn open(data_dir: &Path, durability: Durability) -> anyhow::Result<Cluster> {
        Self::open_with_fallback(data_dir, durability, Path::new(FALLBACK_ROOT))
    }

    /// [`Cluster::open`], with the cluster under `fallback_root` when the unprivileged account
    /// cannot reach `data_dir`.
    pub fn open_with_fallback(
        data_dir: &Path,
        durability: Durability,
        fallback_root: &Path,
    ) -> anyhow::Result<Cluster> {
        let bin_dir = find_binaries()?;
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create the data folder {}", data_dir.display()))?;
        let data_dir = data_dir
            .canonicalize()
            .with_context(|| format!("cannot resolve {}", data_dir.display()))?;
        let owner = unprivileged_owner()?;
        let (home, relocated_to) = match owner {
            Some(account) => match blocked_folder(&data_dir, account) {
                None => (data_dir.clone(), None),
                Some(blocked) => {
                    let home = relocate(&data_dir, &blocked, fallback_root, account)?;
                    (home.clone(), Some(home))
                }
            },
            None => (data_dir.clone(), None),
        };
        let mut cluster = Cluster {
            bin_dir,
            pg_dir: home.join("pg"),
            log_file: home.join("postgresql.log"),
            owner,
            started_here: false,
            created_now: false,
            relocated_to,
        };
        if !cluster.pg_dir.join("PG_VERSION").exists() {
            cluster.init(&home, durability)?;
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

type Account = (nix::unistd::Uid, nix::unistd::Gid);

/// The first folder on the way to `dir` (or `dir` itself) that `account` cannot enter, if any:
/// asked of the system by a probe running as that account, as PostgreSQL will.
fn blocked_folder(dir: &Path, (uid, gid): Account) -> Option<PathBuf> {
    let enters = |folder: &Path| {
        Command::new("/bin/sh")
            .args(["-c", "cd \"$0\""])
            .arg(folder)
            .current_dir("/")
            .uid(uid.as_raw())
            .gid(gid.as_raw())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if enters(dir) {
        return None;
    }
    dir.ancestors()
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .find(|folder| !enters(folder))
        .map(Path::to_path_buf)
}

/// The name of a data folder's cluster under the fallback root: its path, readable, and a hash
/// of it, so two data folders never share one.
fn fallback_name(data_dir: &Path) -> String {
    use sha2::Digest;
    let path = data_dir.to_string_lossy();
    let readable: String = path
        .trim_start_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .take(80)
        .collect();
    let hash = sha2::Sha256::digest(path.as_bytes());
    format!("{readable}-{}", hex::encode(&hash[..4]))
}

/// Makes (or finds) the folder under `root` where the cluster of `data_dir` lives, leaves a note
/// in `data_dir` saying so, and says it once on standard error.
fn relocate(data_dir: &Path, blocked: &Path, root: &Path, account: Account) -> anyhow::Result<PathBuf> {
    let name = account_name(account);
    let open_up = format!("chmod o+x {}", blocked.display());
    if data_dir.join("pg").join("PG_VERSION").exists() {
        bail!(
            "{}",
            cannot_reach(
                data_dir,
                blocked,
                &name,
                (
                    "这里已有集群，另建一个会把它丢下",
                    "a cluster is here already and would be left behind"
                ),
                &open_up,
            )
        );
    }
    let home = root.join(fallback_name(data_dir));
    let made = std::fs::create_dir_all(&home)
        .and_then(|()| std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)))
        .and_then(|()| std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o755)));
    if let Err(e) = made {
        let reason = (
            format!("也无法创建 {}（{e}）", home.display()),
            format!("nor can {} be made ({e})", home.display()),
        );
        bail!(
            "{}",
            cannot_reach(data_dir, blocked, &name, (&reason.0, &reason.1), &open_up)
        );
    }
    if let Some(still) = blocked_folder(&home, account) {
        let reason = (
            format!("它也无法进入 {}", still.display()),
            format!("nor can it enter {}", still.display()),
        );
        let fix = format!("{open_up}; chmod o+x {}", still.display());
        bail!(
            "{}",
            cannot_reach(data_dir, blocked, &name, (&reason.0, &reason.1), &fix)
        );
    }
    let note = format!(
        "本数据文件夹的私有 PostgreSQL 集群位于 {home}（账户 {name} 无法进入 {blocked}）。\n\
         The private PostgreSQL cluster of this data folder lives in {home} (the account {name} cannot enter {blocked}).\n",
        home = home.display(),
        blocked = blocked.display(),
    );
    std::fs::write(data_dir.join(LOCATION_NOTE), &note)?;
    eprint!("{note}");
    Ok(home)
}

/// Why the cluster cannot run, in Chinese and in English: the folder, the account, the reason
/// (Chinese, English) and the fix (a command).
fn cannot_reach(data_dir: &Path, blocked: &Path, account: &str, (zh, en): (&str, &str), fix: &str) -> String {
    format!(
        "数据文件夹 {data} 对运行 PostgreSQL 的账户 {account} 不可访问：它无法进入 {blocked}，{zh}。\
         解决：{fix}，或用 ZHUANBAN_DATA 指定 {account} 可以进入的文件夹，或设置 DATABASE_URL 使用已有的数据库。\n\
         The data folder {data} is out of reach of the account {account} that runs PostgreSQL: it cannot enter \
         {blocked}, and {en}. Fix: {fix}, or point ZHUANBAN_DATA at a folder {account} can enter, or set \
         DATABASE_URL to use an existing database.",
        data = data_dir.display(),
        blocked = blocked.display(),
    )
}

fn account_name((uid, _): Account) -> String {
    nix::unistd::User::from_uid(uid)
        .ok()
        .flatten()
        .map_or_else(|| uid.to_string(), |u| u.name)
}

/// The account that owns the cluster when we run as root: Debian's `postgres`.
fn unprivileged_owner() -> anyhow::Result<Option<Account>> {
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
