/** `npm run reset`: wipes the local stack's data (.data/); the next `npm start` seeds afresh. */
import { readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const dataDir = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), '.data');
const pid = Number((await readFile(join(dataDir, 'npm-start.pid'), 'utf8').catch(() => '')).trim());
let running = false;
if (pid) {
  try {
    process.kill(pid, 0);
    running = true;
  } catch {
    running = false;
  }
}
if (running) {
  console.error(`npm start is running (pid ${pid}); stop it before resetting its data.`);
  process.exit(1);
}
await rm(dataDir, { recursive: true, force: true });
console.log('Local data wiped (.data/). The next npm start seeds the demo city again.');
