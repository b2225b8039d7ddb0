import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function magick(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('magick', args, { stdio: 'inherit' });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`magick exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const [dir, ...rest] = process.argv.slice(2);
  const size = rest.includes('--size') ? rest[rest.indexOf('--size') + 1] : '256';
  const images = readdirSync(dir).filter((f) => /\.(jpe?g|png|webp|heic)$/i.test(f));

  if (rest.includes('--sheet')) {
    await magick(['montage', ...images.map((f) => join(dir, f)), '-tile', '6x', '-geometry', '200x200+4+4', join(dir, 'contact-sheet.jpg')]);
    return;
  }
  const out = join(dir, 'thumbs');
  mkdirSync(out, { recursive: true });
  for (const f of images) {
    await magick([join(dir, f), '-auto-orient', '-thumbnail', `${size}x${size}`, join(out, f.replace(/\.\w+$/, '.jpg'))]);
  }
  console.log(`${images.length} thumbnails in ${out}`);
}

main().catch((e) => { console.error(e.message); process.exit(1); });
