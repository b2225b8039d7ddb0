#!/usr/bin/env node
const fs = require('fs');
const path = require('path');

const load = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));
const placeholders = (s) => (String(s).match(/\{\w+\}/g) || []).sort().join(',');

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'missing') {
  const [base, ...others] = args;
  const ref = load(base);
  for (const f of others.filter((f) => f !== base)) {
    const t = load(f);
    const miss = Object.keys(ref).filter((k) => !(k in t));
    if (miss.length) console.log(`${path.basename(f)}: missing ${miss.join(', ')}`);
  }
} else if (cmd === 'placeholders') {
  const dir = args[0];
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  const ref = load(path.join(dir, 'en.json'));
  for (const f of files) {
    const t = load(path.join(dir, f));
    for (const [k, v] of Object.entries(t)) {
      if (k in ref && placeholders(v) !== placeholders(ref[k])) console.log(`${f}:${k}: placeholder mismatch`);
    }
  }
}
