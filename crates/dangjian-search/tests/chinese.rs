//! The index on a small Chinese corpus: word-level matching, phrases, ranking, filters,
//! paging, highlighting, hostile input, and reopening from disk.

use dangjian_search::{IndexDoc, SearchIndex, SearchQuery, SearchResults, Sort, WriterOptions};

fn doc(id: i64, channel: &str, title: &str, body: &str, at: i64) -> IndexDoc {
    IndexDoc {
        id,
        title: title.into(),
        body: body.into(),
        source: "市直机关工委".into(),
        channel: channel.into(),
        published_at: at,
    }
}

fn corpus() -> Vec<IndexDoc> {
    vec![
        doc(1, "dongtai", "市财政局召开机关党建工作推进会", "会议总结了上半年工作，部署下半年任务。", 100),
        doc(
            2,
            "dongtai",
            "深入开展主题教育",
            "各支部要把学习贯彻落实作为首要任务，机关党建要走在前列，做好各项工作。",
            200,
        ),
        doc(3, "gonggao", "关于开展党史知识竞赛的通知", "竞赛分为初赛和决赛，学员请按时参加。", 300),
        doc(4, "wenming", "文明单位创建经验交流", "学校和社区联合开展志愿服务，大学生踊跃参加。", 400),
        doc(5, "dongtai", "党员干部学习《条例》心得", "结合工作实际谈体会。", 500),
        doc(6, "gonggao", "关于做好党费收缴工作的通知", "按照《中国共产党章程》规定按月交纳党费。", 600),
        doc(
            7,
            "dongtai",
            "基层组织建设年活动综述",
            "党建引领基层治理。党建工作与业务工作深度融合。党建品牌建设成效明显。",
            700,
        ),
        doc(8, "tashan", "他山之石：北京大学党委的做法", "坚持学习教育常态化制度化。", 800),
    ]
}

fn open() -> (tempfile::TempDir, SearchIndex) {
    let dir = tempfile::tempdir().unwrap();
    let opened = SearchIndex::open_or_create(&dir.path().join("index"), WriterOptions::default()).unwrap();
    assert!(opened.created);
    for d in corpus() {
        opened.index.upsert(&d).unwrap();
    }
    opened.index.commit(8).unwrap();
    (dir, opened.index)
}

fn q(text: &str) -> SearchQuery<'_> {
    SearchQuery { text, channel: None, sort: Sort::Relevance, page: 1, per_page: 10 }
}

fn ids(r: &SearchResults) -> Vec<i64> {
    r.hits.iter().map(|h| h.id).collect()
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort();
    v
}

#[test]
fn words_match_whole_words_not_characters() {
    let (_d, ix) = open();
    // 党建 is a word inside 机关党建工作.
    let r = ix.search(&q("党建")).unwrap();
    assert_eq!(sorted(ids(&r)), vec![1, 2, 7], "{r:?}");
    assert_eq!(r.total, 3);
    // 学习 is found where the word is, not where 学 stands in 学员, 学校 or 大学生.
    let r = ix.search(&q("学习")).unwrap();
    assert_eq!(sorted(ids(&r)), vec![2, 5, 8], "{r:?}");
    // Words of a search-mode segmentation are found: 北京 inside 北京大学.
    assert_eq!(ids(&ix.search(&q("北京")).unwrap()), vec![8]);
    // Several words: all must appear.
    assert_eq!(ids(&ix.search(&q("党建 融合")).unwrap()), vec![7]);
    // 供稿单位 is searched too.
    assert_eq!(ix.search(&q("工委")).unwrap().total, 8);
}

#[test]
fn phrases_in_quotes_must_appear_as_written() {
    let (_d, ix) = open();
    // Both words occur in 1, 2 and 7, but only 1 and 7 have them next to each other.
    assert_eq!(sorted(ids(&ix.search(&q("党建 工作")).unwrap())), vec![1, 2, 7]);
    assert_eq!(sorted(ids(&ix.search(&q("\"党建工作\"")).unwrap())), vec![1, 7]);
    assert_eq!(ids(&ix.search(&q("\"学习教育\"")).unwrap()), vec![8]);
    assert_eq!(ids(&ix.search(&q("“学习教育”")).unwrap()), vec![8]);
    assert!(ix.search(&q("\"教育学习\"")).unwrap().hits.is_empty());
    // 2 has 学习 … 机关党建 but not the phrase 学习党建.
    assert!(ix.search(&q("\"学习党建\"")).unwrap().hits.is_empty());
}

#[test]
fn title_matches_rank_above_body_matches() {
    let (_d, ix) = open();
    // 7 says 党建 three times in its body; 1 has it once, in the title.
    let r = ix.search(&q("党建")).unwrap();
    assert_eq!(r.hits[0].id, 1, "{r:?}");
    let r = ix.search(&q("学习")).unwrap();
    assert_eq!(r.hits[0].id, 5, "title match first: {r:?}");
    assert!(r.hits[0].score > r.hits[1].score);
}

#[test]
fn channel_filter_sort_and_pages() {
    let (_d, ix) = open();
    let mut sq = q("通知");
    sq.channel = Some("gonggao");
    assert_eq!(sorted(ids(&ix.search(&sq).unwrap())), vec![3, 6]);
    sq.channel = Some("dongtai");
    assert!(ix.search(&sq).unwrap().hits.is_empty());
    let mut sq = q("工委");
    sq.sort = Sort::Newest;
    sq.per_page = 3;
    let p1 = ix.search(&sq).unwrap();
    assert_eq!((p1.total, ids(&p1)), (8, vec![8, 7, 6]));
    sq.page = 3;
    let p3 = ix.search(&sq).unwrap();
    assert_eq!((p3.total, ids(&p3)), (8, vec![2, 1]));
    sq.page = 1_000_000;
    let far = ix.search(&sq).unwrap();
    assert_eq!((far.total, far.hits.len()), (8, 0));
    sq.page = 0;
    assert_eq!(ids(&ix.search(&sq).unwrap()), vec![8, 7, 6], "page 0 is page 1");
}

#[test]
fn hits_are_highlighted_and_escaped() {
    let (_d, ix) = open();
    ix.upsert(&doc(9, "dongtai", "<script>alert(1)</script>党建", "正文 & \"引号\" 党建<b>", 900)).unwrap();
    ix.commit(9).unwrap();
    let r = ix.search(&q("党建")).unwrap();
    let h = r.hits.iter().find(|h| h.id == 9).unwrap();
    assert_eq!(h.title_html, "&lt;script&gt;alert(1)&lt;/script&gt;<mark>党建</mark>");
    assert_eq!(h.snippet_html, "正文 &amp; &quot;引号&quot; <mark>党建</mark>&lt;b&gt;");
    let h1 = r.hits.iter().find(|h| h.id == 1).unwrap();
    assert_eq!(h1.title_html, "市财政局召开机关<mark>党建</mark>工作推进会");
    assert_eq!(h1.channel, "dongtai");
    assert_eq!(h1.published_at, 100);
}

#[test]
fn special_characters_empty_and_huge_queries_never_fail() {
    let (_d, ix) = open();
    for text in [
        "",
        "   ",
        "\"",
        "\"\"",
        "(",
        ")",
        ":",
        "*",
        "\\",
        "title:党建",
        "党建 AND OR NOT",
        "+-&&||!(){}[]^\"~*?:\\/",
        "党建\"",
        "\"党建",
        "'; DROP TABLE articles; --",
        "<script>",
        "％＊（）",
        "\u{0}",
        "😀党建😀",
    ] {
        let r = ix.search(&q(text));
        assert!(r.is_ok(), "{text:?}: {r:?}");
    }
    assert!(!ix.search(&q("")).unwrap().searchable);
    assert!(!ix.search(&q("()*:")).unwrap().searchable);
    assert_eq!(ix.search(&q("😀党建😀")).unwrap().total, 3);
    let huge = "党建".repeat(5_000);
    assert_eq!(huge.chars().count(), 10_000);
    let started = std::time::Instant::now();
    let r = ix.search(&q(&huge)).unwrap();
    assert!(r.searchable);
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    let mixed: String = (0..10_000).map(|i| ['"', '(', ':', '*', '\\', '党', '建', ' '][i % 8]).collect();
    assert!(ix.search(&q(&mixed)).is_ok());
}

#[test]
fn upsert_replaces_delete_removes_and_state_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    {
        let o = SearchIndex::open_or_create(&path, WriterOptions::default()).unwrap();
        assert!(o.created);
        for d in corpus() {
            o.index.upsert(&d).unwrap();
        }
        o.index.commit(8).unwrap();
        o.index.upsert(&doc(1, "dongtai", "改过的标题", "新正文", 100)).unwrap();
        o.index.delete(7).unwrap();
        o.index.commit(10).unwrap();
        assert_eq!(ids(&o.index.search(&q("党建")).unwrap()), vec![2]);
        assert_eq!(ids(&o.index.search(&q("改过")).unwrap()), vec![1]);
        // A second writer on the same directory is refused with a clear error.
        let err = SearchIndex::open_or_create(&path, WriterOptions::default()).unwrap_err();
        assert!(err.to_string().contains("in use"), "{err}");
    }
    let o = SearchIndex::open_or_create(&path, WriterOptions::default()).unwrap();
    assert!(!o.created);
    assert_eq!(o.index.applied_outbox_id(), 10);
    assert_eq!(o.index.num_docs(), 7);
    o.index.clear().unwrap();
    o.index.commit(11).unwrap();
    assert_eq!(o.index.num_docs(), 0);
}

#[test]
fn a_foreign_directory_is_recreated() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("meta.json"), "not an index").unwrap();
    let o = SearchIndex::open_or_create(dir.path(), WriterOptions::default()).unwrap();
    assert!(o.created);
    assert_eq!(o.index.num_docs(), 0);
}
