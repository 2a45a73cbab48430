//! Pure rules of the dangjian product. Nothing here touches HTTP, SQL or the clock:
//! callers pass the current time in. Every rule that carries a number lives in this
//! crate, next to the tests that pin that number down.

pub mod audit;
pub mod clock;
pub mod dues;
pub mod dues_statement;
pub mod eval;
pub mod lockout;
pub mod meetings;
pub mod members;
pub mod month;
pub mod orgs;
pub mod paging;
pub mod password;
pub mod quiz;
pub mod review;
pub mod roles;
pub mod terms;
pub mod text;
pub mod transfers;
pub mod volunteer;
