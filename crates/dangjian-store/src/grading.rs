//! 达标定级: versions of the standard (kept as the domain's JSON), a branch's assessment
//! per year with its sheets, the grade history and the 退出机制's removals with their
//! rectification items. The flow's rules are in `dangjian_domain::eval::grading`; every
//! stage change here is a compare-and-set on the stage, so two reviewers clicking at once
//! cannot both move it, and a stage change writes its sheet in the same transaction.

use dangjian_domain::eval::{
    grading::{CheckKind, Grade, GradeBands, HeldGrade, exit_check},
    round_score,
    standard::{ItemInput, SheetEntry, SheetScore},
};
use serde::Serialize;
use time::{Date, macros::format_description};

use crate::{Backend, Db, Result, StoreError, on_pool, write_tx};

/// A stored version of the standard.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct StandardRow {
    pub id: i64,
    pub code: String,
    pub version: i64,
    pub body: String,
}

/// The newest version of the standard `code`.
pub async fn latest_standard(db: &Db, code: &str) -> Result<Option<StandardRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, StandardRow>(
        "SELECT id, code, version, body FROM grading_standards WHERE code = $1 ORDER BY version DESC LIMIT 1"
    )
    .bind(code)
    .fetch_optional(p)
    .await)?)
}

pub async fn standard(db: &Db, id: i64) -> Result<StandardRow> {
    on_pool!(db, |p| sqlx::query_as::<_, StandardRow>(
        "SELECT id, code, version, body FROM grading_standards WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(p)
    .await)?
    .ok_or(StoreError::NotFound)
}

/// Stores a new version; the same code and version twice is a `Conflict`.
pub async fn insert_standard(db: &Db, code: &str, version: i64, body: &str, by: Option<i64>, now: i64) -> Result<i64> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
        "INSERT INTO grading_standards (code, version, body, created_by, created_at) VALUES ($1, $2, $3, $4, $5) \
         RETURNING id"
    )
    .bind(code)
    .bind(version)
    .bind(body)
    .bind(by)
    .bind(now)
    .fetch_one(p)
    .await)?)
}

/// One branch's assessment for a year.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct AssessmentRow {
    pub id: i64,
    pub org_id: i64,
    pub year: i32,
    pub check_kind: String,
    pub standard_id: i64,
    pub stage: String,
    pub self_total: Option<String>,
    pub preliminary_total: Option<String>,
    pub reviewed_total: Option<String>,
    pub grade: Option<String>,
    pub notice_from: Option<String>,
    pub notice_to: Option<String>,
    pub return_reason: String,
}

const ASSESSMENT: &str = "SELECT id, org_id, year, check_kind, standard_id, stage, self_total, preliminary_total, \
                          reviewed_total, grade, notice_from, notice_to, return_reason FROM grading_assessments";

pub async fn assessment(db: &Db, id: i64) -> Result<AssessmentRow> {
    let sql = sqlx::AssertSqlSafe(format!("{ASSESSMENT} WHERE id = $1"));
    on_pool!(db, |p| sqlx::query_as::<_, AssessmentRow>(sql).bind(id).fetch_optional(p).await)?
        .ok_or(StoreError::NotFound)
}

/// The branch's assessment of `year` and kind, if one was opened.
pub async fn assessment_for(db: &Db, org_id: i64, year: i32, check_kind: &str) -> Result<Option<AssessmentRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{ASSESSMENT} WHERE org_id = $1 AND year = $2 AND check_kind = $3"));
    Ok(on_pool!(db, |p| sqlx::query_as::<_, AssessmentRow>(sql)
        .bind(org_id)
        .bind(year)
        .bind(check_kind)
        .fetch_optional(p)
        .await)?)
}

/// Every assessment of a year, for the review lists and statistics.
pub async fn assessments_in_year(db: &Db, year: i32) -> Result<Vec<AssessmentRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{ASSESSMENT} WHERE year = $1 ORDER BY org_id, check_kind"));
    Ok(on_pool!(db, |p| sqlx::query_as::<_, AssessmentRow>(sql).bind(year).fetch_all(p).await)?)
}

/// Every assessment of a branch, newest first.
pub async fn assessments_of(db: &Db, org_id: i64) -> Result<Vec<AssessmentRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{ASSESSMENT} WHERE org_id = $1 ORDER BY year DESC, id DESC"));
    Ok(on_pool!(db, |p| sqlx::query_as::<_, AssessmentRow>(sql).bind(org_id).fetch_all(p).await)?)
}

/// Opens the branch's assessment for a year (or returns the one already open).
pub async fn open_assessment(
    db: &Db,
    org_id: i64,
    year: i32,
    check_kind: &str,
    standard_id: i64,
    now: i64,
) -> Result<AssessmentRow> {
    let inserted = on_pool!(db, |p| {
        sqlx::query(
        "INSERT INTO grading_assessments (org_id, year, check_kind, standard_id, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (org_id, year, check_kind) DO NOTHING"
    )
    .bind(org_id)
    .bind(year)
    .bind(check_kind)
    .bind(standard_id)
    .bind(now)
    .execute(p)
    .await
    .map(|_| ())
    });
    inserted?;
    assessment_for(db, org_id, year, check_kind).await?.ok_or(StoreError::NotFound)
}

/// One line of a sheet. `input_kind` is `manual`, `measured` or `veto`.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct EntryRow {
    pub item: String,
    pub input_kind: String,
    pub value: String,
    pub evidence: String,
    pub note: String,
}

impl EntryRow {
    /// A domain sheet line as it is stored (evidence one item per line).
    pub fn from_entry(e: &SheetEntry) -> EntryRow {
        let (kind, value) = match &e.input {
            ItemInput::Veto(v) => ("veto", v.to_string()),
            ItemInput::Measured(v) => ("measured", v.to_string()),
            ItemInput::Manual(v) => ("manual", v.to_string()),
        };
        EntryRow {
            item: e.item.clone(),
            input_kind: kind.into(),
            value,
            evidence: e.evidence.join("\n"),
            note: e.note.clone(),
        }
    }

    /// The stored line as the domain's (the inverse of [`EntryRow::from_entry`]); `None`
    /// when the value no longer parses.
    pub fn to_entry(&self) -> Option<SheetEntry> {
        let input = match self.input_kind.as_str() {
            "veto" => ItemInput::Veto(self.value == "true"),
            "measured" => ItemInput::Measured(self.value.parse().ok()?),
            _ => ItemInput::Manual(self.value.parse().ok()?),
        };
        Some(SheetEntry {
            item: self.item.clone(),
            input,
            evidence: self.evidence.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect(),
            note: self.note.clone(),
        })
    }
}

/// The sheet of one level (`self`, `preliminary`, `reviewed`), in item order of entry.
pub async fn entries(db: &Db, assessment_id: i64, level: &str) -> Result<Vec<EntryRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, EntryRow>(
        "SELECT item, input_kind, value, evidence, note FROM grading_entries WHERE assessment_id = $1 AND level = $2 \
         ORDER BY item"
    )
    .bind(assessment_id)
    .bind(level)
    .fetch_all(p)
    .await)?)
}

/// What a stage change writes besides the stage.
#[derive(Debug, Clone, Default)]
pub struct FlowUpdate {
    pub stage: String,
    pub self_total: Option<String>,
    pub preliminary_total: Option<String>,
    pub reviewed_total: Option<String>,
    pub grade: Option<String>,
    pub notice_from: Option<String>,
    pub notice_to: Option<String>,
    pub return_reason: String,
    /// The sheet to store with the change: (level, lines), replacing that level's lines.
    pub sheet: Option<(String, Vec<EntryRow>)>,
}

/// A grade given on finalising, and the removal it caused, if any.
#[derive(Debug, Clone)]
pub struct FinalGrade {
    pub on_date: String,
    pub grade: String,
    pub four_strong: bool,
    pub total: String,
    pub removal: Option<NewRemoval>,
}

impl FinalGrade {
    /// What 定级 on `on` writes: the sheet's grade and its rounded total (the figure the
    /// bands were checked against), 四强 kept only while the branch holds it and stays at
    /// 达标 or above, and the 退出机制's removal with its rectification items when the grade
    /// falls below the one last held. The review page and the demo both end assessments here.
    pub fn decide(held: &[HeldGrade], score: &SheetScore, bands: &GradeBands, on: Date) -> FinalGrade {
        FinalGrade::decide_check(CheckKind::Annual, held, score, bands, on)
    }

    /// [`FinalGrade::decide`] for a given kind of check, so a spot check's removal is
    /// recorded as one (and `transition` writes a history row for it only on a removal).
    pub fn decide_check(
        check: CheckKind,
        held: &[HeldGrade],
        score: &SheetScore,
        bands: &GradeBands,
        on: Date,
    ) -> FinalGrade {
        let removal = exit_check(held, check, on, score, bands);
        FinalGrade {
            on_date: on.format(format_description!("[year]-[month]-[day]")).unwrap_or_default(),
            grade: score.grade.code().into(),
            four_strong: held.last().is_some_and(|h| h.four_strong) && score.grade >= Grade::Standard,
            total: round_score(score.total).to_string(),
            removal: removal.map(|r| NewRemoval {
                check_kind: r.check.code().into(),
                from_grade: r.from.code().into(),
                to_grade: r.to.code().into(),
                four_strong_revoked: r.four_strong_revoked,
                reasons: r.reasons.iter().map(|x| x.to_string()).collect::<Vec<_>>().join("\n"),
                rectifications: r
                    .rectification
                    .iter()
                    .map(|x| NewRectification {
                        aspect: x.aspect.clone(),
                        item: x.item.clone(),
                        name: x.name.clone(),
                        lost: x.lost.to_string(),
                        vetoed: x.vetoed,
                        note: x.note.clone(),
                    })
                    .collect(),
            }),
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewRemoval {
    pub check_kind: String,
    pub from_grade: String,
    pub to_grade: String,
    pub four_strong_revoked: bool,
    /// One reason per line.
    pub reasons: String,
    pub rectifications: Vec<NewRectification>,
}

#[derive(Debug, Clone)]
pub struct NewRectification {
    pub aspect: String,
    pub item: String,
    pub name: String,
    pub lost: String,
    pub vetoed: bool,
    pub note: String,
}

/// Moves an assessment from `from_stage` to the update's stage, writing its sheet, and on
/// the final step its grade and removal, all in one transaction. Another change since
/// the page was read is a `Conflict`.
pub async fn transition(
    db: &Db,
    id: i64,
    from_stage: &str,
    u: &FlowUpdate,
    final_grade: Option<&FinalGrade>,
    now: i64,
) -> Result<()> {
    let lock = db.backend() == Backend::Postgres;
    write_tx!(db, |conn| {
        let done = sqlx::query(
            "UPDATE grading_assessments SET stage = $1, self_total = $2, preliminary_total = $3, reviewed_total = $4, \
             grade = $5, notice_from = $6, notice_to = $7, return_reason = $8, updated_at = $9 \
             WHERE id = $10 AND stage = $11",
        )
        .bind(&u.stage)
        .bind(&u.self_total)
        .bind(&u.preliminary_total)
        .bind(&u.reviewed_total)
        .bind(&u.grade)
        .bind(&u.notice_from)
        .bind(&u.notice_to)
        .bind(&u.return_reason)
        .bind(now)
        .bind(id)
        .bind(from_stage)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if done == 0 {
            return Err(StoreError::Conflict("该考评已被他人处理".into()));
        }
        if let Some((level, lines)) = &u.sheet {
            sqlx::query("DELETE FROM grading_entries WHERE assessment_id = $1 AND level = $2")
                .bind(id)
                .bind(level)
                .execute(&mut *conn)
                .await?;
            for e in lines {
                sqlx::query(
                    "INSERT INTO grading_entries (assessment_id, level, item, input_kind, value, evidence, note) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(id)
                .bind(level)
                .bind(&e.item)
                .bind(&e.input_kind)
                .bind(&e.value)
                .bind(&e.evidence)
                .bind(&e.note)
                .execute(&mut *conn)
                .await?;
            }
        }
        if let Some(f) = final_grade {
            let (org_id, year, check_kind): (i64, i32, String) =
                sqlx::query_as("SELECT org_id, year, check_kind FROM grading_assessments WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *conn)
                    .await?;
            // Serialises grade rows per branch with `set_four_strong` on PostgreSQL.
            if lock {
                sqlx::query("SELECT id FROM organisations WHERE id = $1 FOR UPDATE")
                    .bind(org_id)
                    .execute(&mut *conn)
                    .await?;
            }
            // A spot check changes the held grade only when it removes or lowers it.
            if check_kind == "annual" || f.removal.is_some() {
                sqlx::query(
                    "INSERT INTO branch_grades (org_id, year, on_date, grade, four_strong, total, assessment_id, \
                     created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(org_id)
                .bind(year)
                .bind(&f.on_date)
                .bind(&f.grade)
                .bind(f.four_strong)
                .bind(&f.total)
                .bind(id)
                .bind(now)
                .execute(&mut *conn)
                .await?;
            }
            if let Some(r) = &f.removal {
                let rid: i64 = sqlx::query_scalar(
                    "INSERT INTO grade_removals (org_id, assessment_id, on_date, check_kind, from_grade, to_grade, \
                     four_strong_revoked, reasons, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(org_id)
                .bind(id)
                .bind(&f.on_date)
                .bind(&r.check_kind)
                .bind(&r.from_grade)
                .bind(&r.to_grade)
                .bind(r.four_strong_revoked)
                .bind(&r.reasons)
                .bind(now)
                .fetch_one(&mut *conn)
                .await?;
                for x in &r.rectifications {
                    sqlx::query(
                        "INSERT INTO grade_rectifications (removal_id, aspect, item, name, lost, vetoed, note) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(rid)
                    .bind(&x.aspect)
                    .bind(&x.item)
                    .bind(&x.name)
                    .bind(&x.lost)
                    .bind(x.vetoed)
                    .bind(&x.note)
                    .execute(&mut *conn)
                    .await?;
                }
            }
        }
        Ok::<_, StoreError>(())
    })
}

/// Replaces the branch's draft self-assessment sheet while it is still a draft.
pub async fn save_draft(db: &Db, id: i64, lines: &[EntryRow], now: i64) -> Result<()> {
    save_draft_sheet(db, id, "self", "自评已提交，不能再修改", lines, now).await
}

/// Replaces a spot check's sheet while it is still being scored: the inspection team fills
/// it over several visits and concludes it once (`transition` then replaces it again).
pub async fn save_spot_check_draft(db: &Db, id: i64, lines: &[EntryRow], now: i64) -> Result<()> {
    save_draft_sheet(db, id, "reviewed", "该抽查已完成，不能再修改", lines, now).await
}

/// The sheet of `level` replaced in one transaction, only while the assessment is a draft;
/// otherwise a `Conflict` with `done_message` and nothing written.
async fn save_draft_sheet(
    db: &Db,
    id: i64,
    level: &'static str,
    done_message: &'static str,
    lines: &[EntryRow],
    now: i64,
) -> Result<()> {
    write_tx!(db, |conn| {
        let done = sqlx::query("UPDATE grading_assessments SET updated_at = $1 WHERE id = $2 AND stage = 'draft'")
            .bind(now)
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        if done == 0 {
            return Err(StoreError::Conflict(done_message.into()));
        }
        sqlx::query("DELETE FROM grading_entries WHERE assessment_id = $1 AND level = $2")
            .bind(id)
            .bind(level)
            .execute(&mut *conn)
            .await?;
        for e in lines {
            sqlx::query(
                "INSERT INTO grading_entries (assessment_id, level, item, input_kind, value, evidence, note) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(level)
            .bind(&e.item)
            .bind(&e.input_kind)
            .bind(&e.value)
            .bind(&e.evidence)
            .bind(&e.note)
            .execute(&mut *conn)
            .await?;
        }
        Ok::<_, StoreError>(())
    })
}

/// A grade the branch was given.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct GradeRow {
    pub id: i64,
    pub org_id: i64,
    pub year: i32,
    pub on_date: String,
    pub grade: String,
    pub four_strong: bool,
    pub total: String,
    /// Why the row was written when no assessment explains it (四强 designation).
    pub note: String,
}

/// A branch's grades, oldest first (the last is what it holds).
pub async fn history(db: &Db, org_id: i64) -> Result<Vec<GradeRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, GradeRow>(
        "SELECT id, org_id, year, on_date, grade, four_strong, total, note FROM branch_grades WHERE org_id = $1 \
         ORDER BY id"
    )
    .bind(org_id)
    .fetch_all(p)
    .await)?)
}

/// Every grade given, oldest first, for the statistics.
pub async fn all_grades(db: &Db) -> Result<Vec<GradeRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, GradeRow>(
        "SELECT id, org_id, year, on_date, grade, four_strong, total, note FROM branch_grades ORDER BY id"
    )
    .fetch_all(p)
    .await)?)
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct RemovalRow {
    pub id: i64,
    pub org_id: i64,
    /// The assessment (annual or spot check) that removed the grade.
    pub assessment_id: Option<i64>,
    pub on_date: String,
    pub check_kind: String,
    pub from_grade: String,
    pub to_grade: String,
    pub four_strong_revoked: bool,
    pub reasons: String,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct RectificationRow {
    pub id: i64,
    pub removal_id: i64,
    pub aspect: String,
    pub item: String,
    pub name: String,
    pub lost: String,
    pub vetoed: bool,
    pub note: String,
    pub status: String,
    pub done_note: String,
}

/// A branch's removals, newest first, each with its rectification items.
pub async fn removals(db: &Db, org_id: i64) -> Result<Vec<(RemovalRow, Vec<RectificationRow>)>> {
    let rows = on_pool!(db, |p| sqlx::query_as::<_, RemovalRow>(
        "SELECT id, org_id, assessment_id, on_date, check_kind, from_grade, to_grade, four_strong_revoked, reasons \
         FROM grade_removals WHERE org_id = $1 ORDER BY id DESC"
    )
    .bind(org_id)
    .fetch_all(p)
    .await)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let items = on_pool!(db, |p| sqlx::query_as::<_, RectificationRow>(
            "SELECT id, removal_id, aspect, item, name, lost, vetoed, note, status, done_note \
             FROM grade_rectifications WHERE removal_id = $1 ORDER BY id"
        )
        .bind(r.id)
        .fetch_all(p)
        .await)?;
        out.push((r, items));
    }
    Ok(out)
}

/// Marks a rectification item done (once) with what was done; `org_id` must own it.
pub async fn close_rectification(db: &Db, org_id: i64, id: i64, note: &str) -> Result<()> {
    let done = on_pool!(db, |p| sqlx::query(
        "UPDATE grade_rectifications SET status = 'done', done_note = $1 WHERE id = $2 AND status = 'open' \
         AND removal_id IN (SELECT id FROM grade_removals WHERE org_id = $3)"
    )
    .bind(note)
    .bind(id)
    .bind(org_id)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::Conflict("该整改事项不存在或已完成".into()));
    }
    Ok(())
}

/// A grade held from before the platform (an earlier round on paper).
#[derive(Debug, Clone)]
pub struct EarlierGrade {
    pub org_id: i64,
    pub year: i32,
    pub on_date: String,
    pub grade: String,
    pub four_strong: bool,
    pub total: String,
}

/// Records an earlier grade: a history row without an assessment.
pub async fn record_grade(db: &Db, g: &EarlierGrade, now: i64) -> Result<i64> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
        "INSERT INTO branch_grades (org_id, year, on_date, grade, four_strong, total, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
    )
    .bind(g.org_id)
    .bind(g.year)
    .bind(&g.on_date)
    .bind(&g.grade)
    .bind(g.four_strong)
    .bind(&g.total)
    .bind(now)
    .fetch_one(p)
    .await)?)
}

/// A 四强 designation or revocation: a history row with the held grade, the new flag and
/// the reason. `held` is the row the decision was made on; if another row was written since
/// (a spot check, another officer), this is a `Conflict` and nothing is written.
/// SQLite's `BEGIN IMMEDIATE` makes the check and the insert one step, and on PostgreSQL
/// the branch's organisation row is locked first, as `transition` does
/// before it writes a grade, so a concurrent 定级 or spot check is seen.
pub async fn set_four_strong(
    db: &Db,
    held: &GradeRow,
    four_strong: bool,
    on_date: &str,
    note: &str,
    now: i64,
) -> Result<i64> {
    let (org_id, after) = (held.org_id, held.id);
    let lock = db.backend() == Backend::Postgres;
    write_tx!(db, |conn| {
        if lock {
            sqlx::query("SELECT id FROM organisations WHERE id = $1 FOR UPDATE")
                .bind(org_id)
                .execute(&mut *conn)
                .await?;
        }
        let last: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM branch_grades WHERE org_id = $1")
            .bind(org_id)
            .fetch_one(&mut *conn)
            .await?;
        if last != Some(after) {
            return Err(StoreError::Conflict("该支部的等次已有变化，请查看最新状态".into()));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO branch_grades (org_id, year, on_date, grade, four_strong, total, note, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(org_id)
        .bind(held.year)
        .bind(on_date)
        .bind(&held.grade)
        .bind(four_strong)
        .bind(&held.total)
        .bind(note)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
        Ok::<_, StoreError>(id)
    })
}
