//! Rate limits for pages anyone may open (the public disclosure): at most so many requests from
//! one address in each window of time.

/// At most `requests` per `seconds`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub requests: u32,
    pub seconds: u64,
}

/// The public pages: a hall's screen refreshes once a minute; a few people behind one address
/// reading and refreshing stay well within this.
pub const PUBLIC: Rate = Rate {
    requests: 60,
    seconds: 60,
};

/// One address's current window: when it started (seconds) and how many requests it let in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Window {
    pub start: u64,
    pub count: u32,
}

impl Window {
    /// Whether a request at `now` (seconds) is let in, counting it if so; a new window starts once
    /// the last one has run its time.
    pub fn admit(&mut self, now: u64, rate: Rate) -> bool {
        if now >= self.start.saturating_add(rate.seconds) {
            *self = Window { start: now, count: 0 };
        }
        if self.count >= rate.requests {
            return false;
        }
        self.count += 1;
        true
    }

    /// Whether the window is over at `now` (and can be forgotten).
    pub fn over(&self, now: u64, rate: Rate) -> bool {
        now >= self.start.saturating_add(rate.seconds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: Rate = Rate {
        requests: 3,
        seconds: 60,
    };

    #[test]
    fn a_window_lets_in_its_requests_then_refuses_until_it_is_over() {
        let mut w = Window::default();
        assert!(w.admit(1000, R) && w.admit(1001, R) && w.admit(1059, R));
        assert!(!w.admit(1059, R), "the fourth in the window");
        assert!(!w.over(1059, R));
        assert!(w.over(1060, R));
        assert!(w.admit(1060, R), "a new window");
        assert_eq!(w, Window { start: 1060, count: 1 });
    }
}
