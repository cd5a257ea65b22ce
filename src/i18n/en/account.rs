use crate::i18n::account::Account;

pub const ACCOUNT: Account = Account {
    login_title: "Log in",
    login_username: "Username",
    login_password: "Password",
    login_submit: "Log in",
    login_failed: "Wrong username or password.",
    login_username_invalid: "Enter a valid username (letters, digits, dot, underscore or hyphen).",
    login_password_missing: "Enter your password.",
    login_throttled: "Too many failed logins. Try again in about {minutes} minutes.",
    login_demo_heading: "Demo system",
    login_demo_body: "This is a demo database with invented data. Demo accounts: admin, official (dispatch office), lead (task-force liaison), member (county natural resources bureau), investor (Qixiang New Energy); the password of each is {password}.",
    password_title: "Change password",
    password_current: "Current password",
    password_new: "New password (12 characters or more)",
    password_again: "New password again",
    password_end_others: "Also sign me out on my other devices",
    password_submit: "Change password",
    password_wrong_current: "The current password is not right.",
    password_too_short: "The new password needs at least 12 characters.",
    password_mismatch: "The two new passwords differ.",
};
