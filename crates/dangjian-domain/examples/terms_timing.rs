//! Times the sensitive-term check on a 20,000-character article. Not a test: run it by hand.
//!
//! ```text
//! cargo run --release -p dangjian-domain --example terms_timing
//! ```

use std::time::Instant;

use dangjian_domain::terms::{Dictionary, check, highlight};

/// 20,000 characters made by repeating `para`.
fn article(para: &str) -> String {
    para.chars().cycle().take(20_000).collect()
}

fn time_check(dict: &Dictionary, label: &str, text: &str) {
    let hits = check(dict, text);
    let runs = 2_000;
    let t = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(check(dict, std::hint::black_box(text)));
    }
    let per = t.elapsed() / runs;
    println!("check() {label}: 20000 chars, {} bytes, {} hits, {per:?} per call", text.len(), hits.len());
}

fn main() {
    let t = Instant::now();
    let dict = Dictionary::default();
    println!("compile starter dictionary: {:?}", t.elapsed());

    let clean = article(
        "市委书记林卫东主持召开会议，深入学习贯彻党的二十大精神，陈嘉禾市长强调要全心全意为人民服务，\
         坚持和发展中国特色社会主义，推进“两学一做”学习教育常态化制度化，Party building 2024。",
    );
    time_check(&dict, "on a clean article", &clean);
    let dirty = article(
        "市委书记林卫东主持召开会议，深入学习贯彻党的19大精神，陈嘉禾书记强调要全心全意为人名服务，\
         坚持和发展中国特色社会主意，推进两学一作学习教育常态化制度化，Party building 2024。",
    );
    time_check(&dict, "with an error every ~25 chars", &dirty);

    let hits = check(&dict, &dirty);
    let runs = 2_000;
    let t = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(highlight(&dirty, &hits));
    }
    println!("highlight(): {:?} per call", t.elapsed() / runs);
}
