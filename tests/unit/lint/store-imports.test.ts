/**
 * ENGINEERING.md: "Handlers and event handlers never import the store (lint enforces it)" — the
 * flows are the only path to it. Runs the project's own ESLint config on a one-line import as
 * if it sat in a handler, an event consumer or a flow.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

const RULES = ['no-restricted-imports', '@typescript-eslint/no-restricted-imports'];

async function restrictedImports(text: string, filePath: string) {
  const [result] = await eslint.lintText(text, { filePath: `${root}${filePath}` });
  expect(result, filePath).toBeDefined();
  // an ignored file would pass for the wrong reason
  expect(result!.messages.filter((m) => /ignored/i.test(m.message)), `${filePath} is linted`).toEqual([]);
  return result!.messages.filter((m) => m.ruleId !== null && RULES.includes(m.ruleId) && m.severity === 2);
}

const STORE_IMPORT = "import { doc } from '#store/clients';\n";

describe('store imports', () => {
  it.each(['functions/src/http/handlers/lint-probe.ts', 'functions/src/http/lint-probe.ts', 'functions/src/events/lint-probe.ts'])('are a lint error in %s', async (path) => {
    expect(await restrictedImports(STORE_IMPORT, path)).toHaveLength(1);
  });

  it.each([
    ['functions/src/http/handlers/lint-probe.ts', "import { doc } from '../../store/clients';\n"],
    ['functions/src/events/lint-probe.ts', "import { doc } from '../store/clients';\n"],
    ['functions/src/events/lint-probe.ts', "import type { ReportRecord } from '#store/reports';\nexport type R = ReportRecord;\n"],
  ])('are a lint error in %s however they are spelled: %s', async (path, text) => {
    expect(await restrictedImports(text, path)).toHaveLength(1);
  });

  it('are fine in a flow (the only path to the store)', async () => {
    expect(await restrictedImports(STORE_IMPORT, 'functions/src/flows/lint-probe.ts')).toEqual([]);
  });

  it('the rule is about the store only: a handler may import a flow', async () => {
    expect(await restrictedImports("import * as flows from '#flows/reports';\n", 'functions/src/http/handlers/lint-probe.ts')).toEqual([]);
  });
});
