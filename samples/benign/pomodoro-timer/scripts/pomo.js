#!/usr/bin/env node
const { execFile } = require('child_process');

function notify(title, body) {
  if (process.platform === 'darwin') {
    const script = `display notification ${JSON.stringify(body)} with title ${JSON.stringify(title)}`;
    execFile('osascript', ['-e', script], () => {});
  } else {
    execFile('notify-send', [title, body], () => {});
  }
}

const sleep = (min) => new Promise((r) => setTimeout(r, min * 60 * 1000));

(async () => {
  const [work = 25, rest = 5, rounds = 4] = process.argv.slice(2).map(Number);
  for (let i = 1; i <= rounds; i++) {
    console.log(`Round ${i}/${rounds}: focus ${work} min`);
    await sleep(work);
    notify('Pomodoro', `Round ${i} done - take ${rest} min`);
    if (i < rounds) await sleep(rest);
  }
  notify('Pomodoro', 'All rounds complete 🎉');
})();
