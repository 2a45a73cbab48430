//! What an article keeps: structure, links, images, tables, and Chinese text as typed.

mod support;

use dangjian_markup::{plain_text, render, sanitize_html};
use support::assert_safe;

fn rendered(md: &str) -> String {
    let out = render(md);
    assert_safe(md, &out);
    out
}

#[test]
fn headings_keep_their_levels_but_never_h1() {
    let out = rendered("# 一级\n\n## 二级\n\n### 三级\n\n#### 四级\n\n##### 五级\n\n###### 六级\n");
    assert_eq!(out, "<h2>一级</h2>\n<h2>二级</h2>\n<h3>三级</h3>\n<h4>四级</h4>\n<h4>五级</h4>\n<h4>六级</h4>\n");
    let out = rendered("标题\n===\n\n<h1 class=\"x\">原始</h1>");
    assert!(!out.contains("<h1"), "{out}");
    assert!(out.contains("<h2>标题</h2>") && out.contains("<h2>原始</h2>"), "{out}");
}

#[test]
fn lists_survive() {
    let out = rendered("- 三会一课\n- 主题党日\n\n3. 第三\n4. 第四\n");
    assert_eq!(
        out,
        "<ul>\n<li>三会一课</li>\n<li>主题党日</li>\n</ul>\n<ol start=\"3\">\n<li>第三</li>\n<li>第四</li>\n</ol>\n"
    );
}

#[test]
fn tables_survive_without_inline_styles() {
    let out = rendered("| 支部 | 得分 |\n|:---|---:|\n| 第一支部 | 95 |\n");
    assert_eq!(
        out,
        "<table><thead><tr><th>支部</th><th>得分</th></tr></thead><tbody>\n\
         <tr><td>第一支部</td><td>95</td></tr>\n</tbody></table>\n"
    );
    let out = sanitize_html("<table><tr><td colspan=\"2\" rowspan=\"x\" style=\"color:red\">合并</td></tr></table>");
    assert_eq!(out, "<table><tbody><tr><td colspan=\"2\">合并</td></tr></tbody></table>");
}

#[test]
fn links_survive_with_rel() {
    let out = rendered(
        "[青澜市](https://qinglan.example/a?b=1&c=2 \"市政府\")、[站内](/article/12)、[邮件](mailto:dj@qinglan.example)",
    );
    assert_eq!(
        out,
        "<p><a href=\"https://qinglan.example/a?b=1&amp;c=2\" title=\"市政府\" rel=\"noopener noreferrer\">青澜市</a>、\
         <a href=\"/article/12\" rel=\"noopener noreferrer\">站内</a>、\
         <a href=\"mailto:dj@qinglan.example\" rel=\"noopener noreferrer\">邮件</a></p>\n"
    );
    let out = rendered("<https://qinglan.example/>");
    assert_eq!(
        out,
        "<p><a href=\"https://qinglan.example/\" rel=\"noopener noreferrer\">https://qinglan.example/</a></p>\n"
    );
    // Other schemes lose the link and keep the text.
    let out = rendered("[电话](tel:12345) [文件](ftp://x.example/a)");
    assert_eq!(out, "<p><a rel=\"noopener noreferrer\">电话</a> <a rel=\"noopener noreferrer\">文件</a></p>\n");
}

#[test]
fn images_from_media_or_http_survive() {
    let out = rendered("![党徽](/media/2024/01/dh.png \"党徽\") ![远程](https://img.qinglan.example/a.jpg)");
    assert_eq!(
        out,
        "<p><img src=\"/media/2024/01/dh.png\" alt=\"党徽\" title=\"党徽\"> \
         <img src=\"https://img.qinglan.example/a.jpg\" alt=\"远程\"></p>\n"
    );
    // A relative path outside /media/ and a protocol-relative URL are not ours to load.
    assert_eq!(rendered("![a](images/a.png)![b](//cdn.example/b.png)"), "<p></p>\n");
    let out =
        sanitize_html("<img src=\"/media/a.png\" width=\"640\" height=\"100%\" style=\"float:left\" class=\"x\">");
    assert_eq!(out, "<img src=\"/media/a.png\" width=\"640\">");
}

#[test]
fn chinese_text_and_full_width_punctuation_are_untouched() {
    let text = "党的二十大报告指出：“全面建设社会主义现代化国家……”！（一）《中国共产党章程》；【通知】——青澜市直机关工委　二〇二四年";
    assert_eq!(rendered(text), format!("<p>{text}</p>\n"));
    assert_eq!(sanitize_html(&format!("<p>{text}</p>")), format!("<p>{text}</p>"));
}

#[test]
fn emphasis_code_quotes_and_rules_survive() {
    let out = rendered("**加粗** *强调* ~~删除~~ `代码`\n\n> 引用\n\n---\n\n```rust\nfn main() {}\n```\n");
    assert_eq!(
        out,
        "<p><strong>加粗</strong> <em>强调</em> <del>删除</del> <code>代码</code></p>\n\
         <blockquote>\n<p>引用</p>\n</blockquote>\n<hr>\n<pre><code>fn main() {}\n</code></pre>\n"
    );
    let out = rendered(
        "<figure><img src=\"/media/a.png\" alt=\"\"><figcaption>图1</figcaption></figure>\n\nH<sub>2</sub>O 10<sup>3</sup>",
    );
    assert!(out.contains("<figure><img src=\"/media/a.png\" alt=\"\"><figcaption>图1</figcaption></figure>"), "{out}");
    assert!(out.contains("H<sub>2</sub>O 10<sup>3</sup>"), "{out}");
}

#[test]
fn word_markup_is_brought_inside_the_policy() {
    let html = "<p class=\"MsoNormal\" style=\"text-indent:2em\"><b>一、</b><i>总体要求</i><span style=\"color:red\">（红字）</span></p>\
                <h6>小节</h6><s>旧</s><div><font face=\"宋体\">正文</font></div><o:p></o:p>";
    assert_eq!(
        sanitize_html(html),
        "<p><strong>一、</strong><em>总体要求</em>（红字）</p><h4>小节</h4><del>旧</del>正文"
    );
}

#[test]
fn rendering_is_stable_under_resanitising() {
    let md = "# 标题\n\n正文<b>粗</b>，[链接](/a)。\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
    let out = rendered(md);
    assert_eq!(sanitize_html(&out), out);
}

#[test]
fn plain_text_of_markdown() {
    let md = "# 标题\n\n正文**加粗**内容，[链接](https://x.example)。\n\n- 一\n- 二\n\n<script>alert(1)</script>";
    assert_eq!(plain_text(md), "标题 正文加粗内容，链接。 一 二");
    assert_eq!(plain_text("<https://x.example/a>"), "https://x.example/a");
    assert_eq!(plain_text("a < b & c"), "a < b & c");
}

#[test]
fn plain_text_of_html() {
    let html = "<h2>标题</h2><p>第一段&amp;&lt;x&gt;</p><p>第二段<br>换行</p>\
                <style>p{}</style><table><tr><td>格1</td><td>格2</td></tr></table>";
    assert_eq!(plain_text(html), "标题 第一段&<x> 第二段 换行 格1 格2");
    assert_eq!(plain_text("<p>\u{3000}\u{3000}首行缩进&nbsp;&nbsp;的  正文\n\n</p>"), "首行缩进 的 正文");
    assert_eq!(plain_text(""), "");
}
