//! The private cluster when the data folder is out of the unprivileged account's reach (a clone in
//! root's mode-700 home, a `mktemp -d` folder): it lives under a fallback folder instead, is found
//! again on the next start, and where that cannot be, the message says what and how to fix it.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use sqlx::Connection;
use zhuanban::db::cluster::{Cluster, DATABASE, Durability, LOCATION_NOTE};

/// A folder only root may enter, as root's home is on Debian.
fn private_folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zb-private-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

/// The relocation is for a root process handing the cluster to `postgres`; as anyone else the
/// cluster runs as that user, who can reach their own folders.
fn as_root() -> bool {
    let root = nix::unistd::geteuid().is_root();
    if !root {
        eprintln!("not root: the cluster is not handed to another account, nothing to relocate");
    }
    root
}

async fn open(data: &Path, fallback: &Path) -> anyhow::Result<Cluster> {
    let (data, fallback) = (data.to_path_buf(), fallback.to_path_buf());
    tokio::task::spawn_blocking(move || Cluster::open_with_fallback(&data, Durability::Throwaway, &fallback))
        .await
        .unwrap()
}

async fn close(cluster: Cluster) {
    tokio::task::spawn_blocking(move || drop(cluster)).await.unwrap();
}

#[tokio::test]
async fn a_data_folder_postgres_cannot_enter_keeps_its_cluster_elsewhere_and_finds_it_again() {
    if !as_root() {
        return;
    }
    let home = private_folder("home");
    let data = home.join("zhuanban/data");
    let fallback = std::env::temp_dir().join(format!("zb-fallback-{}", std::process::id()));
    let cluster = open(&data, &fallback).await.expect("the cluster runs elsewhere");
    cluster.stop_when_process_exits(std::process::id()).unwrap();
    let place = cluster.relocated_to.clone().expect("relocated");
    assert!(place.starts_with(&fallback), "{}", place.display());
    assert!(place.join("pg/PG_VERSION").exists());
    let note = std::fs::read_to_string(data.join(LOCATION_NOTE)).unwrap();
    assert!(
        note.contains(&place.display().to_string()) && note.contains("postgres"),
        "{note}"
    );
    assert!(
        note.contains("集群位于") && note.contains("lives in"),
        "in both languages: {note}"
    );
    zhuanban::db::ensure_database(&cluster, DATABASE).await.unwrap();
    let mut conn = sqlx::PgConnection::connect_with(&cluster.connect_options(DATABASE))
        .await
        .unwrap();
    sqlx::raw_sql("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('还在')")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    close(cluster).await;

    // The next start finds the same cluster with its data.
    let again = open(&data, &fallback).await.expect("the cluster starts again");
    assert_eq!(again.relocated_to.as_ref(), Some(&place));
    assert!(!again.created_now, "reused, not made anew");
    let mut conn = sqlx::PgConnection::connect_with(&again.connect_options(DATABASE))
        .await
        .unwrap();
    let kept: String = sqlx::query_scalar("SELECT v FROM kept")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(kept, "还在");
    conn.close().await.unwrap();
    close(again).await;
    let _ = std::fs::remove_dir_all(&home);
    let _ = std::fs::remove_dir_all(&fallback);
}

#[tokio::test]
async fn where_no_cluster_can_run_the_message_names_the_folder_the_account_the_reason_and_the_fix() {
    if !as_root() {
        return;
    }
    let home = private_folder("stuck");
    let data = home.join("data");
    // A fallback that cannot be made: its parent is a file.
    let file = std::env::temp_dir().join(format!("zb-not-a-folder-{}", std::process::id()));
    std::fs::write(&file, "").unwrap();
    let err = format!(
        "{:#}",
        open(&data, &file.join("zhuanban")).await.err().expect("refused")
    );
    for part in [
        data.canonicalize().unwrap().display().to_string(),
        home.display().to_string(),
        "postgres".into(),
        "无法进入".into(),
        "cannot enter".into(),
        format!("chmod o+x {}", home.display()),
        "ZHUANBAN_DATA".into(),
        "DATABASE_URL".into(),
    ] {
        assert!(err.contains(&part), "the message names {part}: {err}");
    }

    // A cluster already in a folder that has since become private is not silently replaced.
    let open_home = std::env::temp_dir().join(format!("zb-was-open-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&open_home);
    std::fs::create_dir_all(&open_home).unwrap();
    let data = open_home.join("data");
    let fallback = std::env::temp_dir().join(format!("zb-fallback-unused-{}", std::process::id()));
    let first = open(&data, &fallback).await.expect("reachable: runs in place");
    assert!(first.relocated_to.is_none());
    close(first).await;
    std::fs::set_permissions(&open_home, std::fs::Permissions::from_mode(0o700)).unwrap();
    let err = format!("{:#}", open(&data, &fallback).await.err().expect("refused"));
    assert!(err.contains("left behind") && err.contains("已有集群"), "{err}");
    assert!(!fallback.exists(), "no empty cluster made beside it");
    let _ = std::fs::remove_dir_all(&home);
    let _ = std::fs::remove_dir_all(&open_home);
    let _ = std::fs::remove_file(&file);
}
