//! `skillseal scan NAME@VERSION`: a registry package downloaded into
//! memory (its digest checked against the registry's listing), to be
//! scanned there.

use crate::cache::digest_of;
use crate::client::Remote;
use crate::error::{Error, Refusal, Result};

/// `(NAME, VERSION)` when `arg` has the form `NAME@VERSION` with a valid
/// name and an exact semver version.
pub fn parse_target(arg: &str) -> Option<(&str, &str)> {
    let (name, version) = arg.split_once('@')?;
    (skillseal_package::valid_name(name) && semver::Version::parse(version).is_ok())
        .then_some((name, version))
}

/// The bytes of `name` `version`'s package, checked against the digest
/// the registry lists for it.
pub fn download(remote: &dyn Remote, name: &str, version: &str) -> Result<Vec<u8>> {
    let pin = remote
        .versions(name)?
        .into_iter()
        .find(|p| p.version == version)
        .ok_or_else(|| Error::Invalid(format!("{} has no {name} {version}", remote.url())))?;
    let bytes = remote.download(name, version, "package")?;
    let actual = digest_of(&bytes);
    if actual != pin.digest {
        return Err(Refusal::ListedDigestMismatch {
            name: name.into(),
            version: version.into(),
            actual,
            expected: pin.digest,
        }
        .into());
    }
    Ok(bytes)
}
