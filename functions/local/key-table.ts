/**
 * Rewrites the key table in the header of functions/src/store/keys.ts from the entities'
 * declarations: `npx tsx functions/local/key-table.ts` after changing one.
 * tests/unit/store/key-design.test.ts fails while the header and the declarations differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { keyTable } from '#store/keys';

const path = fileURLToPath(new URL('../src/store/keys.ts', import.meta.url));
const text = readFileSync(path, 'utf8');
const block = [' * <key-table>', ...keyTable().map((l) => ` * ${l}`.trimEnd()), ' * </key-table>'].join('\n');
const next = text.replace(/ \* <key-table>\n[\s\S]*? \* <\/key-table>/, block);
if (next === text) console.log('key table: up to date');
else {
  writeFileSync(path, next);
  console.log('key table: rewritten');
}
