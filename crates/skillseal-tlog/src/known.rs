//! Reading a tree's stored hashes from a store that is asked
//! asynchronously (the registry's database): `tlog_tiles` asks a
//! synchronous [`HashReader`]; [`with_hashes`] runs its function against
//! the hashes known so far, fetches what it found missing, and runs it
//! again.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::future::Future;

use tlog_tiles::{Hash, HashReader};

/// Stored hashes known so far, by stored-hash index, and the indexes
/// asked for that were not.
#[derive(Default, Debug)]
pub struct Known {
    map: HashMap<u64, Hash>,
    missing: RefCell<BTreeSet<u64>>,
}

impl Known {
    pub fn insert(&mut self, index: u64, hash: Hash) {
        self.map.insert(index, hash);
    }

    fn take_missing(&self) -> Vec<u64> {
        std::mem::take(&mut *self.missing.borrow_mut())
            .into_iter()
            .collect()
    }
}

impl HashReader for Known {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        let mut out = Vec::with_capacity(indexes.len());
        for i in indexes {
            match self.map.get(i) {
                Some(h) => out.push(*h),
                None => {
                    self.missing.borrow_mut().insert(*i);
                }
            }
        }
        if out.len() == indexes.len() {
            Ok(out)
        } else {
            Err(tlog_tiles::Error::InvalidProof)
        }
    }
}

/// Runs `f` (a `tlog_tiles` function over a [`HashReader`]), fetching the
/// hashes it asks for with `fetch` (stored-hash indexes to hashes, in the
/// same order) until it has them all. Gives `f`'s own error when nothing
/// was missing, and stops after 64 rounds (a tree of 2^64 leaves needs
/// fewer).
pub async fn with_hashes<T, E, F, Fut>(
    f: impl Fn(&Known) -> Result<T, tlog_tiles::Error>,
    mut fetch: F,
) -> Result<Result<T, tlog_tiles::Error>, E>
where
    F: FnMut(Vec<u64>) -> Fut,
    Fut: Future<Output = Result<Vec<Hash>, E>>,
{
    let mut known = Known::default();
    for _ in 0..64 {
        let result = f(&known);
        let missing = known.take_missing();
        if missing.is_empty() {
            return Ok(result);
        }
        let hashes = fetch(missing.clone()).await?;
        if hashes.len() != missing.len() {
            return Ok(Err(tlog_tiles::Error::InvalidProof));
        }
        for (i, h) in missing.into_iter().zip(hashes) {
            known.insert(i, h);
        }
    }
    Ok(Err(tlog_tiles::Error::InvalidProof))
}
