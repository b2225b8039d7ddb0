use super::*;

/// The eight leaves of RFC 6962's test data (as Certificate
/// Transparency's and Go's `sumdb/tlog` tests use them).
fn rfc_leaves() -> Vec<Vec<u8>> {
    vec![
        vec![],
        vec![0x00],
        vec![0x10],
        vec![0x20, 0x21],
        vec![0x30, 0x31],
        vec![0x40, 0x41, 0x42, 0x43],
        (0x50..0x58).collect(),
        (0x60..0x70).collect(),
    ]
}

/// The roots of the trees of 1 to 8 of those leaves.
const RFC_ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

fn h(hex: &str) -> Hash {
    let bytes = hex::decode(hex).unwrap();
    Hash(bytes.try_into().unwrap())
}

fn b64(hexes: &[&str]) -> Vec<String> {
    hexes.iter().map(|x| encode_hash(&h(x))).collect()
}

/// The tree of `leaves`, stored as the registry stores it.
fn stored(leaves: &[Vec<u8>]) -> Known {
    let mut known = Known::default();
    for (n, leaf) in leaves.iter().enumerate() {
        let n = n as u64;
        let new = stored_hashes(n, leaf, &known).unwrap();
        for (i, hash) in new.into_iter().enumerate() {
            known.insert(stored_hash_index(0, n) + i as u64, hash);
        }
    }
    known
}

#[test]
fn roots_match_rfc_6962() {
    let leaves = rfc_leaves();
    let known = stored(&leaves);
    for (n, root) in RFC_ROOTS.iter().enumerate() {
        assert_eq!(
            tree_hash(n as u64 + 1, &known).unwrap(),
            h(root),
            "size {}",
            n + 1
        );
    }
}

#[test]
fn inclusion_proofs_of_rfc_6962_verify_and_tampering_fails() {
    let leaves = rfc_leaves();
    let root = h(RFC_ROOTS[7]);
    let path0 = b64(&[
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]);
    verify_inclusion(&leaves[0], 0, 8, root, &path0).unwrap();
    let path5 = b64(&[
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]);
    verify_inclusion(&leaves[5], 5, 8, root, &path5).unwrap();
    // Another leaf, index, size, root or path: refused.
    let refused = Error::Inclusion { index: 5, size: 8 };
    assert_eq!(
        verify_inclusion(&leaves[4], 5, 8, root, &path5),
        Err(refused.clone())
    );
    assert!(verify_inclusion(&leaves[5], 4, 8, root, &path5).is_err());
    assert!(verify_inclusion(&leaves[5], 5, 8, h(RFC_ROOTS[6]), &path5).is_err());
    assert!(verify_inclusion(&leaves[5], 5, 8, root, &path5[..2]).is_err());
    assert!(verify_inclusion(&leaves[5], 8, 8, root, &path5).is_err());
    // The proofs the stored tree gives are the RFC's.
    let known = stored(&leaves);
    let proof = prove_record(8, 5, &known).unwrap();
    assert_eq!(proof.iter().map(encode_hash).collect::<Vec<_>>(), path5);
}

#[test]
fn consistency_proofs_of_rfc_6962_verify_and_forks_fail() {
    let p68 = b64(&[
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]);
    verify_consistency(6, h(RFC_ROOTS[5]), 8, h(RFC_ROOTS[7]), &p68).unwrap();
    let p25 = b64(&[
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ]);
    verify_consistency(2, h(RFC_ROOTS[1]), 5, h(RFC_ROOTS[4]), &p25).unwrap();
    // The old root of another tree (a fork): refused.
    assert_eq!(
        verify_consistency(6, h(RFC_ROOTS[4]), 8, h(RFC_ROOTS[7]), &p68),
        Err(Error::Consistency { old: 6, new: 8 })
    );
    // A smaller tree than the one recorded: stale.
    assert_eq!(
        verify_consistency(8, h(RFC_ROOTS[7]), 6, h(RFC_ROOTS[5]), &[]),
        Err(Error::Stale { old: 8, new: 6 })
    );
    // The same size with another root: a fork.
    assert!(verify_consistency(8, h(RFC_ROOTS[7]), 8, h(RFC_ROOTS[6]), &[]).is_err());
    verify_consistency(8, h(RFC_ROOTS[7]), 8, h(RFC_ROOTS[7]), &[]).unwrap();
    // The stored tree proves what the RFC says.
    let known = stored(&rfc_leaves());
    let proof = prove_tree(8, 6, &known).unwrap();
    assert_eq!(proof.iter().map(encode_hash).collect::<Vec<_>>(), p68);
}

/// Go's `sumdb/note` example key (golang.org/x/mod, note.go and its tests).
const GO_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const GO_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

#[test]
fn keys_and_notes_match_go_sumdb_note() {
    let key = LogKey::from_private(GO_SKEY).unwrap();
    assert_eq!(key.verifier_key(), GO_VKEY);
    let text = "If you think cryptography is the answer to your problem,\n\
                then you don't know what your problem is.\n";
    let mut note = Note::new(text.as_bytes(), &[]).unwrap();
    note.add_sigs(&[&key.signer]).unwrap();
    assert_eq!(
        String::from_utf8(note.to_bytes()).unwrap(),
        format!(
            "{text}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
        )
    );
    // A key from a seed round-trips through its private form.
    let (made, skey) = LogKey::from_seed("registry.example.invalid", &[7; 32]).unwrap();
    assert_eq!(
        LogKey::from_private(&skey).unwrap().verifier_key(),
        made.verifier_key()
    );
    assert!(LogVerifier::new(made.verifier_key()).is_ok());
    assert!(LogVerifier::new("registry.example.invalid+00000000+AAAA").is_err());
}

#[test]
fn checkpoints_open_only_with_the_pinned_key_for_its_log() {
    let (key, _) = LogKey::from_seed("registry.example.invalid", &[1; 32]).unwrap();
    let root = h(RFC_ROOTS[2]);
    let note = key.sign_checkpoint(3, root).unwrap();
    let text = String::from_utf8(note.clone()).unwrap();
    assert!(text.starts_with(&format!(
        "registry.example.invalid\n3\n{}\n\n— ",
        encode_hash(&root)
    )));
    let verifier = LogVerifier::new(key.verifier_key()).unwrap();
    let opened = verifier.open_checkpoint(&note).unwrap();
    assert_eq!((opened.size, opened.root), (3, root));
    // Edited after signing.
    let edited = text.replacen("\n3\n", "\n4\n", 1);
    assert!(matches!(
        verifier.open_checkpoint(edited.as_bytes()),
        Err(Error::CheckpointSignature(_))
    ));
    // Signed by another key of the same name.
    let (other, _) = LogKey::from_seed("registry.example.invalid", &[2; 32]).unwrap();
    assert!(matches!(
        verifier.open_checkpoint(&other.sign_checkpoint(3, root).unwrap()),
        Err(Error::CheckpointSignature(_))
    ));
}

fn predicate() -> ScanPredicate {
    ScanPredicate {
        scanner: Scanner {
            name: "skillseal".into(),
            version: "0.1.0".into(),
        },
        rules_digest: digest_of(b"rules"),
        policy_digest: digest_of(b"policy"),
        verdict: "pass".into(),
        capabilities: vec!["network".into()],
        findings: FindingsSummary {
            total: 1,
            by_severity: [("low".to_string(), 1)].into(),
            rules: vec!["NET001".into()],
        },
        report_digest: digest_of(b"report"),
    }
}

#[test]
fn attestations_verify_for_their_package_and_key_only() {
    let (key, _) = LogKey::from_seed("registry.example.invalid", &[3; 32]).unwrap();
    let digest = digest_of(b"package");
    let statement = Statement::new("weather", "1.0.0", &digest, predicate());
    let envelope = key.sign_envelope(IN_TOTO, &statement.to_bytes()).unwrap();
    let bytes = envelope.to_bytes();
    let verifier = LogVerifier::new(key.verifier_key()).unwrap();
    assert_eq!(
        verify_attestation(&verifier, &bytes, &digest).unwrap(),
        predicate()
    );
    // For another package.
    assert!(matches!(
        verify_attestation(&verifier, &bytes, &digest_of(b"other")),
        Err(Error::Attestation(m)) if m.contains("another package")
    ));
    // Signed by another key.
    let (other, _) = LogKey::from_seed("registry.example.invalid", &[4; 32]).unwrap();
    let forged = other.sign_envelope(IN_TOTO, &statement.to_bytes()).unwrap();
    assert!(matches!(
        verify_attestation(&verifier, &forged.to_bytes(), &digest),
        Err(Error::Attestation(m)) if m.contains("not signed")
    ));
    // The payload changed after signing (a better verdict).
    let mut better = statement.clone();
    better.predicate.verdict = "pass".into();
    better.predicate.capabilities.clear();
    let mut swapped = envelope.clone();
    swapped.payload = B64.encode(better.to_bytes());
    assert!(verify_attestation(&verifier, &swapped.to_bytes(), &digest).is_err());
}

#[test]
fn leaves_have_one_encoding() {
    let leaf = Leaf::Publish {
        name: "weather".into(),
        version: "1.0.0".into(),
        digest: digest_of(b"package"),
        bundle_digest: digest_of(b"bundle"),
        signer: Signer::Key {
            fingerprint: digest_of(b"key"),
        },
        attestation_digest: digest_of(b"attestation"),
        time: 1_700_000_000,
    };
    let bytes = leaf.to_bytes();
    assert!(
        String::from_utf8(bytes.clone())
            .unwrap()
            .starts_with(r#"{"kind":"publish","name":"weather""#)
    );
    assert_eq!(Leaf::parse(&bytes).unwrap(), leaf);
    let spaced = String::from_utf8(bytes).unwrap().replace(',', ", ");
    assert!(Leaf::parse(spaced.as_bytes()).is_err());
    assert!(Leaf::parse(br#"{"kind":"publish"}"#).is_err());
}
