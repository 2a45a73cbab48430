//! Prints the Markdown of a .docx file, for checking the importer by hand:
//! `cargo run -p dangjian-docx --example docx_to_md -- 文件.docx`.
//! The title and warnings go to stderr, so stdout is the Markdown alone.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("用法：docx_to_md 文件.docx");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("无法读取 {}：{e}", path.to_string_lossy());
            return ExitCode::FAILURE;
        }
    };
    match dangjian_docx::import(&bytes, &dangjian_docx::Limits::default()) {
        Ok(doc) => {
            if let Some(title) = &doc.title {
                eprintln!("标题：{title}");
            }
            for image in &doc.images {
                eprintln!("图片：{} {} {} 字节", image.placeholder, image.content_type, image.bytes.len());
            }
            for warning in &doc.warnings {
                eprintln!("提示：{warning}");
            }
            print!("{}", doc.markdown);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
