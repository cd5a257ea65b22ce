//! Slowing down repeated failed logins, per account and per client address. The counts come from
//! the database so the rule holds across server instances; the rule itself is here.

use std::time::Duration;

#[derive(Clone, Copy, Debug)]
pub struct ThrottlePolicy {
    /// Failures allowed before any wait is imposed.
    pub free_failures: u32,
    /// Wait after the first failure beyond the free ones; doubles with each further failure.
    pub base_wait: Duration,
    pub max_wait: Duration,
}

/// Per account: a handful of typos are free, then the waits grow quickly.
pub const PER_ACCOUNT: ThrottlePolicy = ThrottlePolicy {
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
        assert_eq!(wait_before_attempt(PER_ACCOUNT, 0, S(0)), None);
        assert_eq!(wait_before_attempt(PER_ACCOUNT, 4, S(0)), None);
    }

    #[test]
    fn the_first_failure_beyond_the_free_ones_waits_the_base() {
        assert_eq!(wait_before_attempt(PER_ACCOUNT, 5, S(0)), Some(S(30)));
        assert_eq!(wait_before_attempt(PER_ACCOUNT, 5, S(10)), Some(S(20)));
        assert_eq!(wait_before_attempt(PER_ACCOUNT, 5, S(30)), None);
    }

    #[test]
    fn waits_double_up_to_the_maximum() {
        assert_eq!(wait_before_attempt(PER_ACCOUNT, 6, S(0)), Some(S(60)));
        assert_eq!(wait_before_attempt(PER_ACCOUNT, 7, S(0)), Some(S(120)));
        assert_eq!(wait_before_attempt(PER_ACCOUNT, 50, S(0)), Some(S(900)));
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
}
