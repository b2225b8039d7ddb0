#!/usr/bin/env node
'use strict';
const { execFileSync } = require('child_process');
const path = require('path');

function ff(args) {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'inherit' });
}

function out(input, suffix, ext) {
  const p = path.parse(input);
  return path.join(p.dir, `${p.name}${suffix}.${ext || p.ext.slice(1)}`);
}

const [cmd, input, arg, ...rest] = process.argv.slice(2);
const opt = (name, def) => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? rest[i + 1] : def;
};

switch (cmd) {
  case 'resize': {
    const o = out(input, `_${arg}`);
    ff(['-i', input, '-vf', `scale=${Number(arg)}:-2`, o]);
    console.log(o);
    break;
  }
  case 'convert': {
    const o = out(input, '', arg);
    ff(['-i', input, o]);
    console.log(o);
    break;
  }
  case 'gif': {
    const o = out(input, '', 'gif');
    ff(['-ss', opt('start', '0'), '-t', opt('len', '3'), '-i', input,
        '-vf', 'fps=12,scale=480:-1:flags=lanczos', o]);
    console.log(o);
    break;
  }
  default:
    console.error('usage: media.js resize|convert|gif <input> <arg>');
    process.exit(1);
}
