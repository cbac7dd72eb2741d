/**
 * One contender for the `npm start` lock (tests/integration/lock.test.ts), driven over stdin so
 * that all contenders try at the same moment: it prints `ready`, takes the lock on the line
 * `go`, prints what it got (and what the lock file then names), and exits on `release`,
 * releasing the lock if it held it. Run with `start.ts` among its arguments: local/lock.ts tells
 * a live holder from a reused pid by that mark in its command line.
 *
 *   node --import tsx tests/support/lock-contender.ts <lock file> start.ts
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { takeLock } from '../../functions/local/lock.ts';

const file = process.argv[2]!;
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const nextLine = async () => String((await lines.next()).value ?? '');
const say = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

say({ ready: true });
while ((await nextLine()) !== 'go');
const lock = await takeLock(file);
const fileNames = Number.parseInt(readFileSync(file, 'utf8'), 10);
say({ pid: process.pid, taken: lock.taken, heldBy: lock.taken ? undefined : lock.heldBy, fileNames });
while ((await nextLine()) !== 'release');
if (lock.taken) lock.release();
process.exit(0);
