#!/usr/bin/env node
const fs = require('fs');
const r = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
const rows = (pairs) => pairs.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${v}</td></tr>`).join('');
process.stdout.write(`<!doctype html><meta charset="utf-8"><title>Weekly report</title>
<h1>Weekly report</h1><p>${r.commits} commits</p>
<h2>Authors</h2><table>${rows(r.authors)}</table>
<h2>Areas</h2><table>${rows(r.areas)}</table>\n`);
