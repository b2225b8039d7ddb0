// Verifies a skillseal-signed bundle with sigstore-js (@sigstore/verify),
// by key, with no transparency log or timestamp (skillseal sign uploads
// nothing). Usage: node verify.js ARTIFACT BUNDLE PUBLIC_KEY TRUSTED_ROOT
const fs = require('fs');
const crypto = require('crypto');
const { bundleFromJSON } = require('@sigstore/bundle');
const { TrustedRoot } = require('@sigstore/protobuf-specs');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
const [artifactPath, bundlePath, pubPath, rootPath] = process.argv.slice(2);
const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath)));
const root = TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(rootPath)));
const pub = crypto.createPublicKey(fs.readFileSync(pubPath));
const hint = bundle.verificationMaterial.content.publicKey.hint;
const der = pub.export({ type: 'spki', format: 'der' });
const trust = toTrustMaterial(root, { [hint]: { rawBytes: der } });
const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
const entity = toSignedEntity(bundle, fs.readFileSync(artifactPath));
try {
  const signer = verifier.verify(entity);
  console.log('sigstore-js: verified, key', signer.key.asymmetricKeyType);
} catch (e) {
  console.log('sigstore-js: FAILED', e.code, e.message);
  process.exit(1);
}
