//! Progress bars for long jobs, drawn only on a terminal.

use indicatif::{ProgressBar, ProgressStyle};

/// A bar for `total` items; hidden when stderr is not a terminal.
pub fn bar(total: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "{what} [{{elapsed_precise}}] {{wide_bar}} {{pos}}/{{len}} ({{per_sec}}, 剩余 {{eta}})"
    )) {
        pb.set_style(style);
    }
    pb
}
