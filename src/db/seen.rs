//! PostgreSQL's snapshots as text (`pg_current_snapshot()`: `xmin:xmax:xip,…`), compared: whether
//! one sees every transaction another sees as finished. Snapshots only grow with time, so a
//! result read in a snapshot that covers a request's can answer that request.

/// A snapshot: transactions below `xmax` and not in `in_progress` had finished when it was taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    xmax: u64,
    in_progress: Vec<u64>,
}

impl Seen {
    pub fn parse(text: &str) -> Option<Seen> {
        let mut parts = text.split(':');
        let xmin: u64 = parts.next()?.parse().ok()?;
        let xmax: u64 = parts.next()?.parse().ok()?;
        let in_progress = match parts.next()? {
            "" => Vec::new(),
            list => list.split(',').map(|x| x.parse().ok()).collect::<Option<Vec<u64>>>()?,
        };
        let well_formed =
            parts.next().is_none() && xmin <= xmax && in_progress.iter().all(|x| (xmin..xmax).contains(x));
        well_formed.then_some(Seen { xmax, in_progress })
    }

    /// Whether every transaction `other` sees as finished is finished in this one too.
    pub fn covers(&self, other: &Seen) -> bool {
        self.xmax >= other.xmax
            && self
                .in_progress
                .iter()
                .all(|x| *x >= other.xmax || other.in_progress.contains(x))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(text: &str) -> Seen {
        Seen::parse(text).unwrap()
    }

    #[test]
    fn reads_what_postgresql_writes() {
        assert_eq!(
            seen("100:104:101,102"),
            Seen {
                xmax: 104,
                in_progress: vec![101, 102]
            }
        );
        assert_eq!(
            seen("750:750:"),
            Seen {
                xmax: 750,
                in_progress: vec![]
            }
        );
        for bad in ["", "1:2", "1:2:3:4", "a:2:", "5:4:", "1:4:7", "1:4:2,x"] {
            assert_eq!(Seen::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_snapshot_covers_itself_and_those_taken_before_it() {
        let now = seen("100:104:101");
        assert!(now.covers(&now));
        assert!(now.covers(&seen("100:103:101")), "taken before 103 finished");
        assert!(now.covers(&seen("99:102:99,101")), "taken before 99 finished");
    }

    #[test]
    fn a_snapshot_does_not_cover_one_that_saw_more_finished() {
        let now = seen("100:104:101");
        assert!(!now.covers(&seen("100:105:101")), "104 finished since");
        assert!(!now.covers(&seen("102:104:")), "101 finished since");
        assert!(
            !now.covers(&seen("100:103:")),
            "saw 101 finished, which is still running here"
        );
    }
}
