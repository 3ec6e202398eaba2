fn main() -> std::process::ExitCode {
    tune_allocator();
    std::process::ExitCode::from(billrecon::main(std::env::args_os()))
}

/// glibc's allocator, left as it is, gives each reading thread an arena of its own and raises
/// its threshold for mapping large blocks whenever one is freed: the tallies of a file's pieces,
/// allocated on one thread and freed on another, then leave holes that are never returned,
/// and a 50,000-row register took about 40 % more than the memory it held. One arena and a
/// fixed threshold keep the peak near what is held (scripts/bench-register, BENCHMARKS.md).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    use std::ffi::c_int;
    extern "C" {
        fn mallopt(param: c_int, value: c_int) -> c_int;
    }
    const M_MMAP_THRESHOLD: c_int = -3;
    const M_ARENA_MAX: c_int = -8;
    // SAFETY: mallopt only sets allocator parameters; it is called before any thread starts,
    // and a value it refuses leaves the default in place.
    unsafe {
        mallopt(M_ARENA_MAX, 1);
        mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}
