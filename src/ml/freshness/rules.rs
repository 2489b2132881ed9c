//! When a kind's stored predictions can serve a reader, and when a refresh must rescore everyone.
//! Pure Rust, unit-tested.

/// More stale keys than this and a reader scores everyone in one pass instead: one pass over every
/// customer costs about as much as this many single-customer lookups.
pub const MOST_LIVE_KEYS: usize = 2_000;

/// What the marks and the `prediction_runs` row of a kind say, as one statement sees them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Freshness {
    /// The model version of the stored predictions (None: never refreshed).
    pub run_version: Option<i32>,
    /// Their scoring date (days since 2000-01-01; None for fraud, whose scores have no date).
    pub run_as_of: Option<i32>,
    /// A mark of unknown key: every stored prediction is stale.
    pub unknown: bool,
    /// The keys marked stale (customers or employees), ascending and distinct.
    pub stale: Vec<i32>,
}

/// How a reader gets the scores of this statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The stored predictions, but for the `stale` keys, which are scored live.
    Stored { stale: Vec<i32> },
    /// Everyone scored live: the stored predictions are another model's or another date's, or too
    /// many are stale.
    Live,
}

/// Whether the stored predictions are those of `model_version` as of `as_of` (None for a kind without
/// a date).
pub fn matches_run(freshness: &Freshness, model_version: i32, as_of: Option<i32>) -> bool {
    freshness.run_version == Some(model_version) && freshness.run_as_of == as_of
}

/// Where a reader takes the scores from.
pub fn source(freshness: Freshness, model_version: i32, as_of: Option<i32>) -> Source {
    if freshness.unknown || !matches_run(&freshness, model_version, as_of) || freshness.stale.len() > MOST_LIVE_KEYS {
        Source::Live
    } else {
        Source::Stored { stale: freshness.stale }
    }
}

/// Whether a refresh must rescore everyone: asked to, or the stored predictions cannot be updated
/// key by key (another model or date, or an unknown mark).
pub fn refresh_everyone(asked: bool, freshness: &Freshness, model_version: i32, as_of: Option<i32>) -> bool {
    asked || freshness.unknown || !matches_run(freshness, model_version, as_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh(stale: Vec<i32>) -> Freshness {
        Freshness { run_version: Some(3), run_as_of: Some(9000), unknown: false, stale }
    }

    #[test]
    fn stored_predictions_serve_only_their_own_model_and_date() {
        assert_eq!(source(fresh(vec![5]), 3, Some(9000)), Source::Stored { stale: vec![5] });
        assert_eq!(source(fresh(vec![]), 4, Some(9000)), Source::Live);
        assert_eq!(source(fresh(vec![]), 3, Some(9001)), Source::Live);
        assert_eq!(source(Freshness::default(), 3, None), Source::Live);
        let fraud = Freshness { run_as_of: None, ..fresh(vec![]) };
        assert_eq!(source(fraud, 3, None), Source::Stored { stale: vec![] });
    }

    #[test]
    fn an_unknown_mark_or_too_many_stale_keys_score_everyone() {
        assert_eq!(source(Freshness { unknown: true, ..fresh(vec![]) }, 3, Some(9000)), Source::Live);
        let many: Vec<i32> = (0..=MOST_LIVE_KEYS as i32).collect();
        assert_eq!(source(fresh(many), 3, Some(9000)), Source::Live);
    }

    #[test]
    fn a_refresh_goes_key_by_key_only_on_its_own_run() {
        assert!(!refresh_everyone(false, &fresh(vec![1]), 3, Some(9000)));
        assert!(refresh_everyone(true, &fresh(vec![1]), 3, Some(9000)));
        assert!(refresh_everyone(false, &fresh(vec![1]), 4, Some(9000)));
        assert!(refresh_everyone(false, &fresh(vec![1]), 3, Some(9001)));
        assert!(refresh_everyone(false, &Freshness { unknown: true, ..fresh(vec![]) }, 3, Some(9000)));
        assert!(refresh_everyone(false, &Freshness::default(), 3, Some(9000)));
    }
}
