//! The demo dataset: the five projects of the Chongyi article (seed/000_efde69c592a7d8bf.txt),
//! their task forces and units, checklist items of every colour, a past and an upcoming meeting,
//! investor requests, and one account per role. Dates are relative to the day of seeding so that
//! every colour and both ranking lists show.

use anyhow::bail;
use chrono::{Days, NaiveDate, NaiveTime, TimeZone};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::auth::password;
use crate::db::audit::{self, Actor, Entry};
use crate::db::settings;
use crate::domain::investment::{Month, reporting_month};
use crate::domain::lifecycle::Stage;
use crate::domain::role::Role;
use crate::web::login::DEMO_PASSWORD;

const UNITS: &[(&str, &str)] = &[
    ("gxj", "县工信局"),
    ("zrzyj", "县自然资源局"),
    ("fgw", "县发改委"),
    ("gyyq", "县工业园区管委会"),
    ("sthj", "市生态环境局崇义分局"),
    ("zjj", "县住建局"),
    ("gdgs", "国网崇义县供电公司"),
    ("slj", "县水利局"),
    ("swj", "县税务局"),
    ("xzsp", "县行政审批局"),
    ("yjj", "县应急管理局"),
];

/// The demo's checklist template: a new plant on newly supplied land, from filing to completion
/// acceptance (title, category, unit, days after the project's start).
const NEW_PLANT_TEMPLATE: &str = "新建厂房（新供地）";
const NEW_PLANT_LINES: &[(&str, &str, &str, i32)] = &[
    ("项目备案", "planning_approval", "xzsp", 5),
    ("用地预审与选址意见", "land", "zrzyj", 30),
    ("土地招拍挂出让", "land", "zrzyj", 75),
    ("建设工程规划许可", "planning_approval", "zrzyj", 100),
    ("节能审查（能评）", "environment_energy", "fgw", 60),
    ("环境影响评价批复（环评）", "environment_energy", "sthj", 80),
    ("建筑工程施工许可", "construction", "zjj", 120),
    ("施工及生产用电接入", "utilities", "gdgs", 150),
    ("消防验收", "construction", "zjj", 330),
    ("竣工联合验收", "construction", "zjj", 360),
];

struct DemoProject {
    name: &'static str,
    company: &'static str,
    park: &'static str,
    industry: &'static str,
    code: &'static str,
    investment_wan: i64,
    stage: Stage,
    /// (stage, planned offset, actual offset) in days from today.
    dates: &'static [(Stage, Option<i64>, Option<i64>)],
    leader: &'static str,
    lead_unit: &'static str,
    members: &'static [&'static str],
}

use Stage::*;

const PROJECTS: &[DemoProject] = &[
    DemoProject {
        name: "章源钨业三期碳化钨粉项目",
        company: "崇义章源钨业股份有限公司",
        park: "崇义县工业园区",
        industry: "有色金属新材料",
        code: "2025-360725-32-03-010021",
        investment_wan: 52_000,
        stage: InProduction,
        dates: &[
            (Signed, None, Some(-470)),
            (Filed, None, Some(-450)),
            (LandSecured, None, Some(-420)),
            (ConstructionStarted, Some(-405), Some(-403)),
            (Completed, Some(-200), Some(-196)),
            (InProduction, Some(-190), Some(-190)),
        ],
        leader: "副县长 李明",
        lead_unit: "gxj",
        members: &["zrzyj", "fgw", "zjj", "gdgs", "sthj"],
    },
    DemoProject {
        name: "祺胜新材料项目",
        company: "崇义祺胜新材料有限公司",
        park: "崇义县工业园区",
        industry: "新材料",
        code: "2025-360725-30-03-010388",
        investment_wan: 8_000,
        stage: InProduction,
        dates: &[
            (Signed, None, Some(-320)),
            (Filed, None, Some(-300)),
            (LandSecured, None, Some(-296)),
            (ConstructionStarted, None, Some(-292)),
            (Completed, Some(-266), Some(-265)),
            (InProduction, Some(-263), Some(-263)),
        ],
        leader: "县委常委 王建国",
        lead_unit: "gyyq",
        members: &["zrzyj", "xzsp", "gdgs", "swj"],
    },
    DemoProject {
        name: "金竹矿业萤石矿项目",
        company: "崇义金竹矿业有限公司",
        park: "金竹矿区",
        industry: "非金属矿采选",
        code: "2024-360725-10-03-008812",
        investment_wan: 30_000,
        stage: InProduction,
        dates: &[
            (Signed, None, Some(-560)),
            (Filed, None, Some(-530)),
            (LandSecured, None, Some(-515)),
            (ConstructionStarted, None, Some(-500)),
            (Completed, Some(-160), Some(-150)),
            (InProduction, Some(-140), Some(-140)),
        ],
        leader: "副县长 陈志强",
        lead_unit: "gxj",
        members: &["zrzyj", "yjj", "sthj", "slj"],
    },
    DemoProject {
        name: "中核南方新材料独居石项目",
        company: "中核南方新材料有限公司",
        park: "崇义县工业园区",
        industry: "稀土新材料",
        code: "2024-360725-32-03-006540",
        investment_wan: 65_000,
        stage: ConstructionStarted,
        dates: &[
            (Signed, None, Some(-900)),
            (Filed, None, Some(-700)),
            (LandSecured, None, Some(-120)),
            (ConstructionStarted, Some(-90), Some(-60)),
            (Completed, Some(300), None),
            (InProduction, Some(360), None),
        ],
        leader: "县委副书记 赵立新",
        lead_unit: "gxj",
        members: &["zrzyj", "fgw", "sthj", "gdgs", "yjj"],
    },
    DemoProject {
        name: "祺祥新能源年产2万吨电池级碳酸锂项目",
        company: "崇义祺祥新能源有限公司",
        park: "龙勾工业园",
        industry: "锂电新能源",
        code: "2026-360725-26-03-000158",
        investment_wan: 200_000,
        stage: ConstructionStarted,
        dates: &[
            (Negotiating, None, Some(-224)),
            (Signed, None, Some(-187)),
            (Filed, None, Some(-150)),
            (LandSecured, Some(-90), Some(-95)),
            (ConstructionStarted, Some(-60), Some(-60)),
            (Completed, Some(240), None),
            (InProduction, Some(300), None),
        ],
        leader: "县长 周海峰",
        lead_unit: "gyyq",
        members: &["zrzyj", "fgw", "sthj", "gdgs", "slj", "zjj"],
    },
];

enum Closing {
    Open,
    /// Closed this many days from today.
    Done(i64),
    Cancelled(&'static str),
}

/// (project, title, category, unit, deadline offset, closing, note)
type DemoItem = (
    usize,
    &'static str,
    &'static str,
    &'static str,
    i64,
    Closing,
    Option<&'static str>,
);

const ITEMS: &[DemoItem] = &[
    (
        0,
        "项目备案",
        "planning_approval",
        "fgw",
        -455,
        Closing::Done(-452),
        None,
    ),
    (
        0,
        "用地预审与选址意见",
        "land",
        "zrzyj",
        -440,
        Closing::Done(-441),
        None,
    ),
    (
        0,
        "环境影响评价批复",
        "environment_energy",
        "sthj",
        -415,
        Closing::Done(-418),
        None,
    ),
    (
        0,
        "施工许可证核发",
        "construction",
        "zjj",
        -405,
        Closing::Done(-404),
        None,
    ),
    (
        0,
        "10千伏专线接入",
        "utilities",
        "gdgs",
        -230,
        Closing::Done(-222),
        Some("因设备到货延迟晚 8 天接电。"),
    ),
    (
        0,
        "竣工联合验收",
        "construction",
        "zjj",
        -198,
        Closing::Done(-197),
        None,
    ),
    (
        0,
        "申报省级技改专项补助",
        "finance_tax",
        "gxj",
        20,
        Closing::Open,
        Some("企业材料已齐，待县工信局初审。"),
    ),
    (
        1,
        "项目备案（当日办结）",
        "planning_approval",
        "xzsp",
        -300,
        Closing::Done(-300),
        None,
    ),
    (1, "标准厂房租赁手续", "land", "gyyq", -297, Closing::Done(-298), None),
    (1, "生产用电报装", "utilities", "gdgs", -280, Closing::Done(-282), None),
    (
        1,
        "税务登记与发票核定",
        "finance_tax",
        "swj",
        -270,
        Closing::Done(-271),
        None,
    ),
    (1, "二期扩产用地规划咨询", "land", "zrzyj", 2, Closing::Open, None),
    (2, "采矿许可证延续", "land", "zrzyj", -520, Closing::Done(-522), None),
    (
        2,
        "水土保持方案批复",
        "environment_energy",
        "slj",
        -505,
        Closing::Done(-506),
        None,
    ),
    (
        2,
        "尾矿库安全设施设计审查",
        "construction",
        "yjj",
        -480,
        Closing::Done(-470),
        None,
    ),
    (
        2,
        "安全设施竣工验收",
        "construction",
        "yjj",
        -12,
        Closing::Open,
        Some("企业整改报告尚未提交，需专班督促。"),
    ),
    (
        2,
        "排污许可证申领",
        "environment_energy",
        "sthj",
        30,
        Closing::Open,
        None,
    ),
    (
        3,
        "辐射安全许可与环评批复",
        "environment_energy",
        "sthj",
        -130,
        Closing::Done(-125),
        None,
    ),
    (
        3,
        "项目用地报批（省厅）",
        "land",
        "zrzyj",
        -125,
        Closing::Done(-121),
        None,
    ),
    (
        3,
        "伴生放射性监测方案备案",
        "environment_energy",
        "sthj",
        -20,
        Closing::Open,
        Some("省厅反馈意见待补正。"),
    ),
    (3, "厂区10千伏线路迁改", "utilities", "gdgs", -9, Closing::Open, None),
    (3, "施工图审查", "construction", "zjj", -3, Closing::Open, None),
    (
        3,
        "原址厂房拆除补偿协议",
        "other",
        "gxj",
        -60,
        Closing::Cancelled("企业调整总平面布置，原址厂房保留，无需拆除。"),
        None,
    ),
    (
        4,
        "项目备案",
        "planning_approval",
        "fgw",
        -150,
        Closing::Done(-150),
        None,
    ),
    (
        4,
        "用地预审与土地招拍挂",
        "land",
        "zrzyj",
        -96,
        Closing::Done(-95),
        Some("县自然资源局派专人赴省厅跟进报批。"),
    ),
    (
        4,
        "节能审查（能评）批复",
        "environment_energy",
        "fgw",
        -92,
        Closing::Done(-94),
        Some("从上报到批复用时 2 个月。"),
    ),
    (
        4,
        "环境影响评价批复",
        "environment_energy",
        "sthj",
        -70,
        Closing::Done(-72),
        None,
    ),
    (
        4,
        "施工许可证核发",
        "construction",
        "zjj",
        -61,
        Closing::Done(-61),
        None,
    ),
    (
        4,
        "施工临时用电增容",
        "utilities",
        "gdgs",
        -4,
        Closing::Open,
        Some("变压器已到场，待停电计划批复。"),
    ),
    (4, "园区污水管网接驳", "utilities", "gyyq", 3, Closing::Open, None),
    (4, "取水许可", "utilities", "slj", 25, Closing::Open, None),
    (4, "宿舍楼规划方案调整", "land", "zrzyj", 12, Closing::Open, None),
    // The last eight weeks' matters, closed on time: what the red list honours.
    (
        1,
        "二期用地规划条件核定",
        "land",
        "zrzyj",
        -48,
        Closing::Done(-50),
        None,
    ),
    (
        1,
        "二期项目备案变更",
        "planning_approval",
        "xzsp",
        -33,
        Closing::Done(-35),
        None,
    ),
    (
        1,
        "增值税留抵退税办理",
        "finance_tax",
        "swj",
        -19,
        Closing::Done(-19),
        None,
    ),
    (1, "二期临时用电接入", "utilities", "gdgs", -6, Closing::Done(-8), None),
    (
        0,
        "三期技改项目节能审查",
        "environment_energy",
        "fgw",
        -41,
        Closing::Done(-42),
        None,
    ),
    (
        0,
        "危险废物贮存设施验收",
        "environment_energy",
        "sthj",
        -27,
        Closing::Done(-27),
        None,
    ),
    (
        0,
        "厂区道路改造施工许可",
        "construction",
        "zjj",
        -12,
        Closing::Done(-13),
        None,
    ),
];

/// Loads the demo dataset into an empty database and marks it as a demo.
pub async fn seed(pool: &PgPool) -> anyhow::Result<()> {
    let today = settings::load(pool).await?.today();
    let hash = password::hash(DEMO_PASSWORD).await?;
    let mut tx = pool.begin().await?;
    let occupied: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM projects) OR EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM units)",
    )
    .fetch_one(&mut *tx)
    .await?;
    if occupied {
        bail!("the database already holds data; the demo dataset only goes into an empty database");
    }
    let day = |offset: i64| -> NaiveDate {
        if offset >= 0 {
            today.checked_add_days(Days::new(offset as u64)).unwrap_or(today)
        } else {
            today
                .checked_sub_days(Days::new(offset.unsigned_abs()))
                .unwrap_or(today)
        }
    };
    for (code, name) in UNITS {
        sqlx::query("INSERT INTO units (code, name) VALUES ($1, $2)")
            .bind(code)
            .bind(name)
            .execute(&mut *tx)
            .await?;
    }
    insert_template(&mut tx).await?;
    let users = insert_users(&mut tx, &hash).await?;
    let mut project_ids = Vec::new();
    for p in PROJECTS {
        project_ids.push(insert_project(&mut tx, p, &day, users.official).await?);
    }
    // The lead is liaison of the Qixiang and the CNNC task forces; the investor is Qixiang.
    for (project, duty) in [(4, "liaison"), (3, "liaison")] {
        sqlx::query(
            "INSERT INTO task_force_members (task_force_id, user_id, duty)
             SELECT id, $2, $3 FROM task_forces WHERE project_id = $1",
        )
        .bind(project_ids[project])
        .bind(users.lead)
        .bind(duty)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("INSERT INTO investor_projects (user_id, project_id) VALUES ($1, $2)")
        .bind(users.investor)
        .bind(project_ids[4])
        .execute(&mut *tx)
        .await?;
    for (project, title, category, unit, deadline, closing, note) in ITEMS {
        let (state, closed_on, cancel_reason, closing_note) = match closing {
            Closing::Open => ("open", None, None, None),
            Closing::Done(offset) => ("done", Some(day(*offset)), None, Some("已办结。")),
            Closing::Cancelled(reason) => ("cancelled", Some(day(*deadline - 10)), Some(*reason), None),
        };
        sqlx::query(
            // Recorded three months before their deadline (or now), so last week's snapshot has them.
            "INSERT INTO checklist_items (project_id, title, category, responsible_unit_id, deadline,
                 original_deadline, state, note, closing_note, cancel_reason, closed_on, closed_at, created_by, created_at)
             SELECT $1, $2, $3, u.id, $5, $5, $6, $7, $8, $9, $10, $10::timestamp AT TIME ZONE 'Asia/Shanghai', $11,
                    least(now(), ($5::date - 90)::timestamp AT TIME ZONE 'Asia/Shanghai')
             FROM units u WHERE u.code = $4",
        )
        .bind(project_ids[*project])
        .bind(title)
        .bind(category)
        .bind(unit)
        .bind(day(*deadline))
        .bind(state)
        .bind(note)
        .bind(closing_note)
        .bind(cancel_reason)
        .bind(closed_on)
        .bind(users.official)
        .execute(&mut *tx)
        .await?;
    }
    insert_meetings(&mut tx, &project_ids, &day, &users).await?;
    insert_requests(&mut tx, project_ids[4], &day, &users).await?;
    insert_investment(&mut tx, &project_ids, today, &users).await?;
    // The demo shows its public page (a county turns it on in the settings).
    sqlx::query("UPDATE settings SET demo_seeded_at = now(), public_disclosure = 1")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Each project's year plan (万元), where it stands against the time line (points) through the
/// month being reported, and the month construction was planned to start; 祺祥 has reported up
/// to the month before and its investor drafted the month being reported, for the lead to file.
const PLANS: [(i64, f64, Option<i32>); 5] = [
    (8_000, 12.0, None),
    (15_000, -5.0, Some(3)),
    (12_000, -35.0, Some(4)),
    (20_000, -20.0, Some(8)),
    (36_000, 0.0, Some(2)),
];

/// Plans of the year of the month being reported, and confirmed reports through it, so that every
/// investment colour shows.
async fn insert_investment(
    tx: &mut PgConnection,
    project_ids: &[Uuid],
    today: NaiveDate,
    users: &DemoUsers,
) -> anyhow::Result<()> {
    let month = reporting_month(today);
    let m = i64::from(month.number());
    for (i, (annual, points, start)) in PLANS.iter().enumerate() {
        let project = project_ids[i];
        sqlx::query(
            "INSERT INTO investment_plans (project_id, year, annual, planned_start_month, updated_by)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(project)
        .bind(month.year())
        .bind(*annual as f64)
        .bind(start)
        .bind(users.official)
        .execute(&mut *tx)
        .await?;
        // 祺祥 has the month being reported still to file.
        let reported = if i == 4 { m - 1 } else { m };
        let share = (m as f64 / 12.0 + points / 100.0).max(0.0) * reported as f64 / m as f64;
        let total = (*annual as f64 * share * 100.0).round() as i64;
        for n in 1..=reported {
            // Even months, the remainder in the last one (in hundredths of 万元).
            let amount = total / reported + if n == reported { total % reported } else { 0 };
            let first = Month::new(month.year(), n as u32).map(Month::first_day);
            sqlx::query(
                "INSERT INTO monthly_reports (project_id, month, completed, progress, confirmed, drafted_by,
                                              confirmed_by, confirmed_at)
                 VALUES ($1, $2, $3::numeric / 100, $4, true, $5, $5, now())",
            )
            .bind(project)
            .bind(first)
            .bind(amount)
            .bind(format!("按计划推进（{n}月）"))
            .bind(users.lead)
            .execute(&mut *tx)
            .await?;
        }
    }
    sqlx::query(
        "INSERT INTO monthly_reports (project_id, month, completed, progress, problems, drafted_by)
         VALUES ($1, $2, 2800, '二期主体厂房封顶，设备基础施工中', '110kV 专线接入待供电公司批复', $3)",
    )
    .bind(project_ids[4])
    .bind(month.first_day())
    .bind(users.investor)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

struct DemoUsers {
    official: Uuid,
    lead: Uuid,
    investor: Uuid,
}

async fn insert_template(tx: &mut PgConnection) -> anyhow::Result<()> {
    let id: Uuid =
        sqlx::query_scalar("INSERT INTO checklist_templates (name, description) VALUES ($1, $2) RETURNING id")
            .bind(NEW_PLANT_TEMPLATE)
            .bind("新供地新建厂房的工业项目：从备案到竣工验收的常规手续，期限按项目开始后的天数计。")
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query(
        "INSERT INTO checklist_template_lines (template_id, position, title, category, unit_id, offset_days)
         SELECT $1, x.n, x.title, x.category, u.id, x.offset_days
         FROM unnest($2::text[], $3::text[], $4::text[], $5::int[]) WITH ORDINALITY AS x (title, category, code, offset_days, n)
         JOIN units u ON u.code = x.code",
    )
    .bind(id)
    .bind(NEW_PLANT_LINES.iter().map(|l| l.0).collect::<Vec<_>>())
    .bind(NEW_PLANT_LINES.iter().map(|l| l.1).collect::<Vec<_>>())
    .bind(NEW_PLANT_LINES.iter().map(|l| l.2).collect::<Vec<_>>())
    .bind(NEW_PLANT_LINES.iter().map(|l| l.3).collect::<Vec<_>>())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The demo accounts, one per role: (username, display name, role, unit).
pub const ACCOUNTS: &[(&str, &str, Role, Option<&str>)] = &[
    ("admin", "系统管理员", Role::Admin, None),
    ("official", "张华（县工信局项目办）", Role::Official, Some("gxj")),
    ("lead", "刘洋（专班联络员）", Role::Lead, Some("gyyq")),
    ("member", "黄丽（县自然资源局）", Role::Member, Some("zrzyj")),
    ("investor", "钱勇（祺祥新能源）", Role::Investor, None),
];

async fn insert_users(tx: &mut PgConnection, hash: &str) -> anyhow::Result<DemoUsers> {
    let mut ids = Vec::new();
    for (username, name, role, unit) in ACCOUNTS {
        let id: Uuid = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, role, unit_id, password_hash)
             VALUES ($1, $2, $3, (SELECT id FROM units WHERE code = $4), $5) RETURNING id",
        )
        .bind(username)
        .bind(name)
        .bind(role.as_str())
        .bind(unit)
        .bind(hash)
        .fetch_one(&mut *tx)
        .await?;
        ids.push(id);
    }
    Ok(DemoUsers {
        official: ids[1],
        lead: ids[2],
        investor: ids[4],
    })
}

async fn insert_project(
    tx: &mut PgConnection,
    p: &DemoProject,
    day: &impl Fn(i64) -> NaiveDate,
    official: Uuid,
) -> anyhow::Result<Uuid> {
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO projects (name, company, park, industry, investment_code, total_investment_wan, stage, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(p.name)
    .bind(p.company)
    .bind(p.park)
    .bind(p.industry)
    .bind(p.code)
    .bind(p.investment_wan)
    .bind(p.stage.as_str())
    .bind(official)
    .fetch_one(&mut *tx)
    .await?;
    for (stage, planned, actual) in p.dates {
        sqlx::query(
            "INSERT INTO project_stage_dates (project_id, stage, planned_on, actual_on) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(stage.as_str())
        .bind(planned.map(day))
        .bind(actual.map(day))
        .execute(&mut *tx)
        .await?;
    }
    let task_force: Uuid = sqlx::query_scalar(
        "INSERT INTO task_forces (project_id, name, leader_name, lead_unit_id)
         SELECT $1, $2, $3, id FROM units WHERE code = $4 RETURNING id",
    )
    .bind(id)
    .bind(format!("{}服务专班", p.name))
    .bind(p.leader)
    .bind(p.lead_unit)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO task_force_units (task_force_id, unit_id) SELECT $1, id FROM units WHERE code = ANY($2)")
        .bind(task_force)
        .bind(p.members)
        .execute(&mut *tx)
        .await?;
    audit::record(
        tx,
        Entry {
            actor: Actor::System("demo"),
            action: "project.create",
            entity: "project",
            entity_id: Some(id),
            project_id: Some(id),
            before: None,
            after: Some(json!({ "name": p.name, "company": p.company, "stage": p.stage })),
        },
    )
    .await?;
    Ok(id)
}

/// A weekly dispatch a week ago (held, with a decision that became an item) and the next one.
async fn insert_meetings(
    tx: &mut PgConnection,
    projects: &[Uuid],
    day: &impl Fn(i64) -> NaiveDate,
    users: &DemoUsers,
) -> anyhow::Result<()> {
    let at = |offset: i64, hour: u32| {
        let local = day(offset).and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default());
        chrono_tz::Asia::Shanghai
            .from_local_datetime(&local)
            .single()
            .map(|t| t.to_utc())
    };
    let past: Uuid = sqlx::query_scalar(
        "INSERT INTO meetings (kind, title, starts_at, place, chair_name, state, minutes, created_by)
         VALUES ('weekly', '重点工业项目每周调度会', $1, '县政府三楼会议室', '县长 周海峰', 'held',
                 '听取五个专班推进情况汇报；中核南方项目监测方案备案已逾期，责成市生态环境局崇义分局限期办结。', $2)
         RETURNING id",
    )
    .bind(at(-7, 9))
    .bind(users.official)
    .fetch_one(&mut *tx)
    .await?;
    let next: Uuid = sqlx::query_scalar(
        "INSERT INTO meetings (kind, title, starts_at, place, chair_name, created_by)
         VALUES ('weekly', '重点工业项目每周调度会', $1, '县政府三楼会议室', '县长 周海峰', $2) RETURNING id",
    )
    .bind(at(7, 9))
    .bind(users.official)
    .fetch_one(&mut *tx)
    .await?;
    let onsite: Uuid = sqlx::query_scalar(
        "INSERT INTO meetings (kind, title, starts_at, place, chair_name, created_by)
         VALUES ('onsite', '祺祥新能源项目现场调度', $1, '龙勾工业园项目现场', '县长 周海峰', $2) RETURNING id",
    )
    .bind(at(2, 15))
    .bind(users.official)
    .fetch_one(&mut *tx)
    .await?;
    for meeting in [past, next] {
        for (position, project) in projects.iter().enumerate() {
            sqlx::query("INSERT INTO meeting_projects (meeting_id, project_id, position) VALUES ($1, $2, $3)")
                .bind(meeting)
                .bind(project)
                .bind(position as i32)
                .execute(&mut *tx)
                .await?;
        }
    }
    sqlx::query("INSERT INTO meeting_projects (meeting_id, project_id, position) VALUES ($1, $2, 0)")
        .bind(onsite)
        .bind(projects[4])
        .execute(&mut *tx)
        .await?;
    let decision: Uuid = sqlx::query_scalar(
        "INSERT INTO checklist_items (project_id, title, category, responsible_unit_id, deadline, original_deadline,
             source, meeting_id, created_by)
         SELECT $1, '补正监测方案并报省厅复核', 'environment_energy', id, $2, $2, 'meeting_decision', $3, $4
         FROM units WHERE code = 'sthj' RETURNING id",
    )
    .bind(projects[3])
    .bind(day(5))
    .bind(past)
    .bind(users.official)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO meeting_decisions (meeting_id, project_id, item_id) VALUES ($1, $2, $3)")
        .bind(past)
        .bind(projects[3])
        .bind(decision)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The Qixiang investor's requests in every state: one accepted and overdue on its promise (its
/// item open, with an update for the investor), one resolved and rated, one declined with a
/// reason, one waiting for triage.
async fn insert_requests(
    tx: &mut PgConnection,
    project: Uuid,
    day: &impl Fn(i64) -> NaiveDate,
    users: &DemoUsers,
) -> anyhow::Result<()> {
    let accepted: Uuid = sqlx::query_scalar(
        "INSERT INTO investor_requests (project_id, submitted_by, title, category, wished_on, state, triaged_by,
             triaged_at, created_at)
         VALUES ($1, $2, '协调办理进场道路临时占用手续', 'construction', $3, 'accepted', $4, now() - interval '9 days',
                 now() - interval '10 days') RETURNING id",
    )
    .bind(project)
    .bind(users.investor)
    .bind(day(5))
    .bind(users.lead)
    .fetch_one(&mut *tx)
    .await?;
    let item: Uuid = sqlx::query_scalar(
        "INSERT INTO checklist_items (project_id, title, category, responsible_unit_id, deadline, original_deadline,
             source, investor_request_id, created_by)
         SELECT $1, '进场道路临时占用审批（帮办代办）', 'construction', id, $2, $2, 'investor_request', $3, $4
         FROM units WHERE code = 'zjj' RETURNING id",
    )
    .bind(project)
    .bind(day(6))
    .bind(accepted)
    .bind(users.lead)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO progress_updates (item_id, project_id, author_id, body, for_investor, created_at)
         VALUES ($1, $2, $3, '已与县住建局对接，占道审批材料已受理，正在会同交警部门现场踏勘。', true,
                 now() - interval '6 days')",
    )
    .bind(item)
    .bind(project)
    .bind(users.lead)
    .execute(&mut *tx)
    .await?;

    let resolved: Uuid = sqlx::query_scalar(
        "INSERT INTO investor_requests (project_id, submitted_by, title, body, category, state, triaged_by, triaged_at,
             created_at, rating, rating_comment, rated_at)
         VALUES ($1, $2, '协调接入施工临时用电', '项目一期土建开工在即，需要 630kVA 临时用电。', 'utilities',
                 'accepted', $3, now() - interval '40 days', now() - interval '41 days', 5,
                 '供电所上门服务，三天就接上了临时电。', now() - interval '35 days') RETURNING id",
    )
    .bind(project)
    .bind(users.investor)
    .bind(users.lead)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO checklist_items (project_id, title, category, responsible_unit_id, deadline, original_deadline,
             source, investor_request_id, created_by, state, closing_note, closed_on, closed_at, closed_by, created_at)
         SELECT $1, '施工临时用电接入（帮办代办）', 'utilities', id, $2, $2, 'investor_request', $3, $4, 'done',
                '630kVA 临时变压器已投运。', $5, now() - interval '37 days', $4, now() - interval '40 days'
         FROM units WHERE code = 'gdgs'",
    )
    .bind(project)
    .bind(day(-35))
    .bind(resolved)
    .bind(users.lead)
    .bind(day(-37))
    .execute(&mut *tx)
    .await?;

    sqlx::query(
        "INSERT INTO investor_requests (project_id, submitted_by, title, category, state, triaged_by, triaged_at,
             decline_reason, created_at)
         VALUES ($1, $2, '申请减免城市基础设施配套费', 'finance_tax', 'declined', $3, now() - interval '19 days',
                 '配套费减免不属于县级事权，专班已协助企业按省级政策准备申报材料。', now() - interval '20 days')",
    )
    .bind(project)
    .bind(users.investor)
    .bind(users.official)
    .execute(&mut *tx)
    .await?;

    sqlx::query(
        "INSERT INTO investor_requests (project_id, submitted_by, title, body, category, wished_on, created_at)
         VALUES ($1, $2, '申请协调员工宿舍配套用地', '二期员工约 300 人，希望园区统筹宿舍用地。', 'land', $3,
                 now() - interval '6 days')",
    )
    .bind(project)
    .bind(users.investor)
    .bind(day(30))
    .execute(&mut *tx)
    .await?;
    Ok(())
}
