//! Slowing down repeated failed logins, per account and address pair, per address, and per
//! account across addresses. The counts come from the database (read under a lock, with the
//! attempt recorded before the password is checked, so parallel guesses count); the rule is here.
//!
//! Nobody can lock an owner out: a stranger's failures slow that stranger's pair and address,
//! and across addresses only the addresses the account has not signed in from (ASVS 2.2.1:
//! anti-automation without denial of service).

use std::time::Duration;

#[derive(Clone, Copy, Debug)]
pub struct ThrottlePolicy {
    /// Failures allowed before any wait is imposed.
    pub free_failures: u32,
    /// Wait after the first failure beyond the free ones; doubles with each further failure.
    pub base_wait: Duration,
    pub max_wait: Duration,
}

/// Per account and address: a handful of typos are free, then the waits grow quickly.
pub const PER_PAIR: ThrottlePolicy = ThrottlePolicy {
    free_failures: 5,
    base_wait: Duration::from_secs(30),
    max_wait: Duration::from_secs(15 * 60),
};

/// Per address: an office shares one address behind NAT, so more failures are free.
pub const PER_ADDRESS: ThrottlePolicy = ThrottlePolicy {
    free_failures: 20,
    base_wait: Duration::from_secs(30),
    max_wait: Duration::from_secs(15 * 60),
};

/// Per account, over the addresses it has not signed in from: a guesser spread over many
/// addresses is slowed (short waits, never the long ones), the owner's own addresses are not.
pub const PER_ACCOUNT: ThrottlePolicy = ThrottlePolicy {
    free_failures: 20,
    base_wait: Duration::from_secs(5),
    max_wait: Duration::from_secs(60),
};

/// An address the account signed in from within this long is the owner's.
pub const KNOWN_ADDRESS: Duration = Duration::from_secs(30 * 24 * 3600);

/// How far back failures count.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// However the waits above fall, no account takes more than this many failed logins in any hour
/// (OWASP ASVS 2.2.1): a slow, patient guesser is capped too.
pub const HOURLY_CAP: u32 = 100;
pub const HOUR: Duration = Duration::from_secs(3600);

/// The wait the hourly cap imposes, given the failures of the last hour and the age of the
/// `HOURLY_CAP`-th most recent one: refused until that one is an hour old, so that a new failure
/// never makes more than `HOURLY_CAP` in one hour.
pub fn hourly_cap_wait(failures_last_hour: u32, age_of_cap_th_latest: Option<Duration>) -> Option<Duration> {
    if failures_last_hour < HOURLY_CAP {
        return None;
    }
    let age = age_of_cap_th_latest.unwrap_or(Duration::ZERO);
    HOUR.checked_sub(age).filter(|left| !left.is_zero())
}

/// Recent failures of one kind: how many, and how long ago the last one was.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Failures {
    pub count: u32,
    pub since_last: Option<Duration>,
}

/// What a login attempt is judged on.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Recent {
    /// This account from this address, since that pair's last success, within [`WINDOW`].
    pub pair: Failures,
    /// This address, any account, within [`WINDOW`].
    pub address: Failures,
    /// This account from any address within [`WINDOW`] (a success does not reset these: the
    /// owner signing in must not give a spread-out guesser a fresh start).
    pub account: Failures,
    /// This account from any address over the last hour, and the age of the
    /// [`HOURLY_CAP`]-th most recent of them.
    pub last_hour: u32,
    pub age_of_cap_th_latest: Option<Duration>,
    /// Whether the account signed in from this address within [`KNOWN_ADDRESS`].
    pub known_address: bool,
}

/// Which limit refused an attempt, for the message and the security log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Pair,
    Address,
    Account,
    HourlyCap,
}

impl Limit {
    pub fn as_str(self) -> &'static str {
        match self {
            Limit::Pair => "account_and_address",
            Limit::Address => "address",
            Limit::Account => "account",
            Limit::HourlyCap => "hourly_cap",
        }
    }
}

/// The longest wait any limit imposes on the next attempt, and which limit that is. An address
/// the account has signed in from is held to its own pair's and address's limits only.
pub fn judge(r: &Recent) -> Option<(Duration, Limit)> {
    let mut waits = vec![
        (wait(PER_PAIR, r.pair), Limit::Pair),
        (wait(PER_ADDRESS, r.address), Limit::Address),
    ];
    if !r.known_address {
        waits.push((wait(PER_ACCOUNT, r.account), Limit::Account));
        waits.push((hourly_cap_wait(r.last_hour, r.age_of_cap_th_latest), Limit::HourlyCap));
    }
    waits
        .into_iter()
        .filter_map(|(w, l)| w.map(|w| (w, l)))
        .max_by_key(|(w, _)| *w)
}

fn wait(p: ThrottlePolicy, f: Failures) -> Option<Duration> {
    wait_before_attempt(p, f.count, f.since_last.unwrap_or(Duration::MAX))
}

/// How long the caller must still wait before another attempt, given the recent failures
/// (since the last success, within [`WINDOW`]) and the time since the last of them.
pub fn wait_before_attempt(p: ThrottlePolicy, recent_failures: u32, since_last_failure: Duration) -> Option<Duration> {
    if recent_failures < p.free_failures {
        return None;
    }
    let doublings = (recent_failures - p.free_failures).min(16);
    let wait = p.base_wait.saturating_mul(1 << doublings).min(p.max_wait);
    wait.checked_sub(since_last_failure).filter(|left| !left.is_zero())
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn free_failures_impose_no_wait() {
        assert_eq!(wait_before_attempt(PER_PAIR, 0, S(0)), None);
        assert_eq!(wait_before_attempt(PER_PAIR, 4, S(0)), None);
    }

    #[test]
    fn the_first_failure_beyond_the_free_ones_waits_the_base() {
        assert_eq!(wait_before_attempt(PER_PAIR, 5, S(0)), Some(S(30)));
        assert_eq!(wait_before_attempt(PER_PAIR, 5, S(10)), Some(S(20)));
        assert_eq!(wait_before_attempt(PER_PAIR, 5, S(30)), None);
    }

    #[test]
    fn waits_double_up_to_the_maximum() {
        assert_eq!(wait_before_attempt(PER_PAIR, 6, S(0)), Some(S(60)));
        assert_eq!(wait_before_attempt(PER_PAIR, 7, S(0)), Some(S(120)));
        assert_eq!(wait_before_attempt(PER_PAIR, 50, S(0)), Some(S(900)));
    }

    #[test]
    fn the_hourly_cap_refuses_the_hundred_and_first_failure_until_the_oldest_is_an_hour_old() {
        assert_eq!(hourly_cap_wait(99, Some(S(10))), None);
        assert_eq!(hourly_cap_wait(100, Some(S(600))), Some(S(3000)));
        assert_eq!(hourly_cap_wait(100, Some(S(3599))), Some(S(1)));
        assert_eq!(hourly_cap_wait(100, Some(S(3600))), None);
        assert_eq!(hourly_cap_wait(140, None), Some(S(3600)));
    }

    #[test]
    fn addresses_get_more_free_failures() {
        assert_eq!(wait_before_attempt(PER_ADDRESS, 19, S(0)), None);
        assert_eq!(wait_before_attempt(PER_ADDRESS, 20, S(0)), Some(S(30)));
    }

    fn failures(count: u32, secs_ago: u64) -> Failures {
        Failures {
            count,
            since_last: Some(S(secs_ago)),
        }
    }

    #[test]
    fn a_strangers_failures_on_the_account_do_not_stop_the_owner_at_another_address() {
        // Five failures from the stranger's address: that pair waits.
        let stranger = Recent {
            pair: failures(5, 0),
            address: failures(5, 0),
            account: failures(5, 0),
            last_hour: 5,
            ..Recent::default()
        };
        assert_eq!(judge(&stranger), Some((S(30), Limit::Pair)));
        // The owner's address has none of them: the account's five are still free.
        let owner = Recent {
            account: failures(5, 0),
            last_hour: 5,
            ..Recent::default()
        };
        assert_eq!(judge(&owner), None);
    }

    #[test]
    fn across_addresses_the_account_slows_strangers_and_never_its_own_addresses() {
        let spread = Recent {
            account: failures(20, 0),
            last_hour: 20,
            ..Recent::default()
        };
        assert_eq!(judge(&spread), Some((S(5), Limit::Account)));
        let many = Recent {
            account: failures(60, 0),
            last_hour: 60,
            ..Recent::default()
        };
        assert_eq!(
            judge(&many),
            Some((S(60), Limit::Account)),
            "the account's waits stay short"
        );
        let capped = Recent {
            account: failures(60, 70),
            last_hour: 100,
            age_of_cap_th_latest: Some(S(600)),
            ..Recent::default()
        };
        assert_eq!(judge(&capped), Some((S(3000), Limit::HourlyCap)));
        let owner = Recent {
            known_address: true,
            ..capped
        };
        assert_eq!(
            judge(&owner),
            None,
            "the owner's known address is held to its own limits only"
        );
        let owner_typos = Recent {
            pair: failures(5, 0),
            ..owner
        };
        assert_eq!(judge(&owner_typos), Some((S(30), Limit::Pair)));
    }

    #[test]
    fn the_longest_wait_wins() {
        let r = Recent {
            pair: failures(7, 0),
            address: failures(20, 0),
            ..Recent::default()
        };
        assert_eq!(judge(&r), Some((S(120), Limit::Pair)));
    }
}
