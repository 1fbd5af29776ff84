//! Clusters from verified edges: union-find with a guard against chaining, or centres.
//!
//! Output is deterministic: clusters are numbered by their first member, members keep input
//! order, and the representative is the member with the smallest priority key. Every tie
//! (edge order, centres, representatives) is broken by `rank`, a content order of the
//! documents, so the clusters do not depend on the order of the input. Each cluster reports its
//! weakest link: the lowest score among the edges that joined it.

use rayon::prelude::*;

use crate::lsh::{order_by, rank_of};
use crate::mix_map::MixMap;
use crate::verify::Edge;

/// How verified edges become clusters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linkage {
    /// Connected components (the full transitive closure).
    Components,
    /// Components, but two groups are only joined when the edges between them are broad:
    /// when the smaller group has several members, at least [`GUARD_SUPPORT`] of them (and at
    /// least two) must have an edge into the larger group; when the larger group has several
    /// members, the edges must reach [`GUARD_REACH`] of them (and at least two). A round-up
    /// page quoting two stories joins at most one of them, and pages that share only site
    /// furniture cannot bridge two stories: copies of a story link to most of its copies, a
    /// page of the same site to one or two.
    Guarded,
    /// Centres: documents in priority order; each one not yet taken becomes a centre and takes
    /// its untaken neighbours. Every member is directly linked to its representative.
    Centers,
}

/// Share of the smaller group's members that must link into the larger one for a guarded merge.
pub const GUARD_SUPPORT: f64 = 0.5;
/// Share of the larger group's members that the links must reach (at least two).
pub const GUARD_REACH: f64 = 0.2;
/// An edge whose documents each consist mostly of the other (both containments at least this)
/// joins without the guard: it cannot be a bridge of shared furniture or a round-up.
pub const GUARD_BYPASS: f64 = 0.8;

/// The clustering of `n` documents.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Clustering {
    /// Cluster number of each document.
    pub labels: Vec<u32>,
    /// Representative document of each cluster.
    pub representatives: Vec<u32>,
    /// Weakest joining score of each cluster (`NaN` for a single document).
    pub weakest: Vec<f64>,
    /// Merges the guard refused.
    pub refused_merges: usize,
}

/// Groups of documents, each named by its root; every document knows its group's root
/// directly. A union relabels the smaller group's members, so each document is relabelled at
/// most log2(n) times, and a lookup is one read (the guard looks up the group of every
/// neighbour it walks).
struct UnionFind {
    group: Vec<u32>,
    members: Vec<Vec<u32>>,
    weakest: Vec<f64>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            group: (0..n as u32).collect(),
            members: (0..n as u32).map(|i| vec![i]).collect(),
            weakest: vec![f64::NAN; n],
        }
    }

    /// The root of `x`'s group.
    fn root(&self, x: u32) -> u32 {
        self.group[x as usize]
    }

    /// Join the groups of roots `ra` and `rb`; returns (new root, absorbed root).
    fn union(&mut self, ra: u32, rb: u32, score: f64) -> (u32, u32) {
        let (big, small) = if self.members[ra as usize].len() >= self.members[rb as usize].len() {
            (ra, rb)
        } else {
            (rb, ra)
        };
        let moved = std::mem::take(&mut self.members[small as usize]);
        for &m in &moved {
            self.group[m as usize] = big;
        }
        self.members[big as usize].extend(moved);
        let w = self.weakest[big as usize]
            .min(self.weakest[small as usize])
            .min(score);
        self.weakest[big as usize] = if w.is_nan() { score } else { w };
        (big, small)
    }
}

/// The edge graph's adjacency lists, flat: node `x`'s neighbours and edge scores, in the order
/// the edges come (the neighbours apart, as the guard reads only them; its adjacency keeps no
/// scores).
struct Adjacency {
    start: Vec<usize>,
    neighbours: Vec<u32>,
    scores: Vec<f64>,
}

impl Adjacency {
    /// From the edges' ends and scores (`edges` gives the same edges each time it is called);
    /// without `with_scores`, the scores are not kept and [`Self::scored`] must not be used.
    fn new<I>(n: usize, edges: impl Fn() -> I, with_scores: bool) -> Self
    where
        I: Iterator<Item = (u32, u32, f64)>,
    {
        let mut start = vec![0usize; n + 1];
        for (a, b, _) in edges() {
            start[a as usize + 1] += 1;
            start[b as usize + 1] += 1;
        }
        for x in 0..n {
            start[x + 1] += start[x];
        }
        let mut fill = start.clone();
        let mut neighbours = vec![0u32; start[n]];
        let mut scores = vec![0.0f64; if with_scores { start[n] } else { 0 }];
        for (a, b, score) in edges() {
            for (x, y) in [(a, b), (b, a)] {
                neighbours[fill[x as usize]] = y;
                if with_scores {
                    scores[fill[x as usize]] = score;
                }
                fill[x as usize] += 1;
            }
        }
        Adjacency {
            start,
            neighbours,
            scores,
        }
    }

    /// The adjacency of `edges`, with their scores.
    fn of_edges(n: usize, edges: &[Edge]) -> Self {
        Self::new(n, || edges.iter().map(|e| (e.a, e.b, e.score())), true)
    }

    /// The neighbours of `x`.
    fn of(&self, x: u32) -> &[u32] {
        &self.neighbours[self.start[x as usize]..self.start[x as usize + 1]]
    }

    /// The neighbours of `x` with the scores of their edges.
    fn scored(&self, x: u32) -> impl Iterator<Item = (u32, f64)> + '_ {
        let r = self.start[x as usize]..self.start[x as usize + 1];
        self.neighbours[r.clone()]
            .iter()
            .copied()
            .zip(self.scores[r].iter().copied())
    }
}

/// A numbering of the documents under which the copies of a story are close together, and
/// its inverse: documents in the order of the least document each is linked to (itself
/// included), ties by index. Copies of a story link to one another, so most share that least
/// document. Union-find on these numbers finds a group's members, their adjacency and their
/// neighbours' groups near one another in memory; at a million documents, numbered by input
/// index, almost every one of those reads came from far memory.
fn placement(n: usize, edges: &[Edge]) -> (Vec<u32>, Vec<u32>) {
    let mut least: Vec<u32> = (0..n as u32).collect();
    for e in edges {
        let (lo, hi) = (e.a.min(e.b), e.a.max(e.b));
        least[hi as usize] = least[hi as usize].min(lo);
    }
    let by_place = order_by(&least);
    (rank_of(&by_place), by_place)
}

/// An edge in processing order, with what the union-find loop needs of it (so that the loop
/// reads the steps in order and never the edges, which at a million documents are 16M records
/// in far memory).
struct Step {
    /// The processing order: best score first (scores are positive, where the bits of an f64
    /// order like its value), then by the content ranks of the ends (the lower one first).
    order: (u64, u64),
    /// The edge's ends (`a` and `b` as in the edge), numbered by [`placement`].
    a: u32,
    b: u32,
    /// Whether the edge joins without the guard (see [`GUARD_BYPASS`]).
    bypass: bool,
}

impl Step {
    /// The edge's score.
    fn score(&self) -> f64 {
        f64::from_bits(u64::MAX - self.order.0)
    }
}

/// Edges in processing order. The order is total (no two edges share both ends), so sorting
/// by it gives the same steps in parallel or not.
fn ordered(edges: &[Edge], rank: &[u32], place: &[u32]) -> Vec<Step> {
    let mut steps: Vec<Step> = edges
        .par_iter()
        .map(|e| {
            let (x, y) = (rank[e.a as usize], rank[e.b as usize]);
            let overlap = e.overlap();
            let mutual = overlap
                .containment_a_in_b()
                .min(overlap.containment_b_in_a());
            Step {
                order: (
                    u64::MAX - e.score().to_bits(),
                    (u64::from(x.min(y)) << 32) | u64::from(x.max(y)),
                ),
                a: place[e.a as usize],
                b: place[e.b as usize],
                bypass: mutual >= GUARD_BYPASS,
            }
        })
        .collect();
    steps.par_sort_unstable_by_key(|s| s.order);
    steps
}

/// The number of members a group of `len` needs for a share `share` (at least two, or the one
/// member of a single).
fn needed(len: usize, share: f64) -> usize {
    if len < 2 {
        1
    } else {
        ((share * len as f64).ceil() as usize).max(2)
    }
}

/// What the guard keeps between checks: the size of each group's adjacency, and marks of the
/// documents the current [`Guard::supported`] check has reached.
struct Guard {
    /// Per document, the stamp of the last check that reached it.
    seen: Vec<u32>,
    /// The current check's stamp.
    stamp: u32,
    /// Per group root, the number of adjacency entries of its members.
    degree: Vec<usize>,
}

impl Guard {
    fn new(adj: &Adjacency, n: usize) -> Self {
        Guard {
            seen: vec![0; n],
            stamp: 0,
            degree: (0..n as u32).map(|x| adj.of(x).len()).collect(),
        }
    }

    /// Are the edges between groups `ra` and `rb` broad enough to join them (see
    /// [`Linkage::Guarded`])? Walks the group with fewer adjacency entries: the members of one
    /// group that have an edge into the other, and the distinct members they reach there, are
    /// the two counts the guard needs, whichever side they are counted from. Stops as soon as
    /// the verdict is certain.
    fn supported(&mut self, uf: &UnionFind, adj: &Adjacency, ra: u32, rb: u32) -> bool {
        let (sa, sb) = (uf.members[ra as usize].len(), uf.members[rb as usize].len());
        if sa < 2 && sb < 2 {
            return true;
        }
        let (small, large) = if sa <= sb { (ra, rb) } else { (rb, ra) };
        let need_small = needed(sa.min(sb), GUARD_SUPPORT);
        let need_large = needed(sa.max(sb), GUARD_REACH);
        let (walk, other) = if self.degree[small as usize] <= self.degree[large as usize] {
            (small, large)
        } else {
            (large, small)
        };
        // Walked members with an edge into `other`, and distinct members of `other` reached.
        let (need_linked, need_reached) = if walk == small {
            (need_small, need_large)
        } else {
            (need_large, need_small)
        };
        if let [m] = uf.members[walk as usize][..] {
            // One member: its neighbours are distinct, so none needs marking.
            let reached = adj.of(m).iter().filter(|&&nb| uf.root(nb) == other).count();
            return usize::from(reached > 0) >= need_linked && reached >= need_reached;
        }
        if self.stamp == u32::MAX {
            self.seen.fill(0);
            self.stamp = 0;
        }
        self.stamp += 1;
        let (mut linked, mut reached) = (0usize, 0usize);
        let members = &uf.members[walk as usize];
        for (i, &m) in members.iter().enumerate() {
            if linked + (members.len() - i) < need_linked {
                return false;
            }
            let mut any = false;
            for &nb in adj.of(m) {
                if uf.root(nb) == other {
                    any = true;
                    if self.seen[nb as usize] != self.stamp {
                        self.seen[nb as usize] = self.stamp;
                        reached += 1;
                    }
                }
            }
            linked += usize::from(any);
            if linked >= need_linked && reached >= need_reached {
                return true;
            }
        }
        false
    }

    /// Record that `small` was joined into `big`.
    fn joined(&mut self, big: u32, small: u32) {
        self.degree[big as usize] += self.degree[small as usize];
    }
}

fn union_find_groups(
    n: usize,
    edges: &[Edge],
    guarded: bool,
    rank: &[u32],
) -> (Vec<u32>, Vec<f64>, usize) {
    let (place, by_place) = placement(n, edges);
    union_find_placed(n, edges, guarded, rank, &place, &by_place)
}

/// [`union_find_groups`] with the documents numbered by `place` (a permutation; `by_place` its
/// inverse): the verdicts and the groups do not depend on the numbering, and the groups are
/// numbered back at the end.
fn union_find_placed(
    n: usize,
    edges: &[Edge],
    guarded: bool,
    rank: &[u32],
    place: &[u32],
    by_place: &[u32],
) -> (Vec<u32>, Vec<f64>, usize) {
    let steps = ordered(edges, rank, place);
    let adj = if guarded {
        Adjacency::new(n, || steps.iter().map(|s| (s.a, s.b, 0.0)), false)
    } else {
        Adjacency::new(0, std::iter::empty, false)
    };
    let mut uf = UnionFind::new(n);
    let mut guard = Guard::new(&adj, if guarded { n } else { 0 });
    let mut refused = 0;
    // Pairs of groups the guard refused, with their sizes then: a group keeps its root and
    // size until it grows, so the same pair of sizes means the same verdict.
    let mut refusals: MixMap<u64, (usize, usize)> = MixMap::default();
    for step in &steps {
        let (ra, rb) = (uf.root(step.a), uf.root(step.b));
        if ra == rb {
            continue;
        }
        if guarded && !step.bypass {
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            let pair = (u64::from(lo) << 32) | u64::from(hi);
            let sizes = (uf.members[lo as usize].len(), uf.members[hi as usize].len());
            if refusals.get(&pair) == Some(&sizes) || !guard.supported(&uf, &adj, ra, rb) {
                refusals.insert(pair, sizes);
                refused += 1;
                continue;
            }
        }
        let (big, small) = uf.union(ra, rb, step.score());
        if guarded {
            guard.joined(big, small);
        }
    }
    let roots = place
        .iter()
        .map(|&p| by_place[uf.root(p) as usize])
        .collect();
    let weakest = place
        .iter()
        .map(|&p| uf.weakest[uf.root(p) as usize])
        .collect();
    (roots, weakest, refused)
}

fn centre_groups(n: usize, edges: &[Edge], priority: &[u64], rank: &[u32]) -> (Vec<u32>, Vec<f64>) {
    let adj = Adjacency::of_edges(n, edges);
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_by_key(|&i| (priority[i as usize], rank[i as usize]));
    let mut centre = vec![u32::MAX; n];
    let mut link = vec![f64::NAN; n];
    for &c in &order {
        if centre[c as usize] != u32::MAX {
            continue;
        }
        centre[c as usize] = c;
        for (nb, score) in adj.scored(c) {
            if centre[nb as usize] == u32::MAX {
                centre[nb as usize] = c;
                link[nb as usize] = score;
            }
        }
    }
    let mut weakest = vec![f64::NAN; n];
    for i in 0..n {
        let c = centre[i] as usize;
        if !link[i].is_nan() {
            weakest[c] = if weakest[c].is_nan() {
                link[i]
            } else {
                weakest[c].min(link[i])
            };
        }
    }
    let per_doc = centre.iter().map(|&c| weakest[c as usize]).collect();
    (centre, per_doc)
}

/// Cluster `n` documents from their verified edges. `priority[i]` ranks document `i` as a
/// representative (smaller is better); `rank` is a permutation of `0..n` that breaks every tie.
/// The edge sort runs on the current rayon pool; the result does not depend on its size.
#[must_use]
pub fn cluster(
    n: usize,
    edges: &[Edge],
    linkage: Linkage,
    priority: &[u64],
    rank: &[u32],
) -> Clustering {
    let (group, weakest_of_doc, refused) = match linkage {
        Linkage::Components => union_find_groups(n, edges, false, rank),
        Linkage::Guarded => union_find_groups(n, edges, true, rank),
        Linkage::Centers => {
            let (g, w) = centre_groups(n, edges, priority, rank);
            (g, w, 0)
        }
    };
    let mut label_of_group = vec![u32::MAX; n];
    let mut labels = Vec::with_capacity(n);
    let mut representatives: Vec<u32> = Vec::new();
    let mut weakest = Vec::new();
    for i in 0..n {
        let g = group[i] as usize;
        if label_of_group[g] == u32::MAX {
            label_of_group[g] = representatives.len() as u32;
            representatives.push(i as u32);
            weakest.push(weakest_of_doc[i]);
        }
        let l = label_of_group[g];
        labels.push(l);
        let rep = &mut representatives[l as usize];
        if (priority[i], rank[i]) < (priority[*rep as usize], rank[*rep as usize]) {
            *rep = i as u32;
        }
    }
    Clustering {
        labels,
        representatives,
        weakest,
        refused_merges: refused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jaccard::Overlap;
    use crate::verify::Measure;

    /// An edge of containment `score` (in thousandths), one way only: the other way is a
    /// quarter of it, so the guard applies.
    fn e(a: u32, b: u32, score: f64) -> Edge {
        let overlap = Overlap {
            shared: (score * 1000.0).round() as usize,
            size_a: 1000,
            size_b: 4000,
        };
        let edge = Edge::new(a, b, &overlap, Measure::Containment);
        assert_eq!(
            edge.score().to_bits(),
            score.to_bits(),
            "a score in thousandths"
        );
        edge
    }

    /// Up to `most` distinct pairs `(a, b)`, `a < b < n`, sorted, drawn with `next`.
    fn random_pairs(next: &mut impl FnMut() -> u64, n: usize, most: u64) -> Vec<(u32, u32)> {
        let mut pairs: Vec<(u32, u32)> = (0..next() % most)
            .map(|_| (next() % n as u64, next() % n as u64))
            .filter(|(a, b)| a != b)
            .map(|(a, b)| (a.min(b) as u32, a.max(b) as u32))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    #[test]
    fn components_and_order() {
        let c = cluster(
            5,
            &[e(3, 4, 0.9), e(1, 3, 0.5)],
            Linkage::Components,
            &[0; 5],
            &[0, 1, 2, 3, 4],
        );
        assert_eq!(c.labels, vec![0, 1, 2, 1, 1]);
        assert_eq!(c.representatives, vec![0, 1, 2]);
        assert!(c.weakest[0].is_nan());
        assert!((c.weakest[1] - 0.5).abs() < 1e-12);
    }

    #[test]
    fn guard_stops_a_single_bridge() {
        // Stories {0,1} and {3,4}; document 2 quotes both.
        let edges = [
            e(0, 1, 0.9),
            e(3, 4, 0.9),
            e(1, 2, 0.5),
            e(2, 3, 0.4),
            e(0, 2, 0.45),
        ];
        let g = cluster(5, &edges, Linkage::Guarded, &[0; 5], &[0, 1, 2, 3, 4]);
        assert_eq!(g.labels, vec![0, 0, 0, 1, 1]);
        assert_eq!(g.refused_merges, 1);
        let c = cluster(5, &edges, Linkage::Components, &[0; 5], &[0, 1, 2, 3, 4]);
        assert_eq!(c.labels, vec![0; 5]);
    }

    #[test]
    fn guard_counts_from_either_side() {
        let mut next = crate::testing::xorshift(5);
        for _ in 0..200 {
            let n = 2 + (next() % 40) as usize;
            let pairs = random_pairs(&mut next, n, 120);
            let edges: Vec<Edge> = pairs.iter().map(|&(a, b)| e(a, b, 0.5)).collect();
            let adj = Adjacency::of_edges(n, &edges);
            let mut uf = UnionFind::new(n);
            let mut guard = Guard::new(&adj, n);
            // Random groups, then every pair of groups asked both ways.
            for _ in 0..n / 2 {
                let (ra, rb) = (
                    uf.root((next() % n as u64) as u32),
                    uf.root((next() % n as u64) as u32),
                );
                if ra != rb {
                    let (big, small) = uf.union(ra, rb, 0.5);
                    guard.joined(big, small);
                }
            }
            let roots: Vec<u32> = (0..n as u32).filter(|&x| uf.root(x) == x).collect();
            for &ra in &roots {
                for &rb in &roots {
                    if ra == rb {
                        continue;
                    }
                    // The guard's rule, counted directly.
                    let (sa, sb) = (uf.members[ra as usize].len(), uf.members[rb as usize].len());
                    let (small, large) = if sa <= sb { (ra, rb) } else { (rb, ra) };
                    let into = |x: u32, g: u32| adj.of(x).iter().any(|&nb| uf.root(nb) == g);
                    let linked = uf.members[small as usize]
                        .iter()
                        .filter(|&&m| into(m, large))
                        .count();
                    let ends = uf.members[large as usize]
                        .iter()
                        .filter(|&&m| into(m, small))
                        .count();
                    let expected = (sa < 2 && sb < 2)
                        || (linked >= needed(sa.min(sb), GUARD_SUPPORT)
                            && ends >= needed(sa.max(sb), GUARD_REACH));
                    assert_eq!(guard.supported(&uf, &adj, ra, rb), expected);
                }
            }
        }
    }

    #[test]
    fn numbering_changes_no_group() {
        let mut next = crate::testing::xorshift(9);
        for round in 0..300 {
            let n = 2 + (next() % 60) as usize;
            let pairs = random_pairs(&mut next, n, 200);
            // Scores of small sizes, so many tie (ties go to the ranks), and overlaps on both
            // sides of the guard's bypass.
            let edges: Vec<Edge> = pairs
                .iter()
                .map(|&(a, b)| {
                    let (size_a, size_b) = (1 + next() % 10, 1 + next() % 10);
                    let shared = 1 + next() % size_a.min(size_b);
                    let overlap = Overlap {
                        shared: shared as usize,
                        size_a: size_a as usize,
                        size_b: size_b as usize,
                    };
                    Edge::new(a, b, &overlap, Measure::Containment)
                })
                .collect();
            let shuffle: Vec<u64> = (0..n).map(|_| next()).collect();
            let mut rank: Vec<u32> = (0..n as u32).collect();
            rank.sort_by_key(|&d| shuffle[d as usize]);
            let identity: Vec<u32> = (0..n as u32).collect();
            let reversed: Vec<u32> = identity.iter().rev().copied().collect();
            let (place, by_place) = placement(n, &edges);
            for guarded in [false, true] {
                let plain = union_find_placed(n, &edges, guarded, &rank, &identity, &identity);
                for (p, inv) in [(&place, &by_place), (&reversed, &reversed)] {
                    let (roots, weakest, refused) =
                        union_find_placed(n, &edges, guarded, &rank, p, inv);
                    assert_eq!(roots, plain.0, "round {round}");
                    assert_eq!(refused, plain.2, "round {round}");
                    let same = |x: f64, y: f64| x.to_bits() == y.to_bits();
                    assert!(weakest.iter().zip(&plain.1).all(|(&x, &y)| same(x, y)));
                }
            }
        }
    }

    #[test]
    fn centres_link_members_to_their_representative() {
        // A chain 0-1-2 with 1 preferred: one cluster around 1.
        let c = cluster(
            4,
            &[e(0, 1, 0.8), e(1, 2, 0.6)],
            Linkage::Centers,
            &[5, 1, 5, 5],
            &[0, 1, 2, 3],
        );
        assert_eq!(c.labels, vec![0, 0, 0, 1]);
        assert_eq!(c.representatives, vec![1, 3]);
        // A chain 0-1-2 with 0 preferred: 2 is not linked to 0, so it stands alone.
        let c = cluster(
            3,
            &[e(0, 1, 0.8), e(1, 2, 0.6)],
            Linkage::Centers,
            &[0, 5, 5],
            &[0, 1, 2],
        );
        assert_eq!(c.labels, vec![0, 0, 1]);
    }
}
