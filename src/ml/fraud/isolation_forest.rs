//! An isolation forest (Liu, Ting and Zhou, 2008): unsupervised, seeded and reproducible anomaly
//! scores for numeric feature rows. Pure Rust, unit-tested against the method's known properties.
//! The expense fraud model (`fraud_model`) runs it over the fraud signals' numeric features.
//!
//! In-crate because the crates looked at did not fit: extended-isolation-forest 0.2.3 (last release
//! 2022) fixes the number of features at compile time and takes no seed; isolation_forest 1.1.0 is
//! little documented and pulls in csv. The method is small. Each tree isolates a random subsample by splitting on a random
//! feature at a random value between that feature's minimum and maximum; anomalies are isolated in
//! fewer splits. The score of a row is 2^(-E[h(x)] / c(n)), in (0, 1]: near 1 for anomalies, at most
//! about 0.5 for ordinary rows.

use serde::{Deserialize, Serialize};

/// A small, seeded pseudo-random generator (SplitMix64): the same seed gives the same forest.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in 0..bound (bound > 0).
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound.max(1) as u64) as usize
    }
}

/// Average path length of an unsuccessful binary-search-tree search over n points: the normaliser
/// c(n) = 2 H(n-1) - 2 (n-1) / n, with H the harmonic number (ln + Euler's constant).
pub fn average_path_length(n: usize) -> f64 {
    match n {
        0 | 1 => 0.0,
        2 => 1.0,
        _ => {
            let n = n as f64;
            2.0 * ((n - 1.0).ln() + 0.577_215_664_901_532_9) - 2.0 * (n - 1.0) / n
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Node {
    Split {
        feature: usize,
        value: f64,
        left: usize,
        right: usize,
    },
    /// A leaf holding `size` training points.
    Leaf {
        size: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    nodes: Vec<Node>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IsolationForest {
    trees: Vec<Tree>,
    sample_size: usize,
    features: usize,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ForestError {
    #[error("no rows to learn from")]
    Empty,
    #[error("row {0} has {1} features, the first row {2}")]
    Ragged(usize, usize, usize),
    #[error("row {0} holds a value that is not a finite number")]
    NotFinite(usize),
    #[error("the forest needs at least one tree and a sample of at least 2 rows")]
    Settings,
}

impl IsolationForest {
    /// Grows `trees` trees, each on `sample_size` rows drawn without replacement (all rows when fewer),
    /// to depth ceil(log2(sample_size)).
    pub fn fit(rows: &[Vec<f64>], trees: usize, sample_size: usize, seed: u64) -> Result<Self, ForestError> {
        let first = rows.first().ok_or(ForestError::Empty)?;
        if trees == 0 || sample_size < 2 {
            return Err(ForestError::Settings);
        }
        let features = first.len();
        for (index, row) in rows.iter().enumerate() {
            if row.len() != features {
                return Err(ForestError::Ragged(index, row.len(), features));
            }
            if row.iter().any(|value| !value.is_finite()) {
                return Err(ForestError::NotFinite(index));
            }
        }
        let sample_size = sample_size.min(rows.len());
        let depth_limit = (sample_size as f64).log2().ceil() as usize;
        let mut random = SplitMix64::new(seed);
        let mut forest = Vec::with_capacity(trees);
        for _ in 0..trees {
            // Partial Fisher-Yates: the first sample_size indices are a uniform sample.
            let mut indices: Vec<usize> = (0..rows.len()).collect();
            for position in 0..sample_size {
                let pick = position + random.below(rows.len() - position);
                indices.swap(position, pick);
            }
            indices.truncate(sample_size);
            let mut tree = Tree { nodes: Vec::new() };
            grow(&mut tree, rows, indices, 0, depth_limit, features, &mut random);
            forest.push(tree);
        }
        Ok(Self { trees: forest, sample_size, features })
    }

    /// Checks a forest read from the store: the right width, and trees whose children come after
    /// their parent (so a walk always ends) and split on existing features at finite values.
    pub fn validate(&self, features: usize) -> Result<(), String> {
        if self.features != features || self.trees.is_empty() || self.sample_size < 2 {
            return Err(format!("the forest must have trees over {features} features and a sample of at least 2 rows"));
        }
        for (number, tree) in self.trees.iter().enumerate() {
            for (position, node) in tree.nodes.iter().enumerate() {
                if let Node::Split { feature, value, left, right } = node {
                    let child = |index: &usize| *index > position && *index < tree.nodes.len();
                    if *feature >= features || !value.is_finite() || !child(left) || !child(right) {
                        return Err(format!("tree {number} has a broken node at {position}"));
                    }
                }
            }
            if tree.nodes.is_empty() {
                return Err(format!("tree {number} is empty"));
            }
        }
        Ok(())
    }

    /// Anomaly score in (0, 1]; rows of the wrong width or with non-finite values score as NaN-free 0.5.
    pub fn score(&self, row: &[f64]) -> f64 {
        if row.len() != self.features || row.iter().any(|value| !value.is_finite()) || self.trees.is_empty() {
            return 0.5;
        }
        let mean_path = self.trees.iter().map(|tree| path_length(tree, row)).sum::<f64>() / self.trees.len() as f64;
        let normaliser = average_path_length(self.sample_size);
        if normaliser <= 0.0 {
            return 0.5;
        }
        2f64.powf(-mean_path / normaliser)
    }
}

fn grow(
    tree: &mut Tree,
    rows: &[Vec<f64>],
    indices: Vec<usize>,
    depth: usize,
    depth_limit: usize,
    features: usize,
    random: &mut SplitMix64,
) -> usize {
    let position = tree.nodes.len();
    tree.nodes.push(Node::Leaf { size: indices.len() });
    if indices.len() <= 1 || depth >= depth_limit || features == 0 {
        return position;
    }
    // A random feature that still varies among these rows; none: a leaf.
    let mut candidates: Vec<usize> = (0..features).collect();
    while !candidates.is_empty() {
        let feature = candidates.swap_remove(random.below(candidates.len()));
        let (low, high) = indices.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), &index| {
            (low.min(rows[index][feature]), high.max(rows[index][feature]))
        });
        if high > low {
            let value = low + random.unit() * (high - low);
            let (left_rows, right_rows): (Vec<usize>, Vec<usize>) =
                indices.iter().partition(|&&index| rows[index][feature] < value);
            let left = grow(tree, rows, left_rows, depth + 1, depth_limit, features, random);
            let right = grow(tree, rows, right_rows, depth + 1, depth_limit, features, random);
            tree.nodes[position] = Node::Split { feature, value, left, right };
            return position;
        }
    }
    position
}

/// h(x): edges to the leaf x falls into, plus c(leaf size) for the points left unseparated there.
fn path_length(tree: &Tree, row: &[f64]) -> f64 {
    let mut position = 0;
    let mut edges = 0.0;
    loop {
        match tree.nodes.get(position) {
            Some(Node::Split { feature, value, left, right }) => {
                // A feature beyond the row (only in an unvalidated forest) ends the walk.
                let Some(x) = row.get(*feature) else { return edges };
                position = if x < value { *left } else { *right };
                edges += 1.0;
            }
            Some(Node::Leaf { size }) => return edges + average_path_length(*size),
            None => return edges,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 500 points around the origin (a deterministic cloud) and a few far away.
    fn cloud_with_outliers() -> Vec<Vec<f64>> {
        let mut random = SplitMix64::new(7);
        let mut rows: Vec<Vec<f64>> =
            (0..500).map(|_| vec![random.unit() * 2.0 - 1.0, random.unit() * 2.0 - 1.0, random.unit()]).collect();
        rows.push(vec![8.0, 8.0, 0.5]);
        rows.push(vec![-9.0, 0.0, 0.5]);
        rows.push(vec![0.0, 0.0, 12.0]);
        rows
    }

    #[test]
    fn outliers_score_higher_than_every_ordinary_point() {
        let rows = cloud_with_outliers();
        let forest = IsolationForest::fit(&rows, 100, 256, 42).expect("fits");
        let ordinary_max = rows[..500].iter().map(|row| forest.score(row)).fold(0.0, f64::max);
        for outlier in &rows[500..] {
            let score = forest.score(outlier);
            assert!(score > ordinary_max, "{score} <= {ordinary_max}");
            assert!(score > 0.6, "{score}");
        }
        let ordinary_mean = rows[..500].iter().map(|row| forest.score(row)).sum::<f64>() / 500.0;
        assert!(ordinary_mean < 0.5, "{ordinary_mean}");
    }

    #[test]
    fn the_same_seed_gives_the_same_forest_and_another_seed_another() {
        let rows = cloud_with_outliers();
        let a = IsolationForest::fit(&rows, 20, 64, 1).expect("fits");
        let b = IsolationForest::fit(&rows, 20, 64, 1).expect("fits");
        let c = IsolationForest::fit(&rows, 20, 64, 2).expect("fits");
        assert_eq!(a, b);
        assert_ne!(a, c);
        let stored: IsolationForest = serde_json::from_value(serde_json::to_value(&a).expect("json")).expect("parse");
        assert_eq!(stored.score(&rows[3]), a.score(&rows[3]));
    }

    #[test]
    fn scores_stay_in_range_and_degenerate_data_gives_no_nan() {
        let constant = vec![vec![1.0, 2.0]; 50];
        let forest = IsolationForest::fit(&constant, 10, 32, 3).expect("fits");
        let score = forest.score(&[1.0, 2.0]);
        assert!(score.is_finite() && score > 0.0 && score <= 1.0, "{score}");
        // A single row, a row of the wrong width, a non-finite row.
        let single = IsolationForest::fit(&[vec![5.0]], 5, 16, 3).expect("fits");
        assert_eq!(single.score(&[5.0]), 0.5);
        assert_eq!(forest.score(&[1.0]), 0.5);
        assert_eq!(forest.score(&[f64::NAN, 1.0]), 0.5);
    }

    #[test]
    fn bad_training_input_is_refused() {
        assert_eq!(IsolationForest::fit(&[], 10, 16, 0), Err(ForestError::Empty));
        assert_eq!(IsolationForest::fit(&[vec![1.0], vec![1.0, 2.0]], 10, 16, 0), Err(ForestError::Ragged(1, 2, 1)));
        assert_eq!(IsolationForest::fit(&[vec![f64::INFINITY]], 10, 16, 0), Err(ForestError::NotFinite(0)));
        assert_eq!(IsolationForest::fit(&[vec![1.0]], 0, 16, 0), Err(ForestError::Settings));
    }

    #[test]
    fn the_normaliser_matches_the_paper() {
        assert_eq!(average_path_length(1), 0.0);
        assert_eq!(average_path_length(2), 1.0);
        // c(256) ≈ 10.24 (2 H(255) - 2 * 255 / 256).
        assert!((average_path_length(256) - 10.244).abs() < 0.01, "{}", average_path_length(256));
    }

    #[test]
    fn a_point_at_the_average_depth_scores_one_half() {
        // By definition s = 2^(-E[h]/c(n)): E[h] = c(n) gives 0.5.
        let normaliser = average_path_length(256);
        assert!((2f64.powf(-normaliser / normaliser) - 0.5).abs() < 1e-12);
    }
}
