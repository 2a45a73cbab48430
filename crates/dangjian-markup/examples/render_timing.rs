//! Times Markdown rendering and sanitising on a 10 KB article. Not a test: run it by hand.
//!
//! ```text
//! cargo run --release -p dangjian-markup --example render_timing
//! ```

use std::time::Instant;

use dangjian_markup::{plain_text, render, sanitize_html};

fn main() {
    let section = "## 一、总体要求\n\n坚持以党的建设为统领，**全面从严治党**，推动机关党建高质量发展。\
                   详见[通知](/article/12)和![图](/media/a.png)。\n\n- 三会一课\n- 主题党日\n\n\
                   | 支部 | 得分 |\n|---|---|\n| 第一支部 | 95 |\n\n> 引用一段话。\n\n";
    let mut md = String::new();
    while md.len() < 10 * 1024 {
        md.push_str(section);
    }
    let html = render(&md);

    let runs = 500;
    let t = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(render(std::hint::black_box(&md)));
    }
    println!("render(): {} bytes of Markdown, {:?} per call", md.len(), t.elapsed() / runs);
    let t = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(sanitize_html(std::hint::black_box(&html)));
    }
    println!("sanitize_html(): {} bytes of HTML, {:?} per call", html.len(), t.elapsed() / runs);
    let t = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(plain_text(std::hint::black_box(&html)));
    }
    println!("plain_text(): {:?} per call", t.elapsed() / runs);
}
