//! Validated names: parse, don't validate. The database checks the same shapes.

use std::fmt;

/// A login name: 2–64 characters of ASCII letters, digits, `.`, `_`, `-`, starting with a letter or digit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Option<Username> {
        let s = s.trim();
        let mut chars = s.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
        let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        (first_ok && rest_ok && (2..=64).contains(&s.len())).then(|| Username(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A unit's short code as used in URLs and the API: lowercase ASCII, digits, `_`, `-`; 1–32 long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(s: &str) -> Option<UnitCode> {
        let s = s.trim();
        let mut chars = s.chars();
        let first_ok = chars
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'));
        (first_ok && rest_ok && s.len() <= 32).then(|| UnitCode(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_accept_plain_logins_and_trim() {
        assert_eq!(Username::parse(" wang.li ").unwrap().as_str(), "wang.li");
        assert!(Username::parse("ab").is_some());
        assert!(Username::parse(&"a".repeat(64)).is_some());
    }

    #[test]
    fn usernames_reject_bad_shapes() {
        for bad in ["", "a", ".abc", "a b", "王力", "a;drop", &"a".repeat(65)] {
            assert!(Username::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn unit_codes_are_lowercase_and_short() {
        assert!(UnitCode::parse("zrzyj").is_some());
        assert!(UnitCode::parse("gd-2").is_some());
        for bad in ["", "ZRZYJ", "-x", "a b", &"a".repeat(33)] {
            assert!(UnitCode::parse(bad).is_none(), "{bad:?}");
        }
    }
}
