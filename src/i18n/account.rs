//! Signing in, passwords and the demo accounts.

pub struct Account {
    pub login_title: &'static str,
    pub login_username: &'static str,
    pub login_password: &'static str,
    pub login_submit: &'static str,
    pub login_failed: &'static str,
    pub login_username_invalid: &'static str,
    pub login_password_missing: &'static str,
    /// `{minutes}`: how long to wait.
    pub login_throttled: &'static str,
    pub login_demo_heading: &'static str,
    /// `{password}`: the demo accounts' password.
    pub login_demo_body: &'static str,
    pub password_title: &'static str,
    pub password_current: &'static str,
    pub password_new: &'static str,
    pub password_again: &'static str,
    pub password_end_others: &'static str,
    pub password_submit: &'static str,
    pub password_wrong_current: &'static str,
    pub password_too_short: &'static str,
    pub password_mismatch: &'static str,
}
