//! Entry point; everything lives in the library so tests can call it.

fn main() -> std::process::ExitCode {
    dangjian::run()
}
