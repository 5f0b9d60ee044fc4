//! Criterion benchmarks of the engine: a realistic call mix on a large world, and the cost of
//! one slash as the number of delegated stakers grows (it must not grow: slashing is O(1) in
//! stakers). Run with `cargo bench -p rampart-engine`; `rampart bench` prints the same figures
//! at full size (1,000,000 stakers) in one go.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rampart_engine::{
    Action, Call, U256, World,
    accounts::named_address,
    workload::{Workload, WorkloadConfig, single_operator_world, slash_call},
};
use serde_json::json;

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

/// The engine's own cost of one small call, parsed once: the baseline the Python package's
/// per-call overhead is measured against (python/benchmarks/call_overhead.py makes the same
/// call through `World.call`).
fn one_call(c: &mut Criterion) {
    let mut world = World::default();
    let admin = world.admin;
    let mint = json!({ "to": "alice", "token": "stETH", "amount": "1000000000000 ether" });
    let mint = Call { sender: admin, action: Action::parse("token.mint", mint).expect("mint") };
    world.apply(&mint).expect("the admin mints");
    let transfer = json!({ "token": "stETH", "to": "bob", "amount": "1" });
    let transfer = Call {
        sender: named_address("alice"),
        action: Action::parse("token.transfer", transfer).expect("transfer"),
    };
    c.bench_function("one_call/token.transfer", |b| {
        b.iter(|| world.apply(&transfer).expect("alice holds enough"));
    });
}

criterion_group!(benches, mixed_calls, slash_cost, one_call);
criterion_main!(benches);
