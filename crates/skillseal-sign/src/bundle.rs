//! The Sigstore bundle (JSON form of `dev.sigstore.bundle.v1.Bundle`).
//!
//! Every field of the protobuf message is modelled and unknown fields are
//! refused, as protobuf JSON parsers (and so sigstore-go) do by default: a
//! misspelt `messageDigest` must not silently turn a check off. Bytes fields
//! are decoded while parsing, so a bad base64 string is an error with a
//! line and column.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The media type `skillseal sign` writes, as `cosign sign-blob
/// --new-bundle-format` does.
pub const MEDIA_TYPE_V03: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

/// Bundle format versions this verifier understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum BundleVersion {
    V01,
    V02,
    V03,
}

impl BundleVersion {
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        match media_type {
            "application/vnd.dev.sigstore.bundle+json;version=0.1" => Some(Self::V01),
            "application/vnd.dev.sigstore.bundle+json;version=0.2" => Some(Self::V02),
            "application/vnd.dev.sigstore.bundle+json;version=0.3" | MEDIA_TYPE_V03 => {
                Some(Self::V03)
            }
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Bundle {
    pub media_type: String,
    pub verification_material: VerificationMaterial,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_signature: Option<MessageSignature>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dsse_envelope: Option<Envelope>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerificationMaterial {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<PublicKeyIdentifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x509_certificate_chain: Option<CertificateChain>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<RawCertificate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tlog_entries: Vec<TlogEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_verification_data: Option<TimestampVerificationData>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PublicKeyIdentifier {
    #[serde(default)]
    pub hint: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateChain {
    #[serde(default)]
    pub certificates: Vec<RawCertificate>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RawCertificate {
    pub raw_bytes: Bytes,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TimestampVerificationData {
    #[serde(default)]
    pub rfc3161_timestamps: Vec<Rfc3161Timestamp>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rfc3161Timestamp {
    pub signed_timestamp: Bytes,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TlogEntry {
    pub log_index: Int64,
    pub log_id: LogId,
    pub kind_version: KindVersion,
    #[serde(default)]
    pub integrated_time: Int64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inclusion_promise: Option<InclusionPromise>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inclusion_proof: Option<InclusionProof>,
    pub canonicalized_body: Bytes,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LogId {
    pub key_id: Bytes,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KindVersion {
    pub kind: String,
    pub version: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InclusionPromise {
    pub signed_entry_timestamp: Bytes,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InclusionProof {
    pub log_index: Int64,
    pub root_hash: Bytes,
    pub tree_size: Int64,
    #[serde(default)]
    pub hashes: Vec<Bytes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<Checkpoint>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    pub envelope: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MessageSignature {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_digest: Option<HashOutput>,
    pub signature: Bytes,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HashOutput {
    pub algorithm: String,
    pub digest: Bytes,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Envelope {
    pub payload: Bytes,
    pub payload_type: String,
    #[serde(default)]
    pub signatures: Vec<EnvelopeSignature>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeSignature {
    pub sig: Bytes,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub keyid: String,
}

/// A protobuf `bytes` field: base64 in JSON (standard or URL-safe, padded
/// or not, as protobuf JSON allows), raw bytes here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl Bytes {
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.0)
    }
}

/// Decodes base64 the way protobuf JSON parsers accept it.
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        decode_base64(&text)
            .map(Bytes)
            .ok_or_else(|| serde::de::Error::custom("invalid base64"))
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_base64())
    }
}

/// A protobuf `int64`: a string in JSON (a number is accepted too).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Int64(pub i64);

impl<'de> Deserialize<'de> for Int64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Text(String),
            Number(i64),
        }
        match Repr::deserialize(d)? {
            Repr::Number(n) => Ok(Int64(n)),
            Repr::Text(t) => t
                .parse()
                .map(Int64)
                .map_err(|_| serde::de::Error::custom(format!("`{t}` is not an int64"))),
        }
    }
}

impl Serialize for Int64 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

/// Why a bundle could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("bundle is not valid JSON for a Sigstore bundle: {0}")]
    Json(#[from] serde_json::Error),
    #[error("unsupported bundle media type `{0}`")]
    MediaType(String),
    #[error("bundle is larger than {0} bytes")]
    TooLarge(usize),
}

/// Bundles are small (a certificate, a few log proofs); anything near this
/// size is not a bundle.
pub const MAX_BUNDLE_BYTES: usize = 4 << 20;

impl Bundle {
    /// Parses bundle JSON and checks its media type.
    pub fn from_json(bytes: &[u8]) -> Result<(Self, BundleVersion), BundleError> {
        if bytes.len() > MAX_BUNDLE_BYTES {
            return Err(BundleError::TooLarge(MAX_BUNDLE_BYTES));
        }
        let bundle: Bundle = serde_json::from_slice(bytes)?;
        let version = BundleVersion::from_media_type(&bundle.media_type)
            .ok_or_else(|| BundleError::MediaType(bundle.media_type.clone()))?;
        Ok((bundle, version))
    }

    /// Pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}
