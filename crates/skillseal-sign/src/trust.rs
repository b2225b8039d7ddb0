//! The trusted root: which Fulcio CAs, Rekor logs and CT logs to believe,
//! and when (`dev.sigstore.trustroot.v1.TrustedRoot`, JSON).

use serde::Deserialize;

use crate::bundle::Bytes;
use crate::keys::PublicKey;

/// The Sigstore public-good production trusted root, as pinned in the
/// `sigstore` crate's repository; used unless `--trusted-root` is given.
pub const PRODUCTION_TRUSTED_ROOT: &str = include_str!("../data/production_trusted_root.json");

/// Why a trusted root could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TrustRootError {
    #[error("trusted root is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("trusted root: {0}")]
    Invalid(String),
}

/// A closed interval of Unix seconds; `end` open when absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Validity {
    pub start: i64,
    pub end: Option<i64>,
}

impl Validity {
    pub fn contains(&self, t: i64) -> bool {
        t >= self.start && self.end.is_none_or(|end| t <= end)
    }
}

/// A transparency log (Rekor) or certificate transparency log.
#[derive(Clone, Debug)]
pub struct Log {
    pub base_url: String,
    pub key_id: Vec<u8>,
    /// The log's key, or why it cannot be used (an unknown key type makes
    /// that one log unusable, not the whole trusted root).
    pub key: Result<PublicKey, String>,
    pub validity: Validity,
}

/// A certificate authority: its chain, issuer first and root last.
#[derive(Clone, Debug)]
pub struct CertificateAuthority {
    pub uri: String,
    pub chain: Vec<Vec<u8>>,
    pub validity: Validity,
}

#[derive(Clone, Debug)]
pub struct TrustedRoot {
    pub tlogs: Vec<Log>,
    pub ctlogs: Vec<Log>,
    pub certificate_authorities: Vec<CertificateAuthority>,
    /// RFC 3161 timestamp authorities: their chains start with the
    /// signing certificate.
    pub timestamp_authorities: Vec<CertificateAuthority>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRoot {
    media_type: String,
    #[serde(default)]
    tlogs: Vec<RawLog>,
    #[serde(default)]
    ctlogs: Vec<RawLog>,
    #[serde(default)]
    certificate_authorities: Vec<RawAuthority>,
    #[serde(default)]
    timestamp_authorities: Vec<RawAuthority>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLog {
    #[serde(default)]
    base_url: String,
    public_key: RawPublicKey,
    log_id: RawLogId,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPublicKey {
    raw_bytes: Option<Bytes>,
    #[serde(default)]
    key_details: String,
    valid_for: Option<RawRange>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLogId {
    key_id: Bytes,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAuthority {
    #[serde(default)]
    uri: String,
    cert_chain: RawChain,
    valid_for: Option<RawRange>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawChain {
    #[serde(default)]
    certificates: Vec<RawCert>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCert {
    raw_bytes: Bytes,
}

#[derive(Deserialize)]
struct RawRange {
    start: Option<String>,
    end: Option<String>,
}

fn parse_time(text: &str, what: &str) -> Result<i64, TrustRootError> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp())
        .map_err(|e| {
            TrustRootError::Invalid(format!("{what}: `{text}` is not an RFC 3339 time: {e}"))
        })
}

/// A `validFor` range; its start is required (an absent bound must not be
/// read as "forever").
fn validity(range: Option<&RawRange>, what: &str) -> Result<Validity, TrustRootError> {
    let range = range.ok_or_else(|| TrustRootError::Invalid(format!("{what} has no validFor")))?;
    let start = range
        .start
        .as_deref()
        .ok_or_else(|| TrustRootError::Invalid(format!("{what}.validFor has no start")))?;
    Ok(Validity {
        start: parse_time(start, what)?,
        end: range
            .end
            .as_deref()
            .map(|e| parse_time(e, what))
            .transpose()?,
    })
}

fn logs(raw: Vec<RawLog>, field: &str) -> Result<Vec<Log>, TrustRootError> {
    raw.into_iter()
        .enumerate()
        .map(|(i, log)| {
            let what = format!("{field}[{i}].publicKey");
            let der = log
                .public_key
                .raw_bytes
                .ok_or_else(|| TrustRootError::Invalid(format!("{what} has no rawBytes")))?;
            let spki = if log.public_key.key_details.starts_with("PKCS1_RSA") {
                rsa_spki(&der.0)
            } else {
                der.0
            };
            let key = PublicKey::from_der(&spki).map_err(|e| format!("{what}: {e}"));
            Ok(Log {
                base_url: log.base_url,
                key_id: log.log_id.key_id.0,
                key,
                validity: validity(log.public_key.valid_for.as_ref(), &what)?,
            })
        })
        .collect()
}

/// Wraps a PKCS#1 `RSAPublicKey` in a SubjectPublicKeyInfo.
fn rsa_spki(pkcs1: &[u8]) -> Vec<u8> {
    // SEQUENCE { OID rsaEncryption, NULL }
    const ALGORITHM: &[u8] = &[
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
    ];
    let mut bits = crate::der::header(0x03, pkcs1.len() + 1);
    bits.push(0);
    bits.extend_from_slice(pkcs1);
    let mut out = crate::der::header(0x30, ALGORITHM.len() + bits.len());
    out.extend_from_slice(ALGORITHM);
    out.extend_from_slice(&bits);
    out
}

impl TrustedRoot {
    /// The production root built into the binary.
    pub fn production() -> Self {
        Self::from_json(PRODUCTION_TRUSTED_ROOT.as_bytes())
            .expect("the built-in trusted root is valid (checked by a test)")
    }

    pub fn from_json(bytes: &[u8]) -> Result<Self, TrustRootError> {
        let raw: RawRoot = serde_json::from_slice(bytes)?;
        if !raw
            .media_type
            .starts_with("application/vnd.dev.sigstore.trustedroot")
        {
            return Err(TrustRootError::Invalid(format!(
                "unsupported media type `{}`",
                raw.media_type
            )));
        }
        let certificate_authorities =
            authorities(raw.certificate_authorities, "certificateAuthorities")?;
        Ok(TrustedRoot {
            tlogs: logs(raw.tlogs, "tlogs")?,
            ctlogs: logs(raw.ctlogs, "ctlogs")?,
            certificate_authorities,
            timestamp_authorities: authorities(raw.timestamp_authorities, "timestampAuthorities")?,
        })
    }
}

fn authorities(
    raw: Vec<RawAuthority>,
    field: &str,
) -> Result<Vec<CertificateAuthority>, TrustRootError> {
    raw.into_iter()
        .enumerate()
        .map(|(i, ca)| {
            let what = format!("{field}[{i}]");
            if ca.cert_chain.certificates.is_empty() {
                return Err(TrustRootError::Invalid(format!(
                    "{what} has an empty certChain"
                )));
            }
            Ok(CertificateAuthority {
                uri: ca.uri,
                chain: ca
                    .cert_chain
                    .certificates
                    .into_iter()
                    .map(|c| c.raw_bytes.0)
                    .collect(),
                validity: validity(ca.valid_for.as_ref(), &what)?,
            })
        })
        .collect()
}
