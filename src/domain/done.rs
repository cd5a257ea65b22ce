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
    TemplateSaved,
    TemplateDeleted,
    WebhookAdded,
    WebhookPaused,
    WebhookResumed,
    OrderIssued,
    OrderReplied,
    InvestorsChanged,
    FeedRevoked,
    WeekFrozen,
    SettingsSaved,
    PreferencesSaved,
    PasswordChanged,
    TemplateApplied,
    WebhookChanged,
    PlanSaved,
    MonthReported,
    /// An investor's draft, waiting for the task force.
    MonthDrafted,
    MonthCorrected,
    DraftConfirmed,
    StatementFrozen,
    ItemExempted,
    ExemptionLifted,
    ColourOverridden,
    OverrideLifted,
    /// The form had been sent already: it was not done again.
    Repeated,
}

impl Done {
    pub const ALL: [Done; 51] = [
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
        Done::TemplateSaved,
        Done::TemplateDeleted,
        Done::WebhookAdded,
        Done::WebhookPaused,
        Done::WebhookResumed,
        Done::OrderIssued,
        Done::OrderReplied,
        Done::InvestorsChanged,
        Done::FeedRevoked,
        Done::WeekFrozen,
        Done::SettingsSaved,
        Done::PreferencesSaved,
        Done::PasswordChanged,
        Done::TemplateApplied,
        Done::WebhookChanged,
        Done::PlanSaved,
        Done::MonthReported,
        Done::MonthDrafted,
        Done::MonthCorrected,
        Done::DraftConfirmed,
        Done::StatementFrozen,
        Done::ItemExempted,
        Done::ExemptionLifted,
        Done::ColourOverridden,
        Done::OverrideLifted,
        Done::Repeated,
    ];

    pub fn index(self) -> usize {
        self as usize
    }
}

/// A flash message: what was done, and how many (1 unless the form did several at once);
/// `repeated` when the form was sent again and the answer is the first submission's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub done: Done,
    pub count: i64,
    #[serde(default)]
    pub repeated: bool,
}

impl Flash {
    pub fn one(done: Done) -> Flash {
        Flash::many(done, 1)
    }

    pub fn many(done: Done, count: i64) -> Flash {
        Flash {
            done,
            count,
            repeated: false,
        }
    }

    /// What a form sent again says: the first submission's message, and that it was not repeated.
    pub fn repeated(first: Option<Flash>) -> Flash {
        match first {
            Some(f) if f.done != Done::Repeated => Flash { repeated: true, ..f },
            _ => Flash::one(Done::Repeated),
        }
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

    #[test]
    fn a_repeated_form_says_the_first_answer_once() {
        let first = Flash::many(Done::ItemsImported, 40);
        let again = Flash::repeated(Some(first));
        assert_eq!(
            (again.done, again.count, again.repeated),
            (Done::ItemsImported, 40, true)
        );
        assert_eq!(Flash::repeated(Some(again)), again, "sent a third time, the same");
        assert_eq!(Flash::repeated(None), Flash::one(Done::Repeated));
        assert_eq!(
            Flash::repeated(Some(Flash::one(Done::Repeated))),
            Flash::one(Done::Repeated)
        );
        let old: Flash = serde_json::from_str(r#"{"done":"item_added","count":1}"#).unwrap();
        assert!(!old.repeated, "a flash kept before the field existed reads");
    }
}
