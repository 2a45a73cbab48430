//! The 党员量化评议指数 of many members at once, for pages outside the points module that
//! need it as an input (the 党建考核 日常得分 taken from records). The same parts and
//! configuration as a member's own page, so both show the same number.

use std::collections::BTreeMap;

use dangjian_domain::eval::{member_index::MemberIndex, points::balances};
use dangjian_store::{members, points as pstore};
use rust_decimal::Decimal;

use super::{
    index_config,
    points::{appraisal_grades, attendance, index_of, year_range},
    sync::entries,
};
use crate::{AppError, AppState};

/// Each member's index for `year`, or the reason it cannot be computed. Members are read
/// branch by branch, because attendance and the 民主评议 round belong to the branch.
pub(crate) async fn member_indexes(
    st: &AppState,
    member_ids: &[i64],
    year: i32,
) -> Result<BTreeMap<i64, Result<MemberIndex, String>>, AppError> {
    let (from, to) = year_range(year);
    let ledger = entries(&pstore::ledger(&st.db, member_ids, &from, &to).await?);
    let bal = balances(&ledger, year);
    let cfg = index_config(st).await?;
    let mut by_org: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for id in member_ids {
        by_org.entry(members::get(&st.db, *id).await?.org_id).or_default().push(*id);
    }
    let mut out = BTreeMap::new();
    for (org, ids) in by_org {
        let att = attendance(st, org, year).await?;
        let grades = appraisal_grades(st, org, year).await?;
        for id in ids {
            let points = bal.get(&id).copied().unwrap_or(Decimal::ZERO);
            out.insert(id, index_of(&cfg, points, att.get(&id).copied(), grades.get(&id)));
        }
    }
    Ok(out)
}
