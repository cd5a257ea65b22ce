//! Typed settings read once from the environment; a bad value stops the program with a clear message.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;

#[derive(Clone, Debug)]
pub struct Config {
    /// `ZHUANBAN_ADDR`, default 127.0.0.1:8080.
    pub addr: SocketAddr,
    /// `DATABASE_URL`; when unset a private cluster runs under `data_dir`.
    pub database_url: Option<String>,
    /// `ZHUANBAN_DATA`, default ./data.
    pub data_dir: PathBuf,
    /// `ZHUANBAN_SECURE_COOKIES=1` when served over HTTPS: the session cookie gets `Secure`.
    pub secure_cookies: bool,
    /// `ZHUANBAN_TRUST_PROXY=1` behind a reverse proxy: the client address comes from
    /// the last hop of `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// `ZHUANBAN_DB_POOL`, default 10 connections per server instance.
    pub pool_size: u32,
    /// `ZHUANBAN_BENCH_CEILING=1` mounts `/bench/ceiling`, the load benchmark's reference page.
    pub bench_ceiling: bool,
    /// `ZHUANBAN_PUBLIC_URL`, the address people open the pages at (e.g. https://zb.example.gov.cn):
    /// group-robot messages and calendar events link back to their page under it.
    pub public_url: Option<String>,
}

impl Config {
    pub fn from_env() -> anyhow::Result<Config> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Config> {
        let addr = get("ZHUANBAN_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into());
        let addr = addr
            .parse()
            .with_context(|| format!("ZHUANBAN_ADDR={addr:?} is not an address such as 127.0.0.1:8080"))?;
        let flag = |key: &str| -> anyhow::Result<bool> {
            match get(key).as_deref() {
                None | Some("") | Some("0") | Some("false") => Ok(false),
                Some("1") | Some("true") => Ok(true),
                Some(other) => anyhow::bail!("{key}={other:?} must be 1 or 0"),
            }
        };
        let pool_size = match get("ZHUANBAN_DB_POOL") {
            None => 10,
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=200).contains(n))
                .with_context(|| format!("ZHUANBAN_DB_POOL={v:?} must be a number from 1 to 200"))?,
        };
        let public_url = match get("ZHUANBAN_PUBLIC_URL").filter(|v| !v.is_empty()) {
            None => None,
            Some(v) => Some(
                crate::domain::notification::webhook_url(&v)
                    .ok()
                    .filter(|u| !u.contains(['?', '#']))
                    .map(|u| u.trim_end_matches('/').to_string())
                    .with_context(|| {
                        format!("ZHUANBAN_PUBLIC_URL={v:?} must be an address such as https://zb.example.gov.cn")
                    })?,
            ),
        };
        Ok(Config {
            addr,
            public_url,
            database_url: get("DATABASE_URL").filter(|s| !s.is_empty()),
            data_dir: PathBuf::from(get("ZHUANBAN_DATA").unwrap_or_else(|| "./data".into())),
            secure_cookies: flag("ZHUANBAN_SECURE_COOKIES")?,
            trust_proxy: flag("ZHUANBAN_TRUST_PROXY")?,
            pool_size,
            bench_ceiling: flag("ZHUANBAN_BENCH_CEILING")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> anyhow::Result<Config> {
        Config::from_lookup(|k| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn defaults_follow_the_interface_contract() {
        let c = config(&[]).unwrap();
        assert_eq!(c.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(c.data_dir, PathBuf::from("./data"));
        assert!(c.database_url.is_none());
        assert!(!c.secure_cookies);
        assert!(!c.bench_ceiling, "the benchmark page is off unless asked for");
    }

    #[test]
    fn bad_values_name_the_variable() {
        assert_eq!(
            config(&[("ZHUANBAN_PUBLIC_URL", "https://zb.example.gov.cn/")])
                .unwrap()
                .public_url
                .as_deref(),
            Some("https://zb.example.gov.cn")
        );
        let err = config(&[("ZHUANBAN_PUBLIC_URL", "zb.example.gov.cn")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("ZHUANBAN_PUBLIC_URL"), "{err}");
        let err = config(&[("ZHUANBAN_ADDR", "nowhere")]).unwrap_err().to_string();
        assert!(err.contains("ZHUANBAN_ADDR"), "{err}");
        let err = config(&[("ZHUANBAN_SECURE_COOKIES", "yes")]).unwrap_err().to_string();
        assert!(err.contains("ZHUANBAN_SECURE_COOKIES"), "{err}");
        let err = config(&[("ZHUANBAN_DB_POOL", "0")]).unwrap_err().to_string();
        assert!(err.contains("ZHUANBAN_DB_POOL"), "{err}");
    }

    #[test]
    fn empty_database_url_means_private_cluster() {
        assert!(config(&[("DATABASE_URL", "")]).unwrap().database_url.is_none());
    }
}
