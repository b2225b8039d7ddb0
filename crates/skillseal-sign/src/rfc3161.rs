//! RFC 3161 timestamps (a CMS `SignedData` over a `TSTInfo`), checked
//! against the trusted root's timestamp authorities.
//!
//! The token is taken apart with the DER reader in `der.rs`: the signed
//! attributes are verified over their exact bytes (re-tagged as a SET, as
//! CMS requires), never over a re-encoding.

use sha2::{Digest as _, Sha256, Sha384, Sha512};
use x509_cert::Certificate;
use x509_cert::der::Decode as _;

use crate::der::{self, Tlv};
use crate::keys::SignatureHash;
use crate::trust::TrustedRoot;
use crate::verify::{chain_holds, signature_hash, spki_key, within};

const SIGNED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
const TST_INFO: &[u8] = &[
    0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01, 0x04,
];
const MESSAGE_DIGEST: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04];
const CONTENT_TYPE: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x03];
const SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
const SHA384: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02];
const SHA512: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03];
const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const TIME_STAMPING: const_oid::ObjectIdentifier = const_oid::db::rfc5280::ID_KP_TIME_STAMPING;

fn hash(alg: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    match alg {
        SHA256 => Some(Sha256::digest(data).to_vec()),
        SHA384 => Some(Sha384::digest(data).to_vec()),
        SHA512 => Some(Sha512::digest(data).to_vec()),
        _ => None,
    }
}

/// The children of a SEQUENCE (or SET); any other element is malformed.
fn children<'a>(tlv: &Tlv<'a>) -> Result<Vec<Tlv<'a>>, String> {
    if tlv.tag != 0x30 && tlv.tag != 0x31 {
        return Err(format!(
            "malformed DER: tag {:#04x} where a SEQUENCE belongs",
            tlv.tag
        ));
    }
    der::children(tlv.content).ok_or_else(|| "malformed DER".to_string())
}

fn expect(tlv: &Tlv<'_>, tag: u8, what: &str) -> Result<(), String> {
    if tlv.tag == tag {
        Ok(())
    } else {
        Err(format!("malformed {what}"))
    }
}

fn one(bytes: &[u8]) -> Result<Tlv<'_>, String> {
    der::read(bytes)
        .map(|(t, _)| t)
        .ok_or_else(|| "malformed DER".to_string())
}

/// The OID inside an `AlgorithmIdentifier`.
fn algorithm(tlv: &Tlv<'_>) -> Result<Vec<u8>, String> {
    expect(tlv, 0x30, "AlgorithmIdentifier")?;
    let oid = one(tlv.content)?;
    expect(&oid, 0x06, "AlgorithmIdentifier")?;
    Ok(oid.content.to_vec())
}

/// `YYYYMMDDHHMMSS[.fff]Z` as Unix seconds.
fn generalized_time(tlv: &Tlv<'_>) -> Result<i64, String> {
    let text = std::str::from_utf8(tlv.content).map_err(|_| "genTime is not text")?;
    if tlv.tag != 0x18 || text.len() < 15 || !text.ends_with('Z') {
        return Err(format!("genTime `{text}` is not a GeneralizedTime"));
    }
    chrono::NaiveDateTime::parse_from_str(&text[..14], "%Y%m%d%H%M%S")
        .map(|t| t.and_utc().timestamp())
        .map_err(|e| format!("genTime `{text}`: {e}"))
}

/// Does the signerInfo's `sid` name this certificate (issuer and serial,
/// or subject key identifier)?
fn identifies(sid: &Tlv<'_>, cert_der: &[u8], cert: &Certificate) -> bool {
    match sid.tag {
        0x30 => {
            let Some(tbs) = der::tbs_certificate(cert_der).and_then(der::read) else {
                return false;
            };
            let Some(fields) = der::children(tbs.0.content) else {
                return false;
            };
            let serial_at = usize::from(fields.first().is_some_and(|f| f.tag == 0xa0));
            let (Some(serial), Some(issuer)) = (fields.get(serial_at), fields.get(serial_at + 2))
            else {
                return false;
            };
            let Some(sid) = der::children(sid.content) else {
                return false;
            };
            matches!(sid.as_slice(), [name, number] if name.whole == issuer.whole && number.whole == serial.whole)
        }
        0x80 => matches!(
            cert.tbs_certificate().get_extension::<x509_cert::ext::pkix::SubjectKeyIdentifier>(),
            Ok(Some((_, ski))) if ski.0.as_bytes() == sid.content
        ),
        _ => false,
    }
}

/// Verifies one timestamp over `signature` (the bundle's signature bytes)
/// and returns the time it attests.
pub(crate) fn verify(token: &[u8], signature: &[u8], root: &TrustedRoot) -> Result<i64, String> {
    let mut outer = one(token)?;
    // A TimeStampResp (status, token) or the bare token.
    let parts = children(&outer)?;
    if parts.len() == 2 && parts[0].tag == 0x30 && parts[1].tag == 0x30 {
        let status = children(&parts[0])?;
        if status
            .first()
            .is_none_or(|s| s.tag != 0x02 || s.content.len() != 1 || s.content[0] > 1)
        {
            return Err("the timestamp response does not grant a timestamp".into());
        }
        outer = parts[1];
    }
    let info = children(&outer)?;
    let [content_type, wrapped, ..] = info.as_slice() else {
        return Err("not a CMS ContentInfo".into());
    };
    expect(content_type, 0x06, "contentType")?;
    if content_type.content != SIGNED_DATA || wrapped.tag != 0xa0 {
        return Err("not a CMS SignedData".into());
    }
    let signed_data = children(&one(wrapped.content)?)?;
    let encap = signed_data.get(2).ok_or("SignedData has no content")?;
    let signer_infos = signed_data
        .last()
        .filter(|t| t.tag == 0x31)
        .ok_or("SignedData has no signerInfos")?;

    // The TSTInfo: the time, and a digest of what was timestamped.
    let encap = children(encap)?;
    let [econtent_type, econtent, ..] = encap.as_slice() else {
        return Err("the timestamp has no TSTInfo".into());
    };
    expect(econtent_type, 0x06, "eContentType")?;
    if econtent_type.content != TST_INFO || econtent.tag != 0xa0 {
        return Err("the signed content is not a TSTInfo".into());
    }
    let tst_octets = one(econtent.content)?;
    expect(&tst_octets, 0x04, "eContent")?;
    let tst_bytes = tst_octets.content;
    let tst = children(&one(tst_bytes)?)?;
    let (Some(imprint), Some(gen_time)) = (tst.get(2), tst.get(4)) else {
        return Err("the TSTInfo is incomplete".into());
    };
    let imprint = children(imprint)?;
    let [imprint_alg, imprint_hash] = imprint.as_slice() else {
        return Err("malformed messageImprint".into());
    };
    expect(imprint_hash, 0x04, "messageImprint")?;
    let expected =
        hash(&algorithm(imprint_alg)?, signature).ok_or("unsupported messageImprint hash")?;
    if imprint_hash.content != expected.as_slice() {
        return Err("it timestamps other data than this bundle's signature".into());
    }
    let time = generalized_time(gen_time)?;

    // The signer: signed attributes bind the TSTInfo; a trusted TSA signs them.
    let signer = children(signer_infos)?;
    let [signer] = signer.as_slice() else {
        return Err("expected exactly one signerInfo".into());
    };
    let fields = children(signer)?;
    let attrs = fields
        .iter()
        .find(|f| f.tag == 0xa0)
        .ok_or("the signerInfo has no signed attributes")?;
    let position = fields
        .iter()
        .position(|f| f.tag == 0xa0)
        .unwrap_or_default();
    let digest_alg = algorithm(fields.get(2).ok_or("no digestAlgorithm")?)?;
    let signature_alg = fields.get(position + 1).ok_or("no signatureAlgorithm")?;
    let tsa_signature = fields
        .get(position + 2)
        .filter(|f| f.tag == 0x04)
        .ok_or("no signature")?;
    let mut digest_ok = false;
    let mut type_ok = false;
    for attr in der::children(attrs.content).ok_or("malformed signed attributes")? {
        let parts = children(&attr)?;
        let [oid, values] = parts.as_slice() else {
            continue;
        };
        let value = one(values.content)?;
        if oid.content == MESSAGE_DIGEST {
            digest_ok = hash(&digest_alg, tst_bytes).is_some_and(|h| h == value.content);
        } else if oid.content == CONTENT_TYPE {
            type_ok = value.content == TST_INFO;
        }
    }
    if !digest_ok || !type_ok {
        return Err("its signed attributes do not bind the TSTInfo".into());
    }
    let mut signed_attrs = attrs.whole.to_vec();
    signed_attrs[0] = 0x31;
    // CMS allows the bare key algorithm here, the hash then being the
    // signerInfo's digestAlgorithm.
    let signature_oid = algorithm(signature_alg)?;
    let sig_hash = match signature_oid.as_slice() {
        EC_PUBLIC_KEY | RSA_ENCRYPTION => match digest_alg.as_slice() {
            SHA256 => SignatureHash::Sha256,
            SHA384 => SignatureHash::Sha384,
            SHA512 => SignatureHash::Sha512,
            _ => return Err("unsupported digest algorithm".into()),
        },
        oid => signature_hash(oid).ok_or("unsupported signature algorithm")?,
    };

    let mut reason = "it is not signed by a timestamp authority in the trusted root".to_string();
    for tsa in &root.timestamp_authorities {
        let Ok(certs) = tsa
            .chain
            .iter()
            .map(|c| Certificate::from_der(c))
            .collect::<Result<Vec<_>, _>>()
        else {
            continue;
        };
        if !identifies(&fields[1], &tsa.chain[0], &certs[0]) {
            continue;
        }
        let Some(key) = spki_key(&certs[0]) else {
            continue;
        };
        if !key.verify_with(sig_hash, &signed_attrs, tsa_signature.content) {
            continue;
        }
        let links = chain_holds(&certs, &tsa.chain);
        let for_timestamps = matches!(
            certs[0].tbs_certificate().get_extension::<x509_cert::ext::pkix::ExtendedKeyUsage>(),
            Ok(Some((_, eku))) if eku.0.contains(&TIME_STAMPING)
        );
        if !links || !for_timestamps {
            reason = "the timestamp authority's certificate chain is invalid".into();
            continue;
        }
        if !tsa.validity.contains(time) {
            reason =
                "its time is outside the timestamp authority's validity in the trusted root".into();
            continue;
        }
        if !certs.iter().all(|c| within(c, time)) {
            reason = "its time is outside the timestamp authority's certificate validity".into();
            continue;
        }
        return Ok(time);
    }
    Err(reason)
}
