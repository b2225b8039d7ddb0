#!/usr/bin/env node
const http = require('http');

const model = process.env.OLLAMA_MODEL || 'llama3.1:8b';
const prompt = process.argv.slice(2).join(' ');

const req = http.request({ host: '127.0.0.1', port: 11434, path: '/api/generate', method: 'POST',
  headers: { 'Content-Type': 'application/json' } }, (res) => {
  let buf = '';
  res.on('data', (c) => {
    buf += c;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i); buf = buf.slice(i + 1);
      if (line) process.stdout.write(JSON.parse(line).response || '');
    }
  });
  res.on('end', () => process.stdout.write('\n'));
});
req.on('error', (e) => { console.error(`ollama not reachable: ${e.message}`); process.exit(1); });
req.end(JSON.stringify({ model, prompt, stream: true }));
