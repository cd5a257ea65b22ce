//! Published notices (通报): their content is assembled and frozen at publication, so later edits
//! of items never change a published notice.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use super::audit::{self, Actor, Entry};
use super::items::Item;
use super::notifications;
use super::recompute::TaskForceKey;
use super::standings;
use super::supervision::Order;
use crate::domain::adjustment;
use crate::domain::notification::{EventKind, reply_days_late};
use crate::domain::ranking::{self, Method, RankChange, RedRule, Standing};
use crate::domain::status::{self, Colour, Thresholds};

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoticeItem {
    pub project: String,
    pub title: String,
    pub unit: String,
    pub deadline: NaiveDate,
    pub overdue_days: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoticeEntry {
    pub project: String,
    pub due: i64,
    pub on_time: i64,
    pub red: i64,
    pub yellow: i64,
    pub overdue_total: i64,
    /// Due in the red list's rolling period, and of them on time (0 on notices from before).
    #[serde(default)]
    pub period_due: i64,
    #[serde(default)]
    pub period_on_time: i64,
    /// Against the week before among the notice's projects: "new", "+2", "-1", "0".
    #[serde(default)]
    pub rank_change: Option<String>,
    /// Its score, when the lists were drawn by score.
    #[serde(default)]
    pub score: Option<i64>,
}

/// A supervision order as a notice reports it.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoticeOrder {
    pub project: String,
    pub title: String,
    pub unit: String,
    pub issued_on: NaiveDate,
    pub reply_due: NaiveDate,
    pub replied_on: Option<NaiveDate>,
    /// Days the reply is (or was) late; `null` while on time.
    pub days_late: Option<i64>,
}

/// The notice's supervision section: the orders as of `as_of`, late ones first, most late first.
pub fn supervision_section(orders: &[Order], as_of: NaiveDate) -> Vec<NoticeOrder> {
    let mut out: Vec<NoticeOrder> = orders
        .iter()
        .map(|o| NoticeOrder {
            project: o.project_name.clone(),
            title: o.item_title.clone(),
            unit: o.unit_name.clone(),
            issued_on: o.issued_on,
            reply_due: o.reply_due,
            replied_on: o.replied_on.filter(|d| *d <= as_of),
            days_late: reply_days_late(o.reply_due, o.replied_on.filter(|d| *d <= as_of), as_of),
        })
        .collect();
    out.sort_by_key(|o| (std::cmp::Reverse(o.days_late), o.reply_due));
    out
}

/// An overdue item left out of the notice's colours and lists because it is exempt, and why.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoticeExemption {
    pub project: String,
    pub title: String,
    pub unit: String,
    pub deadline: NaiveDate,
    /// The exemption's last day.
    pub until: NaiveDate,
    pub reason: String,
}

/// A decision of the notice's meeting (a checklist item it created).
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoticeDecision {
    pub project: String,
    pub title: String,
    pub unit: String,
    pub deadline: NaiveDate,
}

/// What a notice says, frozen at publication.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoticeContent {
    pub county: String,
    pub as_of: NaiveDate,
    pub red_items: Vec<NoticeItem>,
    pub yellow_items: Vec<NoticeItem>,
    pub red_list: Vec<NoticeEntry>,
    pub black_list: Vec<NoticeEntry>,
    /// Supervision orders (督办情况); notices published before they existed have none.
    #[serde(default)]
    pub supervision: Vec<NoticeOrder>,
    /// The decisions of the meeting it comes from, in the order they were taken.
    #[serde(default)]
    pub decisions: Vec<NoticeDecision>,
    /// The office that issues it, at its foot (落款); empty on notices from before it was set.
    #[serde(default)]
    pub issuer: String,
    /// Overdue items exempt on its date (not counted above), with their reasons.
    #[serde(default)]
    pub exemptions: Vec<NoticeExemption>,
}

/// A list's entries, each with its change against its place the week before (`before`: the task
/// forces of that week's same list, in order).
fn entries(list: Vec<Standing<TaskForceKey>>, before: &[Uuid]) -> Vec<NoticeEntry> {
    list.into_iter()
        .enumerate()
        .map(|(i, s)| {
            let then = before.iter().position(|t| *t == s.key.0).map(|p| ("", p as i32 + 1));
            NoticeEntry {
                rank_change: RankChange::of(Some(("", i as i32 + 1)), then).map(RankChange::code),
                project: s.name,
                due: s.figures.due,
                on_time: s.figures.on_time,
                red: s.figures.red,
                yellow: s.figures.yellow,
                overdue_total: s.figures.overdue_total,
                period_due: s.figures.period_due,
                period_on_time: s.figures.period_on_time,
                score: s.score.map(|b| b.total()),
            }
        })
        .collect()
}

/// Assembles a notice from the overdue items of its projects and the standings as of `as_of`;
/// `last_week` holds the lists of the weekly snapshot before (its red and black entries, in order).
#[allow(clippy::too_many_arguments)]
pub fn content(
    county: &str,
    as_of: NaiveDate,
    overdue: &[Item],
    standings: &[Standing<TaskForceKey>],
    projects: &[Uuid],
    t: Thresholds,
    (rule, method): (RedRule, Method),
    last_week: &[standings::Entry],
) -> NoticeContent {
    let mut red_items = Vec::new();
    let mut yellow_items = Vec::new();
    let mut exemptions = Vec::new();
    for i in overdue {
        if let (Some(until), false) = (i.exempt_until, adjustment::counts(i.exempt_until, as_of)) {
            exemptions.push(NoticeExemption {
                project: i.project_name.clone(),
                title: i.title.clone(),
                unit: i.unit_name.clone(),
                deadline: i.deadline,
                until,
                reason: i.exempt_reason.clone().unwrap_or_default(),
            });
            continue;
        }
        let days = status::overdue_days(as_of, i.deadline);
        let item = NoticeItem {
            project: i.project_name.clone(),
            title: i.title.clone(),
            unit: i.unit_name.clone(),
            deadline: i.deadline,
            overdue_days: days,
        };
        match status::colour_for_overdue(days, t) {
            Colour::Red => red_items.push(item),
            Colour::Yellow => yellow_items.push(item),
            Colour::Green => {}
        }
    }
    red_items.sort_by_key(|i| std::cmp::Reverse(i.overdue_days));
    yellow_items.sort_by_key(|i| std::cmp::Reverse(i.overdue_days));
    // The week before's places among the notice's own projects.
    let before = |list: &str| -> Vec<Uuid> {
        last_week
            .iter()
            .filter(|e| e.list.as_deref() == Some(list) && projects.contains(&e.project_id))
            .map(|e| e.task_force_id)
            .collect()
    };
    let in_scope: Vec<Standing<TaskForceKey>> = standings
        .iter()
        .filter(|s| projects.contains(&s.key.1))
        .cloned()
        .collect();
    let (red, black) = ranking::lists(&in_scope, rule, method);
    NoticeContent {
        county: county.to_string(),
        as_of,
        red_items,
        yellow_items,
        red_list: entries(red, &before("red")),
        black_list: entries(black, &before("black")),
        supervision: Vec::new(),
        decisions: Vec::new(),
        issuer: String::new(),
        exemptions,
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Notice {
    pub id: Uuid,
    pub year: i32,
    pub number: i32,
    pub title: String,
    pub body: Option<String>,
    pub as_of: NaiveDate,
    pub meeting_id: Option<Uuid>,
    pub content: sqlx::types::Json<NoticeContent>,
    pub published_at: DateTime<Utc>,
    /// The notice this one corrects, and why.
    pub corrects: Option<Uuid>,
    pub correction_reason: Option<String>,
    /// The correction that replaced this one.
    pub superseded_by: Option<Uuid>,
}

pub struct NewNotice<'a> {
    pub title: &'a str,
    pub body: Option<&'a str>,
    pub meeting_id: Option<Uuid>,
    pub content: &'a NoticeContent,
    pub project_ids: &'a [Uuid],
    /// The units the notice names (responsible for its red and yellow items).
    pub unit_ids: &'a [Uuid],
    /// A correction of the meeting's notice, with its reason.
    pub correction: Option<&'a str>,
}

/// What became of a publication.
#[derive(Debug, PartialEq, Eq)]
pub enum Published {
    Done(Uuid),
    /// The meeting has its notice already (and this is no correction): nothing was published.
    Exists(Uuid),
}

/// The meeting's current notice (not superseded), if it has one.
pub async fn of_meeting(pool: &PgPool, meeting: Uuid) -> Result<Option<Notice>, sqlx::Error> {
    sqlx::query_as(&format!("{NOTICE} WHERE n.meeting_id = $1 AND n.superseded_by IS NULL"))
        .bind(meeting)
        .fetch_optional(pool)
        .await
}

/// The decisions a meeting took, as its notice lists them.
pub async fn meeting_decisions(pool: &PgPool, meeting: Uuid) -> Result<Vec<NoticeDecision>, sqlx::Error> {
    sqlx::query_as::<_, (String, String, String, NaiveDate)>(
        "SELECT p.name, i.title, u.name, i.deadline
         FROM meeting_decisions d JOIN checklist_items i ON i.id = d.item_id
         JOIN projects p ON p.id = i.project_id JOIN units u ON u.id = i.responsible_unit_id
         WHERE d.meeting_id = $1 AND i.state <> 'cancelled' ORDER BY i.created_at, i.id",
    )
    .bind(meeting)
    .fetch_all(pool)
    .await
    .map(|rows| {
        rows.into_iter()
            .map(|(project, title, unit, deadline)| NoticeDecision {
                project,
                title,
                unit,
                deadline,
            })
            .collect()
    })
}

/// Publishes a notice with the next number of its year (第N期). A meeting has one current
/// notice: publishing it again answers with that one, unless it is a correction, which replaces
/// it (the old one stays, marked superseded by the new).
pub async fn publish(
    pool: &PgPool,
    new: NewNotice<'_>,
    actor: Actor<'_>,
    user: Option<Uuid>,
) -> Result<Published, sqlx::Error> {
    let year = new.content.as_of.year();
    let mut tx = pool.begin().await?;
    // Numbers are per year and gapless: one publisher at a time takes the next. The same lock
    // makes "the meeting has no notice yet" hold until this one is written.
    sqlx::query("SELECT pg_advisory_xact_lock(7426002, $1)")
        .bind(year)
        .execute(&mut *tx)
        .await?;
    let current: Option<Uuid> = match new.meeting_id {
        Some(meeting) => {
            sqlx::query_scalar("SELECT id FROM notices WHERE meeting_id = $1 AND superseded_by IS NULL FOR UPDATE")
                .bind(meeting)
                .fetch_optional(&mut *tx)
                .await?
        }
        None => None,
    };
    let corrects = match (current, new.correction) {
        (Some(existing), None) => {
            tx.rollback().await?;
            return Ok(Published::Exists(existing));
        }
        (Some(existing), Some(_)) => Some(existing),
        (None, _) => None,
    };
    let id = Uuid::new_v4();
    if let Some(old) = corrects {
        // Checked at commit: the new notice is inserted next.
        sqlx::query("UPDATE notices SET superseded_by = $2 WHERE id = $1")
            .bind(old)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    let number: i32 = sqlx::query_scalar(
        "INSERT INTO notices (id, year, number, title, body, as_of, meeting_id, content, published_by, project_ids,
             corrects, correction_reason)
         SELECT $9, $1, coalesce(max(number), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $10, $11 FROM notices WHERE year = $1
         RETURNING number",
    )
    .bind(year)
    .bind(new.title)
    .bind(new.body)
    .bind(new.content.as_of)
    .bind(new.meeting_id)
    .bind(sqlx::types::Json(new.content))
    .bind(user)
    .bind(new.project_ids)
    .bind(id)
    .bind(corrects)
    .bind(corrects.and(new.correction))
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO notice_units (notice_id, unit_id) SELECT $1, unnest($2::uuid[])")
        .bind(id)
        .bind(new.unit_ids)
        .execute(&mut *tx)
        .await?;
    // Each unit the notice names hears of it, once.
    let events: Vec<Uuid> = sqlx::query_scalar(
        "INSERT INTO events (kind, dedup_key, unit_id, notice_id, subject)
         SELECT $1, $1 || ':' || $2 || ':' || u, u, $2, $3 FROM unnest($4::uuid[]) AS u
         ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
    )
    .bind(EventKind::NoticePublished.as_str())
    .bind(id)
    .bind(new.title)
    .bind(new.unit_ids)
    .fetch_all(&mut *tx)
    .await?;
    notifications::deliver(&mut tx, &events).await?;
    // The county's robots hear of the notice once, with how many units it names.
    notifications::emit(
        &mut tx,
        EventKind::NoticePublished,
        &format!("{}:{id}", EventKind::NoticePublished.as_str()),
        notifications::NewEvent {
            notice_id: Some(id),
            subject: new.title,
            item_count: Some(new.unit_ids.len() as i32),
            ..Default::default()
        },
    )
    .await?;
    audit::record(
        &mut tx,
        Entry {
            actor,
            action: "notice.publish",
            entity: "notice",
            entity_id: Some(id),
            project_id: None,
            before: None,
            after: Some(serde_json::json!({
                "year": year, "number": number, "title": new.title,
                "corrects": corrects, "correction_reason": corrects.and(new.correction),
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Published::Done(id))
}

const NOTICE: &str =
    "SELECT n.id, n.year, n.number, n.title, n.body, n.as_of, n.meeting_id, n.content, n.published_at, n.corrects,
        n.correction_reason, n.superseded_by FROM notices n";

/// A notice, if `unit` is `None` (officials) or the notice names that unit.
pub async fn get(pool: &PgPool, id: Uuid, unit: Option<Uuid>, all: bool) -> Result<Option<Notice>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{NOTICE} WHERE n.id = $1
           AND ($2 OR EXISTS (SELECT 1 FROM notice_units nu WHERE nu.notice_id = n.id AND nu.unit_id = $3))"
    ))
    .bind(id)
    .bind(all)
    .bind(unit)
    .fetch_optional(pool)
    .await
}

/// Notices the reader may see, newest first, optionally of the week holding `week` and naming `project`.
pub async fn list(
    pool: &PgPool,
    all: bool,
    unit: Option<Uuid>,
    week: Option<(NaiveDate, NaiveDate)>,
    project: Option<Uuid>,
) -> Result<Vec<Notice>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{NOTICE} WHERE ($1 OR EXISTS (SELECT 1 FROM notice_units nu WHERE nu.notice_id = n.id AND nu.unit_id = $2))
           AND ($3::date IS NULL OR n.as_of BETWEEN $3 AND $4)
           AND ($5::uuid IS NULL OR n.project_ids @> ARRAY[$5::uuid])
         ORDER BY n.year DESC, n.number DESC LIMIT 200"
    ))
    .bind(all)
    .bind(unit)
    .bind(week.map(|w| w.0))
    .bind(week.map(|w| w.1))
    .bind(project)
    .fetch_all(pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::items::tests::item;
    use crate::domain::ranking::Figures;

    #[test]
    fn the_supervision_section_puts_late_replies_first_and_ignores_later_ones() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let ago = |n| day - chrono::Duration::days(n);
        let order = |title: &str, due, replied: Option<NaiveDate>| Order {
            id: Uuid::new_v4(),
            item_id: Uuid::nil(),
            project_id: Uuid::nil(),
            project_name: "甲".into(),
            item_title: title.into(),
            unit_id: Uuid::nil(),
            unit_name: "县自然资源局".into(),
            demand: "整改".into(),
            reply_due: due,
            issued_by: None,
            issued_on: ago(10),
            reply: replied.map(|_| "方案".to_string()),
            replied_by: None,
            replied_on: replied,
            issued_at: Utc::now(),
        };
        let orders = [
            order("按时", ago(3), Some(ago(4))),
            order("未复", ago(2), None),
            order("迟复", ago(6), Some(ago(1))),
            order("今后才复", ago(1), Some(day + chrono::Duration::days(1))),
        ];
        let s = supervision_section(&orders, day);
        let got: Vec<_> = s.iter().map(|o| (o.title.as_str(), o.days_late)).collect();
        assert_eq!(
            got,
            vec![
                ("迟复", Some(5)),
                ("未复", Some(2)),
                ("今后才复", Some(1)),
                ("按时", None)
            ]
        );
        assert_eq!(s[2].replied_on, None, "a reply after the notice's date is not in it");
    }

    #[test]
    fn an_item_exempt_on_the_notices_day_is_reported_apart_not_coloured() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let mut exempt = item("甲", "豁免", day - chrono::Duration::days(12));
        (exempt.exempt_until, exempt.exempt_reason) = (Some(day), Some("不可抗力".into()));
        let mut ended = item("甲", "到期", day - chrono::Duration::days(12));
        ended.exempt_until = Some(day - chrono::Duration::days(1));
        let n = content(
            "崇义县",
            day,
            &[exempt, ended],
            &[],
            &[],
            Thresholds::default(),
            (RedRule::DEFAULT, Method::Rule),
            &[],
        );
        let red: Vec<_> = n.red_items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(red, vec!["到期"], "an exemption that has ended exempts nothing");
        assert_eq!(n.exemptions.len(), 1);
        assert_eq!(
            (n.exemptions[0].title.as_str(), n.exemptions[0].reason.as_str()),
            ("豁免", "不可抗力")
        );
    }

    #[test]
    fn a_notice_sorts_items_by_colour_and_lateness_and_lists_only_its_projects() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let ago = |n| day - chrono::Duration::days(n);
        let overdue = [
            item("甲", "一", ago(3)),
            item("甲", "二", ago(12)),
            item("乙", "三", ago(9)),
            item("乙", "四", ago(1)),
        ];
        let (a, b, c) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let standing = |key, name: &str, red| Standing {
            key,
            name: name.into(),
            figures: Figures {
                due: 1,
                on_time: 0,
                red,
                yellow: 0,
                overdue_total: red * 10,
                ..Figures::default()
            },
            score: None,
        };
        let all = [
            standing((a, a), "甲", 1),
            standing((b, b), "乙", 2),
            standing((c, c), "丙", 5),
        ];
        let t = Thresholds::default();
        let n = content(
            "崇义县",
            day,
            &overdue,
            &all,
            &[a, b],
            t,
            (RedRule::DEFAULT, Method::Rule),
            &[],
        );
        let titles = |v: &[NoticeItem]| v.iter().map(|i| i.title.clone()).collect::<Vec<_>>();
        assert_eq!(titles(&n.red_items), vec!["二", "三"]);
        assert_eq!(titles(&n.yellow_items), vec!["一", "四"]);
        let black: Vec<_> = n.black_list.iter().map(|e| e.project.as_str()).collect();
        assert_eq!(black, vec!["乙", "甲"], "丙 is not one of the notice's projects");
    }
}
