#!/usr/bin/env bash
# Interoperability check, run by hand (it needs the npm registry):
# skillseal packs, signs and verifies a sample; sigstore-js verifies the same
# bundle, then must reject it once the package changes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$here/../.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$here" && npm ci --silent)
cargo build -q -p skillseal --manifest-path "$repo/Cargo.toml"
skillseal="$repo/target/debug/skillseal"
root="$repo/crates/skillseal-sign/data/production_trusted_root.json"
export SKILLSEAL_PASSWORD="interop-check-only"
cd "$work"
"$skillseal" keygen >/dev/null
"$skillseal" pack "$repo/samples/benign/weather-forecast" -o w.skill.tgz >/dev/null
"$skillseal" sign w.skill.tgz --key skillseal.key >/dev/null
"$skillseal" verify-signature w.skill.tgz --key skillseal.pub
node "$here/verify.js" w.skill.tgz w.skill.tgz.sigstore.json skillseal.pub "$root"
printf 'x' >> w.skill.tgz
if node "$here/verify.js" w.skill.tgz w.skill.tgz.sigstore.json skillseal.pub "$root"; then
    echo "sigstore-js accepted a changed package" >&2
    exit 1
fi
echo "interop: ok"
