//! Times each analysis on a network file: `cargo run --release -p rampart-risk --example timing FILE`.
use std::time::Instant;

use num_rational::BigRational;
use num_traits::One;
use rampart_risk::{cascade, certificates, file::parse_network, metrics};

fn main() {
    let path = std::env::args().nth(1).expect("a network file");
    let network = parse_network(&std::fs::read_to_string(path).unwrap(), false).unwrap();
    let t = Instant::now();
    let _ = certificates::eigenlayer_condition(&network);
    println!("el {:?}", t.elapsed());
    let t = Instant::now();
    let _ = certificates::lp_certificate(&network);
    println!("lp {:?}", t.elapsed());
    let t = Instant::now();
    for s in 0..network.services.len() {
        let _ = metrics::cost_of_corruption(&network, s);
    }
    println!("coc {:?}", t.elapsed());
    let t = Instant::now();
    let _ = network.greedy_attack(&BigRational::one());
    println!("greedy {:?}", t.elapsed());
    let t = Instant::now();
    let shock = cascade::largest_first_shock(&network, &BigRational::new(1.into(), 100.into()));
    let c = cascade::simulate(&network, &shock);
    println!("cascade {:?} rounds {}", t.elapsed(), c.rounds.len());
}
