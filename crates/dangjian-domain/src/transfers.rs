//! 组织关系转接 (transfer of a member's organisational relationship) as a state machine:
//! issued → in transit → received → receipt returned, or expired / cancelled. The
//! member belongs to the sending branch until the receiving branch records the arrival,
//! so they belong to exactly one branch at any time.
//!
//! Validity of the 介绍信 differs between sources (10 days within a city, 30 days outside,
//! up to 3 months or 6 months across provinces: domain-rules.md §2.6), so it is a
//! parameter; the default is the general 3-month limit.

use std::fmt;

use time::{Date, Duration};

/// Where a transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// The letter is issued; the member has not left yet.
    Issued,
    /// The member is on the way to the receiving organisation.
    InTransit,
    /// The receiving organisation has taken the member in.
    Received,
    /// The receipt (回执) has come back to the sender: closed.
    ReceiptReturned,
    /// Not received within the letter's validity: a new letter is needed.
    Expired,
    /// Withdrawn by the sender before arrival.
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Issued,
        Status::InTransit,
        Status::Received,
        Status::ReceiptReturned,
        Status::Expired,
        Status::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Issued => "issued",
            Status::InTransit => "in_transit",
            Status::Received => "received",
            Status::ReceiptReturned => "receipt_returned",
            Status::Expired => "expired",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn name(self) -> &'static str {
        match self {
            Status::Issued => "已开具介绍信",
            Status::InTransit => "转接途中",
            Status::Received => "已接收",
            Status::ReceiptReturned => "回执已退回",
            Status::Expired => "已过期",
            Status::Cancelled => "已撤销",
        }
    }

    /// Still waiting for the receiving side.
    pub fn open(self) -> bool {
        matches!(self, Status::Issued | Status::InTransit)
    }
}

/// What someone does to a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Sender: the member has set off.
    Dispatch,
    /// Receiver: the member has arrived and is taken in.
    Receive,
    /// Receiver: the receipt has been sent back.
    ReturnReceipt,
    /// Sender: withdraw the letter.
    Cancel,
}

/// Why an action is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferError {
    NotAllowed { from: Status, action: Action },
    Expired { due: Date },
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransferError::NotAllowed { from, .. } => write!(f, "“{}”的转接不能进行此操作", from.name()),
            TransferError::Expired { due } => {
                write!(f, "介绍信已于 {due} 过期，须由原党组织重新开具")
            }
        }
    }
}

/// The due date of a letter issued on `issued_on` valid for `validity_days`.
pub fn due_date(issued_on: Date, validity_days: u32) -> Date {
    issued_on.checked_add(Duration::days(i64::from(validity_days))).unwrap_or(Date::MAX)
}

/// The status to show on `today`: an open transfer past its due date is expired.
pub fn effective(status: Status, due: Date, today: Date) -> Status {
    if status.open() && today > due { Status::Expired } else { status }
}

/// Applies an action on `today`.
pub fn apply(status: Status, due: Date, action: Action, today: Date) -> Result<Status, TransferError> {
    let now = effective(status, due, today);
    match (now, action) {
        (Status::Expired, Action::Receive | Action::Dispatch) => Err(TransferError::Expired { due }),
        (Status::Issued, Action::Dispatch) => Ok(Status::InTransit),
        (Status::Issued | Status::InTransit, Action::Receive) => Ok(Status::Received),
        (Status::Received, Action::ReturnReceipt) => Ok(Status::ReceiptReturned),
        (Status::Issued | Status::InTransit | Status::Expired, Action::Cancel) => Ok(Status::Cancelled),
        (from, action) => Err(TransferError::NotAllowed { from, action }),
    }
}

/// Default validity of a 介绍信, in days (≤ 3 months).
pub const DEFAULT_VALIDITY_DAYS: u32 = 90;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn the_happy_path() {
        let due = due_date(date!(2024 - 03 - 01), 30);
        assert_eq!(due, date!(2024 - 03 - 31));
        let s = apply(Status::Issued, due, Action::Dispatch, date!(2024 - 03 - 02)).unwrap();
        let s = apply(s, due, Action::Receive, date!(2024 - 03 - 31)).unwrap();
        assert_eq!(s, Status::Received);
        assert_eq!(apply(s, due, Action::ReturnReceipt, date!(2024 - 04 - 20)).unwrap(), Status::ReceiptReturned);
    }

    #[test]
    fn expiry_blocks_receiving_but_not_cancelling() {
        let due = date!(2024 - 03 - 31);
        assert_eq!(effective(Status::InTransit, due, date!(2024 - 04 - 01)), Status::Expired);
        assert_eq!(effective(Status::Received, due, date!(2025 - 01 - 01)), Status::Received);
        assert_eq!(
            apply(Status::InTransit, due, Action::Receive, date!(2024 - 04 - 01)),
            Err(TransferError::Expired { due })
        );
        assert_eq!(apply(Status::InTransit, due, Action::Cancel, date!(2024 - 04 - 01)), Ok(Status::Cancelled));
        assert!(TransferError::Expired { due }.to_string().contains("重新开具"));
    }

    #[test]
    fn closed_transfers_stay_closed() {
        let due = date!(2030 - 01 - 01);
        for s in [Status::ReceiptReturned, Status::Cancelled] {
            for a in [Action::Dispatch, Action::Receive, Action::ReturnReceipt, Action::Cancel] {
                assert!(apply(s, due, a, date!(2024 - 01 - 01)).is_err(), "{s:?} {a:?}");
            }
        }
        assert!(apply(Status::Received, due, Action::Cancel, date!(2024 - 01 - 01)).is_err());
    }

    proptest! {
        /// Whatever happens, a transfer is received at most once.
        #[test]
        fn received_at_most_once(actions in proptest::collection::vec(0u8..4, 0..12), days in proptest::collection::vec(0i64..60, 12)) {
            let due = date!(2024 - 03 - 31);
            let mut s = Status::Issued;
            let mut received = 0;
            for (i, a) in actions.iter().enumerate() {
                let action = [Action::Dispatch, Action::Receive, Action::ReturnReceipt, Action::Cancel][*a as usize];
                let today = date!(2024 - 03 - 01) + Duration::days(days[i]);
                if let Ok(next) = apply(s, due, action, today) {
                    if next == Status::Received { received += 1; }
                    s = next;
                }
            }
            prop_assert!(received <= 1);
        }
    }
}
