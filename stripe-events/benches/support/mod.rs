//! What the std-only benches share: a counting allocator, medians of timed runs, interleaved
//! rounds with per-round ratios ([`rounds`]), the signed example deliveries ([`bodies`]), and
//! the `name<TAB>value<TAB>unit` output.
#![allow(dead_code)]

pub mod bodies;
pub mod cpu_time;
pub mod rounds;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Counts allocations; a bench installs it with `#[global_allocator]`.
pub struct CountingAlloc;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to `System`, only counting.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Allocations per call of `f`, averaged over `calls` calls.
pub fn allocations_per_call(calls: usize, mut f: impl FnMut()) -> f64 {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..calls {
        f();
    }
    (ALLOCATIONS.load(Ordering::Relaxed) - before) as f64 / calls as f64
}

/// The median, over `runs` runs after one warm-up run, of the seconds one run of `f` takes.
pub fn median_secs(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut run = || {
        let start = Instant::now();
        f();
        start.elapsed().as_secs_f64()
    };
    run();
    let mut times: Vec<f64> = (0..runs).map(|_| run()).collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

/// Prints one figure.
pub fn report(name: &str, value: f64, unit: &str) {
    println!("{name}\t{value:.2}\t{unit}");
}
