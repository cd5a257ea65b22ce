//! What a state-changing form did, said back to the user on the page it leads to (a flash
//! message): the kind of change and, where it counts things, how many.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Done {
    ItemAdded,
    ItemSaved,
    UpdatePosted,
    ItemClosed,
    ItemReopened,
    ItemCancelled,
    ItemSubmitted,
    ItemVerified,
    ItemSentBack,
    EvidenceAdded,
    ItemsImported,
    ProjectCreated,
    ProjectSaved,
    StageAdvanced,
    ProjectsImported,
    RequestRaised,
    RequestAccepted,
    /// Accepted with a deadline after the promised resolution.
    RequestAcceptedLate,
    RequestDeclined,
    RequestRated,
    MeetingScheduled,
    MinutesSaved,
    DecisionRecorded,
    PointAdded,
    NoticePublished,
}

impl Done {
    pub const ALL: [Done; 25] = [
        Done::ItemAdded,
        Done::ItemSaved,
        Done::UpdatePosted,
        Done::ItemClosed,
        Done::ItemReopened,
        Done::ItemCancelled,
        Done::ItemSubmitted,
        Done::ItemVerified,
        Done::ItemSentBack,
        Done::EvidenceAdded,
        Done::ItemsImported,
        Done::ProjectCreated,
        Done::ProjectSaved,
        Done::StageAdvanced,
        Done::ProjectsImported,
        Done::RequestRaised,
        Done::RequestAccepted,
        Done::RequestAcceptedLate,
        Done::RequestDeclined,
        Done::RequestRated,
        Done::MeetingScheduled,
        Done::MinutesSaved,
        Done::DecisionRecorded,
        Done::PointAdded,
        Done::NoticePublished,
    ];

    pub fn index(self) -> usize {
        self as usize
    }
}

/// A flash message: what was done, and how many (1 unless the form did several at once).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub done: Done,
    pub count: i64,
}

impl Flash {
    pub fn one(done: Done) -> Flash {
        Flash { done, count: 1 }
    }

    pub fn many(done: Done, count: i64) -> Flash {
        Flash { done, count }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_listed_at_its_index() {
        for d in Done::ALL {
            assert_eq!(Done::ALL[d.index()], d);
        }
        let f = Flash::many(Done::ItemsImported, 40);
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(
            serde_json::from_str::<Flash>(&json).unwrap(),
            f,
            "kept in the session as JSON"
        );
    }
}
