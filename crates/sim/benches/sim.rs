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

criterion_group!(benches, paths);
criterion_main!(benches);
