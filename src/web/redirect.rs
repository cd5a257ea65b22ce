//! Where to send the user after login or a language switch: only back into this site.

/// `next` if it is a path on this site, else `/`. Rejects absolute URLs, scheme-relative `//host`
/// and the backslash variants browsers treat as such, so the login page is no open redirect.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(|c| c.is_control() || c == '\\') =>
        {
            n
        }
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn local_paths_are_kept() {
        assert_eq!(safe_next(Some("/projects/1?x=2")), "/projects/1?x=2");
        assert_eq!(safe_next(Some("/")), "/");
    }

    #[test]
    fn anything_leaving_the_site_goes_home() {
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "evil",
            "",
            "/a\\b",
            "/\nx",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
