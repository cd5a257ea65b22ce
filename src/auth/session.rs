//! How long a signed-in session lasts: until `session_idle_minutes` pass without a request, for
//! `session_max_hours` in all however active, and never past the end of all the user's sessions.

use chrono::{DateTime, TimeDelta, Utc};

/// How often a session in use has its idle limit pushed back (each time it is written).
const REFRESH_EVERY: TimeDelta = TimeDelta::minutes(1);

/// Whether a session opened at `login_at` (Unix seconds) in `epoch` is still valid at `now`,
/// for a user whose sessions are now in `user_epoch`.
pub fn within_lifetime(login_at: i64, now: i64, max_hours: i32, epoch: i32, user_epoch: i32) -> bool {
    now - login_at < i64::from(max_hours) * 3600 && epoch == user_epoch
}

/// Whether a session in use should be written again now, to expire `idle_minutes` from now
/// rather than at `expires_at`, the expiry the store holds since it was last written. (The store
/// writes a session only when it changes: left alone, a busy session would end `idle_minutes`
/// after sign-in.) At most once a minute, so that a request rarely costs a write.
pub fn idle_refresh_due(expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>, idle_minutes: i32) -> bool {
    expires_at.is_some_and(|e| e - now <= TimeDelta::minutes(i64::from(idle_minutes)) - REFRESH_EVERY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_ends_at_its_absolute_lifetime_and_with_its_epoch() {
        let hour = 3600;
        assert!(within_lifetime(0, 12 * hour - 1, 12, 3, 3));
        assert!(!within_lifetime(0, 12 * hour, 12, 3, 3));
        assert!(
            !within_lifetime(0, hour, 12, 2, 3),
            "the user ended their other sessions"
        );
    }

    #[test]
    fn a_session_in_use_is_written_again_once_a_minute() {
        let now = Utc::now();
        let minutes = |m| now + TimeDelta::minutes(m);
        assert!(!idle_refresh_due(Some(minutes(30)), now, 30), "just written");
        assert!(!idle_refresh_due(Some(minutes(29) + TimeDelta::seconds(1)), now, 30));
        assert!(idle_refresh_due(Some(minutes(29)), now, 30), "written a minute ago");
        assert!(idle_refresh_due(Some(minutes(2)), now, 30));
        // Written under a longer idle limit than today's settings: it keeps that one until due.
        assert!(!idle_refresh_due(Some(minutes(50)), now, 30));
        assert!(!idle_refresh_due(None, now, 30), "the session is gone from the store");
    }
}
