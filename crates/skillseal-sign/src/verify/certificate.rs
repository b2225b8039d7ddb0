//! Certificates: signatures over exact DER, the chain to a trusted
//! Fulcio CA, SCTs from trusted CT logs, key usage and the identity.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280::ID_KP_CODE_SIGNING;
use const_oid::db::rfc5912::{
    ECDSA_WITH_SHA_256, ECDSA_WITH_SHA_384, ECDSA_WITH_SHA_512, SHA_256_WITH_RSA_ENCRYPTION,
    SHA_384_WITH_RSA_ENCRYPTION, SHA_512_WITH_RSA_ENCRYPTION,
};
use sha2::{Digest as _, Sha256};
use x509_cert::Certificate;
use x509_cert::der::asn1::Utf8StringRef;
use x509_cert::der::oid::AssociatedOid as _;
use x509_cert::der::{Decode as _, Encode as _};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::sct::SignedCertificateTimestampList;
use x509_cert::ext::pkix::{ExtendedKeyUsage, KeyUsage, SubjectAltName};

use crate::der;
use crate::keys::PublicKey;
use crate::keys::SignatureHash;
use crate::trust::TrustedRoot;

use super::{Check, VerifyError, fail, time};

const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
/// Fulcio's OIDC issuer extension (DER UTF8String) and its legacy raw form.
const FULCIO_ISSUER_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.8");
const FULCIO_ISSUER_V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.1");

/// The hash an X.509/CMS signature algorithm OID names.
pub(crate) fn signature_hash(oid_der: &[u8]) -> Option<SignatureHash> {
    let oid = ObjectIdentifier::from_bytes(oid_der).ok()?;
    Some(match oid {
        ECDSA_WITH_SHA_256 | SHA_256_WITH_RSA_ENCRYPTION => SignatureHash::Sha256,
        ECDSA_WITH_SHA_384 | SHA_384_WITH_RSA_ENCRYPTION => SignatureHash::Sha384,
        ECDSA_WITH_SHA_512 | SHA_512_WITH_RSA_ENCRYPTION => SignatureHash::Sha512,
        ED25519 => SignatureHash::None,
        _ => return None,
    })
}

/// Does `issuer_key` sign `cert_der` (over its exact `tbsCertificate`)?
pub(crate) fn signed_by(cert_der: &[u8], cert: &Certificate, issuer_key: &PublicKey) -> bool {
    let Some(hash) = signature_hash(cert.signature_algorithm().oid.as_bytes()) else {
        return false;
    };
    let (Some(tbs), Some(signature)) =
        (der::tbs_certificate(cert_der), cert.signature().as_bytes())
    else {
        return false;
    };
    issuer_key.verify_with(hash, tbs, signature)
}

/// Each certificate of a trusted chain (issuer order) is issued and signed
/// by the next; `ders` are the same certificates' DER.
pub(crate) fn chain_holds(certs: &[Certificate], ders: &[Vec<u8>]) -> bool {
    certs.windows(2).zip(ders.windows(2)).all(|(pair, ders)| {
        pair[0].tbs_certificate().issuer() == pair[1].tbs_certificate().subject()
            && spki_key(&pair[1]).is_some_and(|k| signed_by(&ders[0], &pair[0], &k))
    })
}

pub(crate) fn spki_key(cert: &Certificate) -> Option<PublicKey> {
    let spki = cert
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .ok()?;
    PublicKey::from_der(&spki).ok()
}

pub(crate) fn within(cert: &Certificate, t: i64) -> bool {
    let v = cert.tbs_certificate().validity();
    (v.not_before.to_unix_duration().as_secs() as i64) <= t
        && t <= v.not_after.to_unix_duration().as_secs() as i64
}

/// Finds the trusted CA that issued `leaf` and was valid at `t`; returns
/// the issuing certificate's DER.
pub(super) fn verify_chain(
    leaf_der: &[u8],
    leaf: &Certificate,
    root: &TrustedRoot,
    t: i64,
) -> Result<Vec<u8>, VerifyError> {
    let mut outside_validity = false;
    for ca in &root.certificate_authorities {
        let certs: Vec<Certificate> =
            match ca.chain.iter().map(|c| Certificate::from_der(c)).collect() {
                Ok(certs) => certs,
                Err(_) => continue,
            };
        let issuer = &certs[0];
        if leaf.tbs_certificate().issuer() != issuer.tbs_certificate().subject() {
            continue;
        }
        let Some(issuer_key) = spki_key(issuer) else {
            continue;
        };
        if !signed_by(leaf_der, leaf, &issuer_key) {
            continue;
        }
        if !chain_holds(&certs, &ca.chain) {
            continue;
        }
        if !ca.validity.contains(t) || !certs.iter().all(|c| within(c, t)) {
            outside_validity = true;
            continue;
        }
        return Ok(ca.chain[0].clone());
    }
    if outside_validity {
        fail(
            Check::CertificateChain,
            format!(
                "the issuing certificate authority was not valid at {}",
                time(t)
            ),
        )
    } else {
        fail(
            Check::CertificateChain,
            format!(
                "the signing certificate was not issued by a certificate authority in the trusted root (issuer `{}`)",
                leaf.tbs_certificate().issuer()
            ),
        )
    }
}

/// At least one embedded SCT must verify with a trusted CT log's key
/// (RFC 6962 §3.2: the precertificate's TBS, without the SCT list).
pub(super) fn verify_sct(
    leaf_der: &[u8],
    issuer_der: &[u8],
    root: &TrustedRoot,
) -> Result<(), VerifyError> {
    let leaf = Certificate::from_der(leaf_der).or_else(|e| fail(Check::Bundle, e.to_string()))?;
    let list = match leaf
        .tbs_certificate()
        .get_extension::<SignedCertificateTimestampList>()
    {
        Ok(Some((_, list))) => list,
        Ok(None) => return fail(Check::Sct, "the certificate carries none"),
        Err(e) => return fail(Check::Sct, format!("the SCT extension is malformed: {e}")),
    };
    let scts = list
        .parse_timestamps()
        .or_else(|e| fail(Check::Sct, format!("the SCT list is malformed: {e:?}")))?;
    let issuer = Certificate::from_der(issuer_der)
        .or_else(|e| fail(Check::CertificateChain, e.to_string()))?;
    let issuer_spki = issuer
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .or_else(|e| fail(Check::CertificateChain, e.to_string()))?;
    let Some(tbs) =
        der::tbs_without_extension(leaf_der, SignedCertificateTimestampList::OID.as_bytes())
    else {
        return fail(Check::Bundle, "the signing certificate's DER is malformed");
    };
    let Ok(tbs_len) = u32::try_from(tbs.len()) else {
        return fail(Check::Sct, "certificate too large");
    };
    let mut known_log = false;
    let mut unusable_key = false;
    for serialized in &scts {
        let Ok(sct) = serialized.parse_timestamp() else {
            continue;
        };
        let Some(log) = root.ctlogs.iter().find(|l| l.key_id == sct.log_id.key_id) else {
            continue;
        };
        known_log = true;
        let Ok(key) = &log.key else {
            unusable_key = true;
            continue;
        };
        let extensions = sct.extensions.as_slice();
        let mut msg = vec![0u8, 0u8];
        msg.extend_from_slice(&sct.timestamp.to_be_bytes());
        msg.extend_from_slice(&[0, 1]);
        msg.extend_from_slice(&Sha256::digest(&issuer_spki));
        msg.extend_from_slice(&tbs_len.to_be_bytes()[1..]);
        msg.extend_from_slice(&tbs);
        msg.extend_from_slice(&(extensions.len() as u16).to_be_bytes());
        msg.extend_from_slice(extensions);
        let when = i64::try_from(sct.timestamp / 1000).unwrap_or(i64::MAX);
        if log.validity.contains(when) && key.verify(&msg, sct.signature.signature.as_slice()) {
            return Ok(());
        }
    }
    if unusable_key {
        fail(
            Check::Sct,
            "the trusted root's key for the SCT's CT log is unusable",
        )
    } else if known_log {
        fail(Check::Sct, "no SCT verifies with its CT log's key")
    } else {
        fail(Check::Sct, "no SCT comes from a CT log in the trusted root")
    }
}

/// Fulcio leaf certificates are for code signing.
pub(super) fn check_leaf_usage(cert: &Certificate) -> Result<(), VerifyError> {
    let tbs = cert.tbs_certificate();
    let digital_signature =
        matches!(tbs.get_extension::<KeyUsage>(), Ok(Some((_, ku))) if ku.digital_signature());
    let code_signing = matches!(
        tbs.get_extension::<ExtendedKeyUsage>(),
        Ok(Some((_, eku))) if eku.0.contains(&ID_KP_CODE_SIGNING)
    );
    if digital_signature && code_signing {
        Ok(())
    } else {
        fail(
            Check::CertificateChain,
            "the signing certificate is not for code signing",
        )
    }
}

/// The certificate's subject alternative names and OIDC issuer.
pub(super) fn identity(cert: &Certificate) -> Result<(Vec<String>, String), VerifyError> {
    let tbs = cert.tbs_certificate();
    let names: Vec<String> = match tbs.get_extension::<SubjectAltName>() {
        Ok(Some((_, san))) => san
            .0
            .iter()
            .filter_map(|name| match name {
                GeneralName::UniformResourceIdentifier(uri) => Some(uri.to_string()),
                GeneralName::Rfc822Name(email) => Some(email.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    if names.is_empty() {
        return fail(Check::Identity, "the certificate names no identity");
    }
    let mut issuer = None;
    for ext in tbs.extensions().into_iter().flatten() {
        let value = ext.extn_value.as_bytes();
        if ext.extn_id == FULCIO_ISSUER_V2 {
            issuer = Utf8StringRef::from_der(value)
                .ok()
                .map(|s| s.as_str().to_string());
            break;
        }
        if ext.extn_id == FULCIO_ISSUER_V1 {
            issuer = std::str::from_utf8(value).ok().map(str::to_string);
        }
    }
    let Some(issuer) = issuer else {
        return fail(Check::Identity, "the certificate names no OIDC issuer");
    };
    Ok((names, issuer))
}
