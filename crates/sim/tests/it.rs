//! The simulator end to end: reproducibility (bytes, threads, chunks), Parquet round trip, a
//! bank run that emerges from holders' behaviour, the strategy comparison, conservation of
//! assets, and cascades within the risk engine's bound.

use std::path::{Path, PathBuf};

use arrow::array::Array;
use proptest::prelude::*;
use rampart_engine::accounts::NATIVE_ETH;
use rampart_sim::{Model, Prepared, cast, prepare, run, run_paths, table};

fn repo(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative)
}

fn tiny() -> Prepared {
    rampart_sim::load(&repo("scenarios/sim/tiny.toml")).unwrap()
}

/// A small model from text (reference world of `world`, parameters `params`).
fn model(runs: u64, timesteps: u64, world: &str, params: &str) -> Prepared {
    let text = format!(
        "name = \"t\"\nseed = 3\nruns = {runs}\ntimesteps = {timesteps}\n[world.reference]\n{world}\n[params]\n{params}\n"
    );
    prepare(Model::parse(&text).unwrap(), Path::new(".")).unwrap()
}

const SMALL_WORLD: &str = r#"services = 3
operators = 4
top_operators = 1
services_per_operator = 2
direct_eth = 5000
cohorts = [[5000, 0.5], [5000, 3.0]]
lrt = [{ preset = "puffer", supply_eth = 3000, buffer_bps = 200, operators = 2 }]"#;

/// An int64 column of a results table.
fn int_column(batch: &arrow::array::RecordBatch, name: &str) -> Vec<i64> {
    batch
        .column_by_name(name)
        .unwrap()
        .as_any()
        .downcast_ref::<arrow::array::Int64Array>()
        .unwrap()
        .values()
        .to_vec()
}

fn bytes_of(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap()
}

#[test]
fn the_same_seed_writes_the_same_bytes_on_one_and_two_threads() {
    let prepared = tiny();
    let one = run(&prepared, 1, &|| ()).unwrap();
    let two = run(&prepared, 2, &|| ()).unwrap();
    assert_eq!(one.paths, two.paths);
    assert_eq!(one.summary, two.summary);
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    rampart_sim::write_outputs(&prepared, &one, a.path()).unwrap();
    rampart_sim::write_outputs(&prepared, &two, b.path()).unwrap();
    for file in ["paths.parquet", "paths.csv", "exits.csv", "summary.json", "fan_rate_ezETH.svg"] {
        assert_eq!(bytes_of(a.path(), file), bytes_of(b.path(), file), "{file} differs");
    }
    // Another seed is another future.
    let mut other = prepared;
    other.model.seed += 1;
    other.hash = other.model.hash();
    let third = run(&other, 2, &|| ()).unwrap();
    assert_ne!(one.paths, third.paths);
}

/// Seed ranges (what a Ray task runs) concatenate to the whole run, row for row.
#[test]
fn chunks_concatenate_to_the_whole_run() {
    let prepared = tiny();
    let whole = run_paths(&prepared, 0..prepared.path_count()).unwrap();
    for chunk in [1u64, 3] {
        let parts: Vec<_> = (0..prepared.path_count())
            .step_by(usize::try_from(chunk).unwrap())
            .map(|start| run_paths(&prepared, start..start + chunk).unwrap())
            .collect();
        let joined = arrow::compute::concat_batches(&whole.schema(), &parts).unwrap();
        assert_eq!(joined, whole, "chunks of {chunk}");
    }
}

#[test]
fn the_table_has_radcad_columns_and_order() {
    let prepared = tiny();
    let batch = run_paths(&prepared, 0..2).unwrap();
    let names: Vec<String> = batch.schema().fields().iter().map(|f| f.name().clone()).collect();
    assert_eq!(&names[names.len() - 5..], ["simulation", "subset", "run", "substep", "timestep"]);
    assert_eq!(batch.num_rows(), 2 * (1 + 30));
    let col = |name: &str| int_column(&batch, name);
    assert_eq!(col("run")[0], 1);
    assert_eq!(col("run")[31], 2);
    assert_eq!((col("timestep")[0], col("substep")[0]), (0, 0));
    assert_eq!((col("timestep")[30], col("substep")[30]), (30, 6));
    // γ is read at the start and every 10 steps only.
    let gamma = batch
        .column_by_name("gamma")
        .unwrap()
        .as_any()
        .downcast_ref::<arrow::array::Float64Array>()
        .unwrap()
        .clone();
    let read: Vec<usize> = (0..31).filter(|&t| gamma.is_valid(t)).collect();
    assert_eq!(read, vec![0, 10, 20, 30]);
}

/// With `substeps = true` every partial state update block is a row (cadCAD's table), and
/// recording them changes nothing: the end-of-step rows are the rows of the same run without.
#[test]
fn substeps_are_rows_and_recording_them_changes_nothing() {
    let plain = tiny();
    let mut model = plain.model.clone();
    model.substeps = true;
    let detailed =
        rampart_sim::prepare(model, std::path::Path::new("../../scenarios/sim")).unwrap();
    let (a, b) = (run_paths(&plain, 0..2).unwrap(), run_paths(&detailed, 0..2).unwrap());
    let steps = 30;
    let blocks = rampart_sim::path::SUBSTEPS;
    assert_eq!(b.num_rows(), 2 * (1 + steps * usize::try_from(blocks).unwrap()));
    let (t, s) = (int_column(&b, "timestep"), int_column(&b, "substep"));
    assert_eq!((t[0], s[0]), (0, 0));
    assert_eq!(
        (1..=6).map(|r| (t[r], s[r])).collect::<Vec<_>>(),
        (1..=6).map(|k| (1, k)).collect::<Vec<_>>()
    );
    // Keep the initial state and each step's last block: the plain table, cell for cell.
    let keep: Vec<u32> = (0..b.num_rows())
        .filter(|&r| s[r] == 0 || s[r] == i64::try_from(blocks).unwrap())
        .map(|r| u32::try_from(r).unwrap())
        .collect();
    let kept =
        arrow::compute::take_record_batch(&b, &arrow::array::UInt32Array::from(keep)).unwrap();
    assert_eq!(kept, a);
    // Slashes happen in the faults block: a step's `slashed` is zero before it.
    let slashed = b.column_by_name("slashed").unwrap();
    let slashed = slashed.as_any().downcast_ref::<arrow::array::Decimal128Array>().unwrap();
    for (r, &substep) in s.iter().enumerate() {
        if substep == 1 {
            assert_eq!(slashed.value(r), 0, "row {r}: block 1 is before the faults");
        }
    }
}

#[test]
fn parquet_round_trip() {
    let prepared = tiny();
    let batch = run_paths(&prepared, 0..3).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("paths.parquet");
    table::write_parquet(&file, &batch, &[("rampart.seed", "7".into())]).unwrap();
    assert_eq!(table::read_parquet(&file).unwrap(), batch);
}

/// A bank run from behaviour: a large slash of the LRT's operators makes the sensitive
/// holders withdraw; the 2% buffer pays the first ones instantly, then empties, the rest
/// queue, and the queue waits for the unwind through EigenLayer's delay and the beacon exit
/// queue. Under the same futures without faults the queue stays small.
#[test]
fn a_bank_run_emerges_from_a_loss() {
    let calm = model(
        2,
        40,
        SMALL_WORLD,
        "fault_rate = 0\ncatastrophic_rate = 0\noutage_rate = 0\noperator_exit_rate = 0\nlrt_depegs_per_year = 0",
    );
    let shock = model(
        2,
        40,
        SMALL_WORLD,
        "fault_rate = 0\ncatastrophic_rate = 30\ncatastrophic_min_bps = 500\ncatastrophic_max_bps = 1500\noutage_rate = 0\noperator_exit_rate = 0\nlrt_depegs_per_year = 0",
    );
    let calm = run(&calm, 2, &|| ()).unwrap();
    let shocked = run(&shock, 2, &|| ()).unwrap();
    let peak = |r: &rampart_sim::Results| r.summary.lrt_peak_queue_bps["pufETH"][2];
    // Calm flows queue a little (Puffer's instant exit is capped at 100 ETH a day); a loss
    // makes the queue several times larger and far beyond the 2% buffer.
    assert!(
        peak(&shocked) > 3 * peak(&calm).max(1),
        "calm {} shocked {}",
        peak(&calm),
        peak(&shocked)
    );
    assert!(peak(&shocked) > 200, "the queue outgrows the 2% buffer: {}", peak(&shocked));
    let routes = &shocked.summary.exits.count_by_route;
    assert!(routes.get("instant").copied().unwrap_or(0) > 0, "the buffer paid the first");
    let queued = shocked.summary.exits.queued_steps.expect("queued exits were paid");
    assert!(queued[0] >= 14, "queued exits waited the cooldown and the unwind: {queued:?}");
    assert!(shocked.summary.lrt_drawdown_bps["pufETH"][2] > 0);
    // The queued exits were paid with ETH the manager's unwinds brought back through Lido:
    // requests made, finalized by its oracle after the exit queue, claimed by the pool.
    let prepared = model(
        1,
        40,
        SMALL_WORLD,
        "fault_rate = 0\ncatastrophic_rate = 30\ncatastrophic_min_bps = 500\ncatastrophic_max_bps = 1500\noutage_rate = 0\noperator_exit_rate = 0\nlrt_depegs_per_year = 0",
    );
    let (_, world) = rampart_sim::path::run_with_world(&prepared, prepared.key(0)).unwrap();
    let lido = &world.lido;
    assert!(lido.last_finalized_request_id > 0, "the oracle finalized requests");
    let pool = prepared.cast.lrts[0].pool;
    let claimed = (1..=lido.last_finalized_request_id)
        .filter_map(|id| lido.request(id))
        .filter(|r| r.claimed && r.owner == pool)
        .count();
    assert!(claimed > 0, "the pool claimed its ETH from Lido");
}

/// The strategy question under calm futures (no faults): direct restaking keeps the whole
/// yield, the LRT pays its fee on rewards, the hybrid is in between; the LRT is exposed to
/// the services of all its operators, direct restaking to one operator's.
#[test]
fn strategies_compare_under_the_same_futures() {
    let world = format!("{SMALL_WORLD}\n",)
        .replace("lrt = [{ preset = \"puffer\"", "lrt = [{ preset = \"renzo\"");
    let text = format!(
        "name = \"s\"\nseed = 1\nruns = 3\ntimesteps = 60\n[world.reference]\n{world}\n[params]\nfault_rate = 0\ncatastrophic_rate = 0\noutage_rate = 0\noperator_exit_rate = 0\n[strategy]\namount_eth = 64\nlrt = \"ezETH\"\noperator = \"op-001\"\n"
    );
    let prepared = prepare(Model::parse(&text).unwrap(), Path::new(".")).unwrap();
    let results = run(&prepared, 2, &|| ()).unwrap();
    let by = |name: &str| results.summary.strategies.iter().find(|s| s.name == name).unwrap();
    let (lrt, direct, hybrid) = (by("lrt"), by("direct"), by("hybrid"));
    assert!(
        direct.net_return_bps[0] > hybrid.net_return_bps[0],
        "{:?} {:?}",
        direct.net_return_bps,
        hybrid.net_return_bps
    );
    assert!(
        hybrid.net_return_bps[0] > lrt.net_return_bps[0],
        "{:?} {:?}",
        hybrid.net_return_bps,
        lrt.net_return_bps
    );
    assert!(direct.net_return_bps[0] > 0.0);
    assert_eq!(direct.exposed_services.len(), 2);
    assert!(
        lrt.exposed_services.len() > direct.exposed_services.len()
            || lrt.exposed_services.len() == 3
    );
    assert_eq!(
        hybrid.exposed_services.len(),
        lrt.exposed_services.len().max(direct.exposed_services.len())
    );
}

/// Every catastrophic shock's cascade (found by the risk engine on the world as it stood)
/// stays within the Durvasula–Roughgarden bound for that network.
#[test]
fn simulated_cascades_stay_within_the_bound() {
    let prepared =
        model(4, 30, SMALL_WORLD, "catastrophic_rate = 20\nprofit_from_corruption_bps = 5000");
    let results = run(&prepared, 2, &|| ()).unwrap();
    assert!(results.summary.cascades_checked > 0, "the model produced catastrophic shocks");
    assert_eq!(results.summary.cascades_within_bound, results.summary.cascades_checked);
    let largest = results.summary.largest_cascade.unwrap();
    assert!(largest.loss_ppm <= largest.bound_ppm);
    assert!(largest.loss_ppm >= largest.shock_ppm);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Conservation: after any path, every module's invariants hold (ledger sums equal
    /// supplies, EigenLayer's and the LRTs' accounting), Lido holds the ETH behind every
    /// stETH, its queue the ETH it owes, and the same (model, seed, key) gives the same path.
    #[test]
    fn every_asset_is_conserved(seed in 0u64..1_000, faults in 0.0f64..5.0, sensitivity in 0.0f64..2_000.0) {
        let mut prepared = model(1, 20, SMALL_WORLD, &format!("fault_rate = {faults}\ncatastrophic_rate = {}\nwithdraw_per_loss_bps = {sensitivity}", faults / 5.0));
        prepared.model.seed = seed;
        prepared.hash = prepared.model.hash();
        let key = prepared.key(0);
        let (out, world) = rampart_sim::path::run_with_world(&prepared, key).unwrap();
        prop_assert!(out.final_world_check.is_none(), "{:?}", out.final_world_check);
        let steth = world.ledger.token(cast::steth()).unwrap().total_supply;
        let buffer = world.ledger.balance_of(NATIVE_ETH, cast::lido());
        let queue = rampart_engine::lido::withdrawal_queue_address();
        // Every stETH was submitted to Lido for ETH its buffer keeps; a finalized request
        // burns its stETH and moves that ETH to the queue, which pays exactly what it locked.
        prop_assert_eq!(buffer, steth);
        prop_assert_eq!(world.ledger.balance_of(NATIVE_ETH, queue), world.lido.locked_ether);
        let again = rampart_sim::path::run(&prepared, key).unwrap();
        prop_assert_eq!(out, again);
    }
}

fn multi_protocol() -> Prepared {
    rampart_sim::load(&repo("scenarios/sim/multi_protocol.toml")).unwrap()
}

fn named(name: &str) -> rampart_engine::Address {
    rampart_engine::accounts::named_address(name)
}

/// A scenario world with services in three protocols: the cast finds each (EigenLayer, then
/// Symbiotic, then Karak), merges operators across protocols by address, and makes a fault link
/// of every (operator, service) pair.
#[test]
fn the_cast_finds_services_in_every_protocol() {
    use rampart_sim::cast::ServiceKind;
    let prepared = multi_protocol();
    let cast = &prepared.cast;
    let names: Vec<&str> = cast.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["avs1/0", "symbiotic:net1#0", "karak:dss1"]);
    let protocols: Vec<&str> = cast.services.iter().map(|s| s.protocol()).collect();
    assert_eq!(protocols, ["eigenlayer", "symbiotic", "karak"]);
    let ServiceKind::Symbiotic { subnetwork, middleware, vaults } = &cast.services[1].kind else {
        panic!("{:?}", cast.services[1])
    };
    assert_eq!(
        (subnetwork.network, subnetwork.identifier, *middleware),
        (named("net1"), 0, named("mw1"))
    );
    assert_eq!(vaults.len(), 2, "the instant and the veto vault");
    assert_eq!(cast.services[2].kind, ServiceKind::Karak { dss: named("dss1") });
    let by_name = |name: &str| cast.operators.iter().find(|o| o.name == name).unwrap();
    assert_eq!(by_name("op1").services, [0, 1, 2]);
    assert_eq!(by_name("op2").services, [0, 1]);
    assert_eq!(by_name("op3").services, [2]);
    assert_eq!(cast.operators.len(), 3);
    assert_eq!(prepared.links.len(), 6);
}

/// High fault rates on the three-protocol world: every path slashes through each protocol's
/// own path — EigenLayer magnitudes fall, both Symbiotic vaults send collateral to the burner
/// (the veto slasher's only by requests executed after their 1-day veto deadline, within the
/// capture's epoch), Karak vaults lose assets by finalized requests. The `slashed_total` column
/// is exactly the sum of what the three protocols took, the invariants hold, and the same seed
/// gives the same rows.
#[test]
fn faults_slash_through_eigenlayer_symbiotic_and_karak() {
    use rampart_engine::{
        U256,
        symbiotic::{SlasherKind, Subnetwork},
    };
    use rampart_sim::table::Cell;
    let prepared = multi_protocol();
    let start = &prepared.world;
    let strategy = prepared.cast.steth_strategy;
    let hundred = U256::from(100u64) * U256::from(10u64).pow(U256::from(18u64));
    let subnetwork = Subnetwork { network: named("net1"), identifier: 0 };
    let vault_of = |world: &rampart_engine::World, operator: &str| {
        *world
            .symbiotic
            .vaults
            .iter()
            .find(|(_, v)| {
                matches!(&v.delegator.kind,
                    rampart_engine::symbiotic::DelegatorKind::OperatorSpecific { operator: o, .. }
                        if *o == named(operator))
            })
            .unwrap()
            .0
    };
    let (instant, veto) = (vault_of(start, "op1"), vault_of(start, "op2"));
    let karak_vaults: Vec<_> = start.karak.vaults.keys().copied().collect();
    assert_eq!(karak_vaults.len(), 2);
    for p in 0..prepared.path_count() {
        let key = prepared.key(p);
        let (out, world) = rampart_sim::path::run_with_world(&prepared, key).unwrap();
        assert!(out.final_world_check.is_none(), "path {p}: {:?}", out.final_world_check);
        // EigenLayer: both operators' stETH magnitudes were slashed.
        let mut el_taken = U256::ZERO;
        for op in ["op1", "op2"] {
            let magnitude = world.eigenlayer.operator_max_magnitude(Some(named(op)), strategy);
            assert!(
                magnitude < 1_000_000_000_000_000_000,
                "path {p}: {op} not slashed in EigenLayer"
            );
            el_taken += start.eigenlayer.operator_shares(named(op), strategy)
                - world.eigenlayer.operator_shares(named(op), strategy);
        }
        // Symbiotic: the instant vault slashed at once, the veto vault by executed requests.
        let mut sym_taken = U256::ZERO;
        for vault in [instant, veto] {
            let slashed = world.symbiotic.vaults[&vault].totals.slashed;
            assert!(!slashed.is_zero(), "path {p}: Symbiotic vault {vault} not slashed");
            assert!(world.ledger.balance_of(cast::steth(), named("sym_burner")) >= slashed);
            sym_taken += slashed;
        }
        let v = &world.symbiotic.vaults[&veto];
        let slasher = v.slasher.as_ref().unwrap();
        let SlasherKind::Veto { slash_requests, .. } = &slasher.kind else {
            panic!("a veto slasher")
        };
        assert!(slash_requests.iter().any(|r| r.completed), "path {p}: no request executed");
        // Each execution (a cumulative-slash checkpoint, at its time) came after the deadline
        // of a request it could execute, and within that request's capture epoch.
        let executions = slasher.cumulative_slash.get(&(subnetwork, named("op2"))).unwrap();
        for &(at, _) in executions.iter() {
            assert!(
                slash_requests.iter().any(|r| r.completed
                    && r.veto_deadline <= at
                    && at - r.capture_timestamp <= v.epoch_duration),
                "path {p}: an execution at {at} before any deadline"
            );
        }
        // Karak: finalized requests took assets (only a slash lowers a vault's assets here).
        let mut karak_taken = U256::ZERO;
        for &vault in &karak_vaults {
            let assets = world.karak.total_assets(&world.ledger, vault).unwrap();
            assert!(assets <= hundred);
            karak_taken += hundred - assets;
        }
        assert!(!karak_taken.is_zero(), "path {p}: Karak not slashed");
        // The slashed column counts all three, exactly.
        let total = out.rows.last().unwrap()[7];
        assert_eq!(total, Cell::Wei(el_taken + sym_taken + karak_taken), "path {p}");
        let again = rampart_sim::path::run(&prepared, key).unwrap();
        assert_eq!(out, again, "path {p} is not deterministic");
    }
    // The whole table too, on one thread and two.
    let one = run(&prepared, 1, &|| ()).unwrap();
    let two = run(&prepared, 2, &|| ()).unwrap();
    assert_eq!(one.paths, two.paths);
}
