//! The sensitive-term check (错敏词) as the editor and reviewers see it: the dictionary
//! comes from the `terms_dictionary` setting, or the program's starter dictionary.

use dangjian_domain::terms::{self, Dictionary, Severity};
use dangjian_store::settings;

use crate::{AppError, AppState};

/// Result of checking one text.
pub struct Report {
    /// Messages, one per hit, in text order.
    pub messages: Vec<String>,
    /// Whether any hit blocks submission.
    pub blocks: bool,
    /// The text as HTML with hits marked.
    pub highlighted: String,
}

/// The dictionary in force.
pub async fn dictionary(st: &AppState) -> Result<Dictionary, AppError> {
    let text = settings::all(&st.db).await?.remove("terms_dictionary").unwrap_or_default();
    let text = if text.trim().is_empty() { Dictionary::starter().to_owned() } else { text };
    Dictionary::parse(&text).map_err(|e| AppError::Internal(format!("terms dictionary: {e:?}")))
}

/// Checks the title and the Markdown source together.
pub fn check(dict: &Dictionary, title: &str, body: &str) -> Report {
    let text = format!("{title}\n{body}");
    let hits = terms::check(dict, &text);
    Report {
        messages: hits.iter().map(|h| h.message.clone()).collect(),
        blocks: hits.iter().any(|h| h.severity == Severity::Block),
        highlighted: terms::highlight(&text, &hits),
    }
}
