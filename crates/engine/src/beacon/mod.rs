//! The Ethereum beacon chain after Electra. This version holds the entry and exit queues'
//! arithmetic ([`churn`]), which exit-time estimates and LRT exit routes build on; validators,
//! deposits, the withdrawal sweep, slashing and rewards come with the native-restaking work.

pub mod churn;
