//! Interleaved timing: the sides of a comparison take turns within each round, so load on the
//! machine that drifts from one moment to the next falls on all of them alike, and a ratio is
//! taken per round, from times measured moments apart.

use std::time::Instant;

use super::cpu_time::thread_cpu_secs;

/// What one call took in each round.
#[derive(Debug, Clone, Default)]
pub struct Times {
    /// Seconds of the thread's CPU time: the work, without the waits while other processes
    /// had the CPU.
    pub cpu: Vec<f64>,
    /// Seconds of wall-clock time, waits included.
    pub wall: Vec<f64>,
}

/// What each of `calls` takes, in `rounds` rounds after one warm-up round. The calls run back
/// to back within a round, each round starting with the next one, so that none always runs
/// first (or always right after the same other).
pub fn interleaved<const N: usize>(rounds: usize, calls: [&mut dyn FnMut(); N]) -> [Times; N] {
    let mut times: [Times; N] = std::array::from_fn(|_| Times::default());
    for round in 0..=rounds {
        for i in (0..N).map(|i| (i + round) % N) {
            let (wall, cpu) = (Instant::now(), thread_cpu_secs());
            calls[i]();
            let (cpu, wall) = (thread_cpu_secs() - cpu, wall.elapsed().as_secs_f64());
            if round > 0 {
                times[i].cpu.push(cpu);
                times[i].wall.push(wall);
            }
        }
    }
    times
}

/// Each round's `numerator / denominator`, both measured in that round.
pub fn per_round(numerator: &[f64], denominator: &[f64]) -> Vec<f64> {
    assert_eq!(numerator.len(), denominator.len(), "one value per round");
    numerator
        .iter()
        .zip(denominator)
        .map(|(n, d)| n / d)
        .collect()
}

/// Each round's `a + b`.
pub fn sum_per_round(a: &[f64], b: &[f64]) -> Vec<f64> {
    assert_eq!(a.len(), b.len(), "one value per round");
    a.iter().zip(b).map(|(a, b)| a + b).collect()
}

/// The median of per-round values and how far they spread.
#[derive(Debug, Clone, Copy)]
pub struct Spread {
    /// The median.
    pub median: f64,
    /// The lowest value.
    pub min: f64,
    /// The first quartile: a quarter of the values are at most this.
    pub q1: f64,
    /// The third quartile: three quarters of the values are at most this.
    pub q3: f64,
    /// The highest value.
    pub max: f64,
}

impl Spread {
    /// The spread of `values` (at least one).
    pub fn of(mut values: Vec<f64>) -> Spread {
        assert!(!values.is_empty(), "a spread of no values");
        values.sort_by(f64::total_cmp);
        let at = |fraction: f64| values[((values.len() - 1) as f64 * fraction).round() as usize];
        Spread {
            median: at(0.5),
            min: values[0],
            q1: at(0.25),
            q3: at(0.75),
            max: values[values.len() - 1],
        }
    }
}

/// Prints `name` (the median) and `name_min`, `name_q1`, `name_q3`, `name_max`, all in `unit`.
pub fn report_spread(name: &str, spread: Spread, unit: &str) {
    super::report(name, spread.median, unit);
    super::report(&format!("{name}_min"), spread.min, unit);
    super::report(&format!("{name}_q1"), spread.q1, unit);
    super::report(&format!("{name}_q3"), spread.q3, unit);
    super::report(&format!("{name}_max"), spread.max, unit);
}
