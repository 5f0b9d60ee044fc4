//! Paths per second of the tiny model and of a reference-size path, and rows per second of
//! the radCAD-comparison model (`benchmarks/radcad/`).

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};

fn repo(relative: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative)
}

fn paths(c: &mut Criterion) {
    let tiny = rampart_sim::load(&repo("scenarios/sim/tiny.toml")).unwrap();
    c.bench_function("tiny: one path of 30 days", |b| {
        b.iter(|| rampart_sim::run_paths(&tiny, 0..1).unwrap());
    });
    let mut reference = rampart_sim::load(&repo("scenarios/sim/reference_2026.toml")).unwrap();
    reference.model.timesteps = 30;
    let mut group = c.benchmark_group("reference");
    group.sample_size(10);
    group.bench_function("reference 2026: one path of 30 days", |b| {
        b.iter(|| rampart_sim::run_paths(&reference, 0..1).unwrap());
    });
    group.finish();
}

/// radCAD's comparison: the restaking core, 3 subsets × 1 run × 20,000 timesteps × 2
/// substeps = 120,003 state rows, on one thread and on two.
fn restaking_core(c: &mut Criterion) {
    use rampart_sim::cadcad::{Simulation, restaking_core};
    let model = restaking_core::model(restaking_core::benchmark_subsets());
    let sim = Simulation { timesteps: 20_000, runs: 1, seed: 1 };
    let mut group = c.benchmark_group("restaking core (radCAD comparison)");
    group.throughput(criterion::Throughput::Elements(3 * (1 + 20_000 * 2)));
    group.sample_size(10);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        group.bench_function(format!("{threads} thread(s)"), |b| {
            b.iter(|| pool.install(|| model.run(sim, 0..3).unwrap()));
        });
    }
    group.finish();
}

criterion_group!(benches, restaking_core, paths);
criterion_main!(benches);
