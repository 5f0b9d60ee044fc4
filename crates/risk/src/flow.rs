//! Max-flow (Dinic) over 256-bit capacities: the exact attack search when every threshold is 1.
//!
//! With `α_s = 1`, corrupting `A` needs every operator of every service in `A`, each paying
//! `min(σ_v, Σ_{s∈A} w(s,v))`. In the network source → service (cap π_s) → operator (cap
//! w(s,v)) → sink (cap σ_v), a cut with services `A` on the source side costs exactly
//! `π_{S∖A} + Σ_v min(σ_v, Σ_{s∈A} w(s,v))`, so the minimum cut is `π_S` exactly when no attack
//! pays, and otherwise its source side is the most profitable attack.

use rampart_engine::U256;

/// A flow network.
#[derive(Debug)]
pub struct FlowNetwork {
    /// Per edge: (to, capacity left); edge `e ^ 1` is its reverse.
    edges: Vec<(usize, U256)>,
    adjacency: Vec<Vec<usize>>,
}

impl FlowNetwork {
    /// A network of `nodes` nodes and no edges.
    pub fn new(nodes: usize) -> Self {
        Self { edges: Vec::new(), adjacency: vec![Vec::new(); nodes] }
    }

    /// Adds an edge `from → to` of `capacity`.
    pub fn add_edge(&mut self, from: usize, to: usize, capacity: U256) {
        self.adjacency[from].push(self.edges.len());
        self.edges.push((to, capacity));
        self.adjacency[to].push(self.edges.len());
        self.edges.push((from, U256::ZERO));
    }

    /// The maximum flow from `source` to `sink`.
    pub fn max_flow(&mut self, source: usize, sink: usize) -> U256 {
        let mut total = U256::ZERO;
        loop {
            let Some(levels) = self.levels(source, sink) else { return total };
            let mut next = vec![0usize; self.adjacency.len()];
            loop {
                let pushed = self.push(source, sink, U256::MAX, &levels, &mut next);
                if pushed.is_zero() {
                    break;
                }
                total += pushed;
            }
        }
    }

    fn levels(&self, source: usize, sink: usize) -> Option<Vec<u32>> {
        let mut levels = vec![u32::MAX; self.adjacency.len()];
        levels[source] = 0;
        let mut queue = std::collections::VecDeque::from([source]);
        while let Some(node) = queue.pop_front() {
            for &e in &self.adjacency[node] {
                let (to, cap) = self.edges[e];
                if !cap.is_zero() && levels[to] == u32::MAX {
                    levels[to] = levels[node] + 1;
                    queue.push_back(to);
                }
            }
        }
        (levels[sink] != u32::MAX).then_some(levels)
    }

    fn push(
        &mut self,
        node: usize,
        sink: usize,
        limit: U256,
        levels: &[u32],
        next: &mut [usize],
    ) -> U256 {
        if node == sink {
            return limit;
        }
        while next[node] < self.adjacency[node].len() {
            let e = self.adjacency[node][next[node]];
            let (to, cap) = self.edges[e];
            if !cap.is_zero() && levels[to] == levels[node] + 1 {
                let pushed = self.push(to, sink, limit.min(cap), levels, next);
                if !pushed.is_zero() {
                    self.edges[e].1 -= pushed;
                    self.edges[e ^ 1].1 += pushed;
                    return pushed;
                }
            }
            next[node] += 1;
        }
        U256::ZERO
    }

    /// Nodes reachable from `source` in the residual network (the source side of a min cut).
    pub fn source_side(&self, source: usize) -> Vec<bool> {
        let mut seen = vec![false; self.adjacency.len()];
        seen[source] = true;
        let mut stack = vec![source];
        while let Some(node) = stack.pop() {
            for &e in &self.adjacency[node] {
                let (to, cap) = self.edges[e];
                if !cap.is_zero() && !seen[to] {
                    seen[to] = true;
                    stack.push(to);
                }
            }
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_textbook_flow() {
        // CLRS figure 26.1: max flow 23.
        let mut network = FlowNetwork::new(6);
        for (from, to, cap) in [
            (0, 1, 16),
            (0, 2, 13),
            (1, 3, 12),
            (2, 1, 4),
            (2, 4, 14),
            (3, 2, 9),
            (3, 5, 20),
            (4, 3, 7),
            (4, 5, 4),
        ] {
            network.add_edge(from, to, U256::from(cap));
        }
        assert_eq!(network.max_flow(0, 5), U256::from(23));
        let side = network.source_side(0);
        assert!(side[0] && !side[5]);
    }
}
