//! What waits for each person: the sections of their to-do list, by role. Leads and officials
//! verify, triage and follow up decisions; unit staff deliver; investors read answers and rate.

use serde::Serialize;

use super::role::Role;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Items whose evidence waits for verification.
    ToVerify,
    /// Investors' requests waiting for triage.
    ToTriage,
    /// Open decisions of meetings, due soon or late.
    DecisionsDue,
    /// Supervision orders whose reply is late.
    RepliesLate,
    /// The unit's open items due soon or late.
    UnitDue,
    /// The unit's items whose evidence was sent back.
    SentBack,
    /// Supervision orders the unit has to answer.
    OrdersToAnswer,
    /// The investor's requests answered in the last fourteen days of the county's calendar.
    Answered,
    /// The investor's requests carried out and not rated yet.
    ToRate,
    /// Projects whose report of the month being reported is not in (confirmed) yet.
    ReportsDue,
}

/// What a section's entries lead to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Item,
    Request,
    /// A project's investment page.
    Project,
}

impl Section {
    pub const ALL: [Section; 10] = [
        Section::ToVerify,
        Section::ToTriage,
        Section::DecisionsDue,
        Section::RepliesLate,
        Section::UnitDue,
        Section::SentBack,
        Section::OrdersToAnswer,
        Section::Answered,
        Section::ToRate,
        Section::ReportsDue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Section::ToVerify => "to_verify",
            Section::ToTriage => "to_triage",
            Section::DecisionsDue => "decisions_due",
            Section::RepliesLate => "replies_late",
            Section::UnitDue => "unit_due",
            Section::SentBack => "sent_back",
            Section::OrdersToAnswer => "orders_to_answer",
            Section::Answered => "answered",
            Section::ToRate => "to_rate",
            Section::ReportsDue => "reports_due",
        }
    }

    pub fn parse(s: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn target(self) -> Target {
        match self {
            Section::ToTriage | Section::Answered | Section::ToRate => Target::Request,
            Section::ReportsDue => Target::Project,
            Section::ToVerify
            | Section::DecisionsDue
            | Section::RepliesLate
            | Section::UnitDue
            | Section::SentBack
            | Section::OrdersToAnswer => Target::Item,
        }
    }

    /// The sections of a role's list, in the order they show. Officials also chase late replies
    /// to the supervision orders they issue; leads and officials report the month's investment;
    /// a member without a unit has nothing of their own.
    pub fn for_role(role: Role, has_unit: bool) -> Vec<Section> {
        match role {
            Role::Official | Role::Admin => vec![
                Section::ToVerify,
                Section::ToTriage,
                Section::DecisionsDue,
                Section::RepliesLate,
                Section::ReportsDue,
            ],
            Role::Lead => vec![
                Section::ToVerify,
                Section::ToTriage,
                Section::DecisionsDue,
                Section::ReportsDue,
            ],
            Role::Member if has_unit => vec![Section::SentBack, Section::OrdersToAnswer, Section::UnitDue],
            Role::Member => Vec::new(),
            Role::Investor => vec![Section::Answered, Section::ToRate],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_sees_what_is_its_turn() {
        let of = |r, unit| Section::for_role(r, unit);
        assert!(of(Role::Lead, false).contains(&Section::ToVerify));
        assert!(of(Role::Lead, false).contains(&Section::ToTriage));
        assert!(
            !of(Role::Lead, false).contains(&Section::RepliesLate),
            "officials chase replies"
        );
        assert!(of(Role::Official, false).contains(&Section::RepliesLate));
        for role in [Role::Lead, Role::Official] {
            assert!(
                of(role, false).contains(&Section::ReportsDue),
                "{role:?} reports the month"
            );
        }
        assert!(!of(Role::Member, true).contains(&Section::ReportsDue));
        assert_eq!(
            of(Role::Member, true)[0],
            Section::SentBack,
            "work sent back comes first"
        );
        assert!(of(Role::Member, false).is_empty());
        assert_eq!(of(Role::Investor, false), vec![Section::Answered, Section::ToRate]);
        // Nobody's list holds another role's work.
        for s in of(Role::Investor, false) {
            assert_eq!(s.target(), Target::Request);
            assert!(!of(Role::Member, true).contains(&s));
        }
        for s in Section::ALL {
            assert_eq!(Section::parse(s.as_str()), Some(s));
            assert_eq!(Section::ALL[s.index()], s);
        }
    }
}
