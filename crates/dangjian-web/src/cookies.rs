//! Reading the two preference cookies the portal honours (font size, elder mode).

use axum::http::{HeaderMap, header};

/// The value of cookie `name`, if sent.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cookie_among_others() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; fs=l; elder=1".parse().unwrap());
        assert_eq!(get(&h, "fs"), Some("l"));
        assert_eq!(get(&h, "elder"), Some("1"));
        assert_eq!(get(&h, "x"), None);
    }
}
