#!/usr/bin/env node
'use strict';

function isPrintable(buf) {
  return [...buf].every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
}

function hexdump(buf) {
  const lines = [];
  for (let i = 0; i < buf.length; i += 16) {
    const chunk = buf.subarray(i, i + 16);
    lines.push(`${i.toString(16).padStart(8, '0')}  ${[...chunk].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`);
  }
  return lines.join('\n');
}

const [cmd, input] = process.argv.slice(2);
switch (cmd) {
  case 'encode':
    console.log(Buffer.from(input, 'utf8').toString('base64'));
    break;
  case 'decode': {
    const buf = Buffer.from(input, 'base64');
    console.log(isPrintable(buf) ? buf.toString('utf8') : hexdump(buf));
    break;
  }
  case 'jwt': {
    const [h, p] = input.split('.');
    const dec = (s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    console.log(JSON.stringify({ header: dec(h), payload: dec(p) }, null, 2));
    break;
  }
  default:
    console.error('usage: b64.js encode|decode|jwt <value>');
    process.exit(1);
}
