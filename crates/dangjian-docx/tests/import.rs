//! Word features in, the Markdown the editor stores out, checked both as text and as
//! the HTML the editor's renderer makes of it.

mod support;

use dangjian_docx::{Imported, Limits, import};
use support::*;

fn convert(body: &str) -> Imported {
    import(&Docx::new(body).build(), &Limits::default()).expect("import")
}

fn md(body: &str) -> String {
    convert(body).markdown
}

#[test]
fn headings_from_english_style_ids() {
    let body = [
        pt("导语"),
        ps("Heading1", &r("一、总体要求")),
        ps("Heading2", &r("（一）指导思想")),
        ps("Heading3", &r("1. 具体措施")),
        pt("正文"),
    ]
    .concat();
    assert_eq!(md(&body), "导语\n\n## 一、总体要求\n\n### （一）指导思想\n\n#### 1\\. 具体措施\n\n正文\n");
}

#[test]
fn headings_from_chinese_numeric_style_ids_resolved_by_name() {
    let body = [
        pt("前言"),
        ps("1", &r("第一章 总则")),
        ps("2", &r("第一节 目的")),
        ps("4", &r("第四级")),
        ps("10", &r("按大纲级别的标题")),
        ps("a", &r("普通正文")),
    ]
    .concat();
    assert_eq!(
        md(&body),
        "前言\n\n## 第一章 总则\n\n### 第一节 目的\n\n#### 第四级\n\n### 按大纲级别的标题\n\n普通正文\n"
    );
}

#[test]
fn title_paragraph_becomes_the_title_and_leaves_the_body() {
    let got = convert(&[ps("a5", &r("关于开展主题教育的通知")), pt("各党支部：")].concat());
    assert_eq!(got.title.as_deref(), Some("关于开展主题教育的通知"));
    assert_eq!(got.markdown, "各党支部：\n");
}

#[test]
fn opening_heading_1_is_the_title_but_a_later_one_stays_in_the_body() {
    let got = convert(&[ps("Heading1", &r("会议纪要")), pt("内容")].concat());
    assert_eq!(got.title.as_deref(), Some("会议纪要"));
    assert_eq!(got.markdown, "内容\n");

    let got = convert(&[pt("导语"), ps("1", &r("一、学习内容")), pt("内容")].concat());
    assert_eq!(got.title.as_deref(), Some("一、学习内容"));
    assert_eq!(got.markdown, "导语\n\n## 一、学习内容\n\n内容\n");
}

#[test]
fn core_properties_title_is_the_fallback() {
    let docx = Docx::new(&pt("正文")).core_title("  市直机关工委  工作要点 ").build();
    let got = import(&docx, &Limits::default()).unwrap();
    assert_eq!(got.title.as_deref(), Some("市直机关工委 工作要点"));
    assert_eq!(convert(&pt("正文")).title, None);
}

#[test]
fn bold_italic_strike_and_their_combinations() {
    let body = p(&[
        r("普通"),
        rp("<w:b/>", "粗体"),
        r("和"),
        rp("<w:i/>", "斜体"),
        r("和"),
        rp("<w:b/><w:i/>", "粗斜体"),
        r("和"),
        rp("<w:strike/>", "删除"),
        r("和"),
        rp(r#"<w:b w:val="0"/>"#, "不粗"),
        rp(r#"<w:b w:val="false"/><w:i w:val="1"/>"#, "只斜"),
        r("，"),
        rp(r#"<w:rStyle w:val="a6"/>"#, "字符样式加粗"),
    ]
    .concat());
    let got = md(&body);
    assert_eq!(got, "普通**粗体**和*斜体*和***粗斜体***和~~删除~~和不粗*只斜*，**字符样式加粗**\n");
    assert_eq!(
        html(&got),
        "<p>普通<strong>粗体</strong>和<em>斜体</em>和<em><strong>粗斜体</strong></em>和<del>删除</del>和不粗<em>只斜</em>，<strong>字符样式加粗</strong></p>\n"
    );
}

#[test]
fn emphasis_next_to_chinese_punctuation_still_renders() {
    // `**“重要”**通知` is not bold in CommonMark; the importer must notice.
    let body = p(&[r("请"), rp("<w:b/>", "“重要”"), r("通知"), rp("<w:b/>", "（一）"), r("。")].concat());
    let got = md(&body);
    assert_eq!(html(&got), "<p>请<strong>“重要”</strong>通知<strong>（一）</strong>。</p>\n", "{got}");
}

#[test]
fn whitespace_at_emphasis_edges_moves_outside() {
    let body = p(&[r("甲"), rp("<w:b/>", " 乙 "), r("丙")].concat());
    assert_eq!(md(&body), "甲 **乙** 丙\n");
}

#[test]
fn adjacent_differently_formatted_runs_do_not_merge_delimiters() {
    let body = p(&[rp("<w:b/>", "重要"), rp("<w:i/>", "通知")].concat());
    assert_eq!(html(&md(&body)), "<p><strong>重要</strong><em>通知</em></p>\n");
}

#[test]
fn ordered_bullet_and_nested_lists() {
    let body = [
        pt("步骤："),
        li(1, 0, "学习"),
        li(1, 1, "原文"),
        li(1, 1, "讲话"),
        li(1, 0, "研讨"),
        pt("要点："),
        li(2, 0, "按时"),
        li(2, 1, "不迟到"),
        li(2, 2, "不早退"),
        li(2, 0, "认真"),
        pt("中文编号："),
        li(3, 0, "第一项"),
        li(3, 0, "第二项"),
        ps("ListBullet", &r("样式里的项目符号")),
    ]
    .concat();
    let got = md(&body);
    assert_eq!(
        got,
        "步骤：\n\n1. 学习\n   1. 原文\n   2. 讲话\n2. 研讨\n\n要点：\n\n- 按时\n  - 不迟到\n    - 不早退\n- 认真\n\n\
         中文编号：\n\n1. 第一项\n2. 第二项\n- 样式里的项目符号\n"
    );
    let h = html(&got);
    assert!(
        h.contains("<ol>\n<li>学习\n<ol>\n<li>原文</li>\n<li>讲话</li>\n</ol>\n</li>\n<li>研讨</li>\n</ol>"),
        "{h}"
    );
    assert!(h.contains("<ul>\n<li>按时\n<ul>\n<li>不迟到\n<ul>\n<li>不早退</li>"), "{h}");
}

#[test]
fn numbering_continues_after_an_interruption_and_restarts_deeper_levels() {
    let body = [li(1, 0, "一"), li(1, 1, "甲"), pt("插入的说明"), li(1, 0, "二"), li(1, 1, "乙")].concat();
    assert_eq!(md(&body), "1. 一\n   1. 甲\n\n插入的说明\n\n2. 二\n   1. 乙\n");
}

#[test]
fn table_becomes_a_pipe_table_with_escaped_pipes() {
    let body = table(&[&["姓名", "职务"], &["张三", "书记|委员"], &["李四", ""]]);
    let got = md(&body);
    assert_eq!(got, "| 姓名 | 职务 |\n| --- | --- |\n| 张三 | 书记\\|委员 |\n| 李四 |  |\n");
    let h = html(&got);
    assert!(h.contains("<th>姓名</th>") && h.contains("<td>书记|委员</td>"), "{h}");
}

#[test]
fn ragged_rows_widen_the_header() {
    let body = concat!(
        "<w:tbl>",
        r#"<w:tr><w:tc><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc></w:tr>"#,
        r#"<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:p><w:r><w:t>乙</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr>"#,
        "<w:tr/>",
        "</w:tbl>"
    );
    assert_eq!(md(body), "| 甲 |  |  |\n| --- | --- | --- |\n|  | 乙 |  |\n");
}

#[test]
fn merged_cells_are_split_with_a_warning() {
    let body = concat!(
        "<w:tbl>",
        r#"<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>合并</w:t></w:r></w:p></w:tc></w:tr>"#,
        r#"<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>上</w:t></w:r></w:p></w:tc>"#,
        r#"<w:tc><w:p><w:r><w:t>右</w:t></w:r></w:p></w:tc></w:tr>"#,
        r#"<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>下</w:t></w:r></w:p><w:p><w:r><w:t>第二段</w:t></w:r></w:p></w:tc></w:tr>"#,
        "</w:tbl>"
    );
    let got = convert(body);
    assert_eq!(got.markdown, "| 合并 |  |\n| --- | --- |\n| 上 | 右 |\n|  | 下<br>第二段 |\n");
    assert_eq!(got.warnings, vec!["1 个表格含合并单元格，已拆分为普通单元格"]);
}

#[test]
fn hyperlinks_keep_only_safe_schemes() {
    let body = p(&[
        r("详见"),
        r#"<w:hyperlink r:id="rId4"><w:r><w:t>通知全文</w:t></w:r></w:hyperlink>"#.to_owned(),
        r("，勿点"),
        r#"<w:hyperlink r:id="rId5"><w:r><w:t>这里</w:t></w:r></w:hyperlink>"#.to_owned(),
        r#"<w:hyperlink w:anchor="_Toc1"><w:r><w:t>，书签</w:t></w:r></w:hyperlink>"#.to_owned(),
    ]
    .concat());
    let got = convert(&body);
    assert_eq!(got.markdown, format!("详见[通知全文]({HTTPS_LINK})，勿点这里，书签\n"));
    assert_eq!(got.warnings, vec!["已去除 1 个链接（只保留 http、https 和 mailto 链接），文字保留"]);
    let h = html(&got.markdown);
    assert!(h.contains(r#"<a href="https://www.example.gov.cn/news?id=1&amp;page=2">通知全文</a>"#), "{h}");
    assert!(!h.contains("javascript"), "{h}");
}

#[test]
fn field_code_hyperlinks_are_links_too() {
    let body = p(&[
        r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r>"#,
        r#"<w:r><w:instrText xml:space="preserve"> HYPERLINK "mailto:dangban@example.gov.cn" \o "写信" </w:instrText></w:r>"#,
        r#"<w:r><w:fldChar w:fldCharType="separate"/></w:r>"#,
        &r("联系党办"),
        r#"<w:r><w:fldChar w:fldCharType="end"/></w:r>"#,
        &r("；"),
        r#"<w:fldSimple w:instr=" HYPERLINK &quot;javascript:void(0)&quot; ">"#,
        &r("无效"),
        "</w:fldSimple>",
    ]
    .concat());
    let got = convert(&body);
    assert_eq!(got.markdown, "[联系党办](mailto:dangban@example.gov.cn)；无效\n");
}

#[test]
fn images_are_extracted_with_placeholders() {
    let body =
        [p(&[r("图："), drawing("rId3")].concat()), p(&drawing("rId7")), p(&drawing("rId6")), p(&drawing("rId8"))]
            .concat();
    let got = convert(&body);
    assert_eq!(got.markdown, "图：![](docx_image_1.png)\n\n![](docx_image_1.png)\n");
    assert_eq!(got.images.len(), 1, "the same part used twice is one image");
    let img = &got.images[0];
    assert_eq!(img.placeholder, "docx_image_1.png");
    assert_eq!(img.file_name, "image-1.png");
    assert_eq!(img.content_type, "image/png");
    assert_eq!(img.bytes, png());
    assert_eq!(got.warnings, vec!["不支持的图片格式 EMF，已忽略", "有 1 张图片在文件中找不到，已忽略"]);
    assert!(html(&got.markdown).contains(r#"<img src="docx_image_1.png" alt="" />"#));
}

#[test]
fn placeholders_can_be_replaced_as_plain_strings() {
    let n = 11;
    let mut rels =
        String::from(r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#);
    let mut docx = Docx::new("");
    let mut body = pt("正文里写着 docx_image_1.png 和 docx-image-1");
    for i in 1..=n {
        rels.push_str(&format!(
            r#"<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/p{i}.png"/>"#
        ));
        docx = docx.file(&format!("word/media/p{i}.png"), png());
        body.push_str(&p(&drawing(&format!("rId{i}"))));
    }
    rels.push_str("</Relationships>");
    let document = format!(r#"<w:document {NS}><w:body>{body}</w:body></w:document>"#);
    let docx =
        docx.file("word/_rels/document.xml.rels", rels.into_bytes()).file("word/document.xml", document.into_bytes());
    let got = import(&docx.build(), &Limits::default()).unwrap();
    assert_eq!(got.images.len(), n);
    let mut markdown = got.markdown;
    for (i, img) in got.images.iter().enumerate() {
        markdown = markdown.replace(&img.placeholder, &format!("/media/{}.png", i + 1));
    }
    let mut expected = String::from("正文里写着 docx\\_image\\_1.png 和 docx-image-1\n");
    for i in 1..=n {
        expected.push_str(&format!("\n![](/media/{i}.png)\n"));
    }
    assert_eq!(markdown, expected);
}

#[test]
fn legacy_vml_pictures_are_images_too() {
    let body = p(r#"<w:r><w:pict><v:shape><v:imagedata r:id="rId3" o:title=""/></v:shape></w:pict></w:r>"#);
    let got = convert(body.as_str());
    assert_eq!(got.markdown, "![](docx_image_1.png)\n");
    assert_eq!(got.images[0].content_type, "image/png");
}

#[test]
fn alternate_content_is_read_once() {
    let body = p(&format!(
        r#"<w:r><mc:AlternateContent><mc:Choice Requires="wps">{}</mc:Choice><mc:Fallback><w:pict><v:shape><v:imagedata r:id="rId3"/></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"#,
        drawing("rId3").trim_start_matches("<w:r>").trim_end_matches("</w:r>")
    ));
    let got = convert(&body);
    assert_eq!(got.markdown, "![](docx_image_1.png)\n");
    assert_eq!(got.images.len(), 1);
}

#[test]
fn oversized_image_is_dropped_with_a_warning() {
    let limits = Limits { max_image_bytes: 16, ..Limits::default() };
    let got = import(&Docx::new(&p(&drawing("rId3"))).build(), &limits).unwrap();
    assert_eq!(got.markdown, "");
    assert!(got.images.is_empty());
    assert_eq!(got.warnings, vec!["图片 image1.png 超过 16 字节，已忽略"]);
}

#[test]
fn markdown_syntax_in_text_stays_literal() {
    let body = [
        pt("*不是强调* 和 _也不是_ 和 **更不是**"),
        pt("# 不是标题"),
        pt("1. 不是列表"),
        pt("2) 也不是"),
        pt("- 不是项目"),
        pt("+ 也不是"),
        pt("> 不是引用"),
        pt("---"),
        pt("==="),
        pt("`代码` 与 ~~删除~~ 与 [链接](https://x.cn) 与 ![图](y.png)"),
        pt("&lt; 与 &amp; 与 \\ 反斜杠 与 | 竖线 |"),
        pt("<script>alert('x')</script><img src=x onerror=alert(1)>"),
    ]
    .concat();
    let got = md(&body);
    let h = html(&got);
    let expected_text = [
        "*不是强调* 和 _也不是_ 和 **更不是**",
        "# 不是标题",
        "1. 不是列表",
        "2) 也不是",
        "- 不是项目",
        "+ 也不是",
        "&gt; 不是引用",
        "---",
        "===",
        "`代码` 与 ~~删除~~ 与 [链接](https://x.cn) 与 ![图](y.png)",
        "&amp;lt; 与 &amp;amp; 与 \\ 反斜杠 与 | 竖线 |",
        "&lt;script&gt;alert('x')&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;",
    ]
    .map(|t| format!("<p>{t}</p>\n"))
    .concat();
    assert_eq!(h, expected_text, "markdown was:\n{got}");
}

#[test]
fn chinese_text_and_full_width_punctuation_are_kept_exactly() {
    let text = "坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻党的二十大精神；“两个确立”！（一）……——《党章》：１２３　ＡＢＣ？";
    assert_eq!(md(&pt(text)), format!("{text}\n"));
}

#[test]
fn indentation_is_dropped_and_empty_paragraphs_collapse() {
    let body = [
        r#"<w:p><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr><w:r><w:t xml:space="preserve">　　首行缩进的段落</w:t></w:r></w:p>"#,
        "<w:p/>",
        &pt("   "),
        "<w:p><w:r><w:t></w:t></w:r></w:p>",
        &pt("    四个空格不会变成代码块"),
    ]
    .concat();
    assert_eq!(md(&body), "首行缩进的段落\n\n四个空格不会变成代码块\n");
}

#[test]
fn line_breaks_and_tabs() {
    let body = p(&[
        r("第一行"),
        "<w:r><w:br/></w:r>".into(),
        r("- 第二行"),
        r#"<w:r><w:br w:type="page"/><w:tab/></w:r>"#.into(),
        r("同一行"),
        "<w:r><w:br/><w:br/></w:r>".into(),
    ]
    .concat());
    let got = md(&body);
    assert_eq!(got, "第一行\\\n\\- 第二行 同一行\n");
    assert_eq!(html(&got), "<p>第一行<br />\n- 第二行 同一行</p>\n");
}

#[test]
fn dropped_content_is_reported() {
    let body = [
        p(&[
            r("正文"),
            r#"<w:r><w:footnoteReference w:id="1"/></w:r>"#.into(),
            r#"<w:r><w:drawing><wp:anchor><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>框里的字</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"#.into(),
            r#"<w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p/></w:txbxContent></v:textbox></v:shape></w:pict></w:r>"#.into(),
            r#"<w:r><w:object><v:shape><v:imagedata r:id="rId3"/></v:shape></w:object></w:r>"#.into(),
            r#"<m:oMath><m:r><m:t>x</m:t></m:r></m:oMath>"#.into(),
        ]
        .concat()),
        r#"<w:p><w:r><w:drawing><wp:inline><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"/></a:graphic></wp:inline></w:drawing></w:r></w:p>"#.into(),
    ]
    .concat();
    let got = convert(&body);
    assert_eq!(got.markdown, "正文\n");
    assert!(got.images.is_empty());
    assert_eq!(
        got.warnings,
        vec![
            "已忽略 2 个文本框",
            "不支持的嵌入对象，已忽略 1 个",
            "已忽略 1 个图表",
            "已忽略 1 个公式",
            "已忽略 1 个脚注"
        ]
    );
}

#[test]
fn tracked_changes_read_as_accepted_and_hidden_text_is_skipped() {
    let body = p(&[
        r("保留"),
        r#"<w:ins w:id="1"><w:r><w:t>新增</w:t></w:r></w:ins>"#.into(),
        r#"<w:del w:id="2"><w:r><w:delText>删掉</w:delText></w:r></w:del>"#.into(),
        rp("<w:vanish/>", "隐藏"),
        r#"<w:sdt><w:sdtPr/><w:sdtContent><w:r><w:t>控件</w:t></w:r></w:sdtContent></w:sdt>"#.into(),
    ]
    .concat());
    assert_eq!(md(&body), "保留新增控件\n");
}

#[test]
fn generated_table_of_contents_is_left_out() {
    let body = [
        p(r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>TOC \o "1-3"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>一、总则 1</w:t></w:r>"#),
        pt("二、附则 2"),
        p(r#"<w:r><w:fldChar w:fldCharType="end"/></w:r>"#),
        pt("正文开始"),
    ]
    .concat();
    let got = convert(&body);
    assert_eq!(got.markdown, "正文开始\n");
    assert_eq!(got.warnings, vec!["已忽略目录"]);
}

#[test]
fn stored_entries_read_like_deflated_ones() {
    let docx = Docx::new(&pt("未压缩")).stored().build();
    assert_eq!(import(&docx, &Limits::default()).unwrap().markdown, "未压缩\n");
}

#[test]
fn missing_styles_and_numbering_fall_back_to_style_ids() {
    let docx = Docx::new(&[ps("Heading2", &r("标题")), li(9, 0, "项")].concat())
        .without("word/styles.xml")
        .without("word/numbering.xml")
        .build();
    assert_eq!(import(&docx, &Limits::default()).unwrap().markdown, "### 标题\n\n- 项\n");
}

#[test]
fn broken_styles_part_is_a_warning_not_a_failure() {
    let docx = Docx::new(&pt("正文")).file("word/styles.xml", b"<w:styles><oops></w:styles>".to_vec()).build();
    let got = import(&docx, &Limits::default()).unwrap();
    assert_eq!(got.markdown, "正文\n");
    assert_eq!(got.warnings.len(), 1);
    assert!(got.warnings[0].starts_with("样式表已损坏"), "{:?}", got.warnings);
}
