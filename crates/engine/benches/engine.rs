//! Criterion benchmarks of the engine: a realistic call mix on a large world, and the cost of
//! one slash as the number of delegated stakers grows (it must not grow: slashing is O(1) in
//! stakers). Run with `cargo bench -p rampart-engine`; `rampart bench` prints the same figures
//! at full size (1,000,000 stakers) in one go.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rampart_engine::{
    U256,
    workload::{Workload, WorkloadConfig, single_operator_world, slash_call},
};

fn mixed_calls(c: &mut Criterion) {
    let mut group = c.benchmark_group("mixed_calls");
    group.throughput(Throughput::Elements(1));
    for stakers in [10_000u32, 200_000] {
        let mut workload = Workload::build(WorkloadConfig {
            stakers,
            operators: 2_000.min(stakers / 10),
            operator_sets: 100,
            seed: 1,
        });
        workload.fund_stakers(U256::from(1_000u128 * 1_000_000_000_000_000_000));
        group.bench_with_input(BenchmarkId::from_parameter(stakers), &stakers, |b, _| {
            b.iter(|| workload.step());
        });
    }
    group.finish();
}

fn slash_cost(c: &mut Criterion) {
    let mut group = c.benchmark_group("slash_by_delegated_stakers");
    for stakers in [1_000u32, 100_000, 1_000_000] {
        let (mut world, slash) = single_operator_world(stakers);
        let call = slash_call(&slash);
        group.bench_with_input(BenchmarkId::from_parameter(stakers), &stakers, |b, _| {
            b.iter(|| {
                world.apply(&call).expect("valid slash");
            });
        });
    }
    group.finish();
}

criterion_group!(benches, mixed_calls, slash_cost);
criterion_main!(benches);
