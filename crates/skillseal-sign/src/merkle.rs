//! RFC 6962 / RFC 9162 Merkle inclusion proofs.

use sha2::{Digest as _, Sha256};

pub(crate) type Hash = [u8; 32];

pub(crate) fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

fn node_hash(left: &[u8], right: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root a proof leads to from `leaf` at `index` in a tree of `size`
/// leaves (RFC 9162 §2.1.3.2), or why the proof is malformed.
pub(crate) fn root_from_proof(
    index: u64,
    size: u64,
    leaf: Hash,
    proof: &[Vec<u8>],
) -> Result<Hash, String> {
    if index >= size {
        return Err(format!(
            "leaf index {index} is not below the tree size {size}"
        ));
    }
    let inner = (u64::BITS - (index ^ (size - 1)).leading_zeros()) as usize;
    let border = (index >> inner).count_ones() as usize;
    if proof.len() != inner + border {
        return Err(format!(
            "the proof has {} hashes; a tree of {size} leaves needs {} for leaf {index}",
            proof.len(),
            inner + border
        ));
    }
    if let Some(bad) = proof.iter().position(|h| h.len() != 32) {
        return Err(format!("proof hash {bad} is not 32 bytes"));
    }
    let mut node = leaf;
    for (i, sibling) in proof[..inner].iter().enumerate() {
        node = if (index >> i) & 1 == 0 {
            node_hash(&node, sibling)
        } else {
            node_hash(sibling, &node)
        };
    }
    for sibling in &proof[inner..] {
        node = node_hash(sibling, &node);
    }
    Ok(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The root of leaves `lo..hi` by the RFC 6962 definition.
    fn tree_root(leaves: &[Hash]) -> Hash {
        if leaves.len() == 1 {
            return leaves[0];
        }
        let split = leaves.len().next_power_of_two() / 2;
        node_hash(&tree_root(&leaves[..split]), &tree_root(&leaves[split..]))
    }

    /// The audit path by the RFC 6962 definition.
    fn path(index: usize, leaves: &[Hash]) -> Vec<Vec<u8>> {
        if leaves.len() == 1 {
            return Vec::new();
        }
        let split = leaves.len().next_power_of_two() / 2;
        if index < split {
            let mut p = path(index, &leaves[..split]);
            p.push(tree_root(&leaves[split..]).to_vec());
            p
        } else {
            let mut p = path(index - split, &leaves[split..]);
            p.push(tree_root(&leaves[..split]).to_vec());
            p
        }
    }

    #[test]
    fn every_leaf_of_every_small_tree_proves_to_the_root() {
        for size in 1..=33usize {
            let leaves: Vec<Hash> = (0..size).map(|i| leaf_hash(&[i as u8])).collect();
            let root = tree_root(&leaves);
            for index in 0..size {
                let proof = path(index, &leaves);
                let got = root_from_proof(index as u64, size as u64, leaves[index], &proof);
                assert_eq!(got, Ok(root), "size {size} index {index}");
                if let Some(first) = proof.first() {
                    let mut bad = proof.clone();
                    bad[0] = first.iter().map(|b| b ^ 1).collect();
                    let got = root_from_proof(index as u64, size as u64, leaves[index], &bad);
                    assert_ne!(got, Ok(root));
                }
            }
        }
    }

    #[test]
    fn malformed_proofs_are_errors() {
        let leaf = leaf_hash(b"x");
        assert!(root_from_proof(5, 5, leaf, &[]).is_err());
        assert!(root_from_proof(0, 4, leaf, &[vec![0; 32]]).is_err());
        assert!(root_from_proof(0, 2, leaf, &[vec![0; 31]]).is_err());
    }
}
