//! Counting what the import leaves out, and saying so in Chinese.
//!
//! The editor shows these to the person who uploaded the file, so that nothing is
//! dropped silently: a missing chart or footnote is something they should re-add by hand.

/// Tallies of dropped content, turned into messages once at the end so that each kind
/// is reported once, with a count, in a fixed order.
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    pub textboxes: usize,
    pub footnotes: usize,
    pub endnotes: usize,
    pub comments: usize,
    pub objects: usize,
    pub charts: usize,
    pub smartart: usize,
    pub math: usize,
    pub toc: usize,
    pub merged_tables: usize,
    pub nested_tables: usize,
    pub linked_images: usize,
    pub missing_images: usize,
    pub unsafe_links: usize,
    pub alt_chunks: usize,
    unsupported_images: Vec<(&'static str, usize)>,
    messages: Vec<String>,
}

impl Warnings {
    /// Notes an image dropped for its format (EMF, WMF, TIFF, ...).
    pub fn unsupported_image(&mut self, format: &'static str) {
        match self.unsupported_images.iter_mut().find(|(f, _)| *f == format) {
            Some((_, n)) => *n += 1,
            None => self.unsupported_images.push((format, 1)),
        }
    }

    /// A one-off message, reported before the tallies.
    pub fn push(&mut self, message: String) {
        if !self.messages.contains(&message) {
            self.messages.push(message);
        }
    }

    /// All messages, one-off ones first.
    pub fn into_messages(self) -> Vec<String> {
        let mut out = self.messages;
        for (format, n) in &self.unsupported_images {
            out.push(if *n == 1 {
                format!("不支持的图片格式 {format}，已忽略")
            } else {
                format!("不支持的图片格式 {format}，已忽略 {n} 张")
            });
        }
        let counted: [(usize, &dyn Fn(usize) -> String); 15] = [
            (self.missing_images, &|n| format!("有 {n} 张图片在文件中找不到，已忽略")),
            (self.linked_images, &|n| format!("已忽略 {n} 张链接到外部的图片")),
            (self.textboxes, &|n| format!("已忽略 {n} 个文本框")),
            (self.objects, &|n| format!("不支持的嵌入对象，已忽略 {n} 个")),
            (self.charts, &|n| format!("已忽略 {n} 个图表")),
            (self.smartart, &|n| format!("已忽略 {n} 个 SmartArt 图形")),
            (self.math, &|n| format!("已忽略 {n} 个公式")),
            (self.footnotes, &|n| format!("已忽略 {n} 个脚注")),
            (self.endnotes, &|n| format!("已忽略 {n} 个尾注")),
            (self.comments, &|n| format!("已忽略 {n} 条批注")),
            (self.toc, &|_| "已忽略目录".to_owned()),
            (self.merged_tables, &|n| format!("{n} 个表格含合并单元格，已拆分为普通单元格")),
            (self.nested_tables, &|n| format!("已将 {n} 个嵌套表格展开为文本")),
            (self.unsafe_links, &|n| format!("已去除 {n} 个链接（只保留 http、https 和 mailto 链接），文字保留")),
            (self.alt_chunks, &|n| format!("已忽略 {n} 段嵌入的外部文档内容")),
        ];
        out.extend(counted.iter().filter(|(n, _)| *n > 0).map(|(n, f)| f(*n)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_become_messages_in_order() {
        let mut w = Warnings { textboxes: 2, footnotes: 1, ..Warnings::default() };
        w.unsupported_image("EMF");
        w.unsupported_image("WMF");
        w.unsupported_image("WMF");
        w.push("样式表已损坏".into());
        w.push("样式表已损坏".into());
        assert_eq!(
            w.into_messages(),
            vec![
                "样式表已损坏",
                "不支持的图片格式 EMF，已忽略",
                "不支持的图片格式 WMF，已忽略 2 张",
                "已忽略 2 个文本框",
                "已忽略 1 个脚注",
            ]
        );
    }
}
