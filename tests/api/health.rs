use std::time::Duration;

use zhuanban::db::cluster::{Cluster, DATABASE, Durability};

use crate::harness::serve;

/// With its own cluster, so stopping the database does not disturb other tests.
#[tokio::test]
async fn healthz_is_503_while_the_database_is_down_and_200_when_it_returns() {
    let dir = std::env::temp_dir().join(format!("zhuanban-health-{}", std::process::id()));
    let mut cluster = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || Cluster::open(&dir, Durability::Throwaway)
    })
    .await
    .unwrap()
    .unwrap();
    cluster.stop_when_process_exits(std::process::id()).unwrap();
    zhuanban::db::ensure_database(&cluster, DATABASE).await.unwrap();
    let pool = zhuanban::db::pool(cluster.connect_options(DATABASE), 2).await.unwrap();
    zhuanban::db::migrate(&pool).await.unwrap();
    let base = serve(pool).await;
    let health = || async { reqwest::get(format!("{base}/healthz")).await.unwrap().status().as_u16() };

    assert_eq!(health().await, 200);
    let mut cluster = tokio::task::spawn_blocking(move || {
        cluster.force_stop().unwrap();
        cluster
    })
    .await
    .unwrap();
    assert_eq!(health().await, 503);
    // Pages say so too, in the layout, rather than failing with a 500.
    let page = reqwest::get(format!("{base}/login")).await.unwrap();
    assert_eq!(page.status().as_u16(), 503);
    assert!(page.text().await.unwrap().contains("服务暂不可用"));

    let cluster = tokio::task::spawn_blocking(move || {
        cluster.start().unwrap();
        cluster
    })
    .await
    .unwrap();
    let mut status = 0;
    for _ in 0..120 {
        status = health().await;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(status, 200, "healthz recovers without restarting the server");
    tokio::task::spawn_blocking(move || drop(cluster)).await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}
