//! Entry point; everything lives in the library so tests can call it.

/// mimalloc instead of glibc's malloc: a cached page is served with a handful of small
/// allocations per request (headers, futures), and mimalloc's thread-local free lists
/// make those cheaper (measured in BENCHMARKS.md, "Allocator").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    dangjian::run()
}
