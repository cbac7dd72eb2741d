/**
 * Secret grants follow the code (infra/src/code-use.ts): a function can read the token key or
 * the WeChat credentials exactly when its bundle's live code uses a secrets.ts getter that reads
 * them — checked on the derivation itself (fixture entries) and on the synthesised template.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { codeUseOf, exportsOf, SECRET_OF, SECRETS_MODULE } from '../../infra/src/code-use.ts';
import { functionSpecs, REPO_ROOT } from '../../infra/src/catalog.ts';
import { asArray, iamStatements, synth } from './support.ts';

const s = synth();
const fnTemplate = s.templates.functions;

function envOf(name: string): Record<string, string> {
  const f = s.stacks.functions.byName(name);
  const id = s.stacks.functions.getLogicalId(f.fn.node.defaultChild as any);
  return (fnTemplate.findResources('AWS::Lambda::Function')[id] as any).Properties.Environment.Variables;
}

/** logical ids of the two secrets as the functions stack imports them */
const secretRef = (which: 'tokenSecret' | 'wechatSecret') => JSON.stringify(s.stacks.functions.resolve(s.stacks.secrets[which].secretArn));

/** what the role of `name` may call GetSecretValue on (resolved resource JSON) */
function secretReads(name: string): string[] {
  const role = s.stacks.functions.byName(name).role;
  const policy = role.node.tryFindChild('DefaultPolicy')?.node.defaultChild as any;
  if (!policy) return [];
  const where = `Weishibao-dev-Functions/${s.stacks.functions.getLogicalId(policy)}`;
  return iamStatements(s)
    .filter((x) => x.where === where && asArray<string>(x.statement.Action).some((a) => a.startsWith('secretsmanager:')))
    .flatMap((x) => asArray<unknown>(x.statement.Resource).map((r) => JSON.stringify(r)));
}

describe('secret grants derived from each bundle', () => {
  it('classifies every export of secrets.ts', () => {
    expect(exportsOf(join(REPO_ROOT, SECRETS_MODULE))).toEqual(Object.keys(SECRET_OF).sort());
  });

  it('gives the sweeper the token secret retention pseudonymises with, and its ARN', () => {
    expect(codeUseOf(s.stacks.functions.byName('schedule-sweeper').spec.entry).secretExports).toContain('tokenSecret');
    expect(secretReads('schedule-sweeper')).toContain(secretRef('tokenSecret'));
    expect(envOf('schedule-sweeper').TOKEN_SECRET_ARN).toBeDefined();
  });

  it('gives no secret, and no secret ARN, to a function whose bundle does not use secrets.ts', () => {
    const without = functionSpecs().filter((spec) => codeUseOf(spec.entry).secretExports.length === 0);
    // the KPI consumer and the upload expiry touch neither tokens nor WeChat
    expect(without.map((x) => x.name)).toEqual(expect.arrayContaining(['events-kpi', 'schedule-expire-uploads']));
    for (const spec of without) {
      expect(secretReads(spec.name), spec.name).toEqual([]);
      expect(Object.keys(envOf(spec.name)).filter((k) => k.endsWith('_SECRET_ARN')), spec.name).toEqual([]);
    }
  });

  it('grants each function exactly the secrets its code reads, on those secrets only', () => {
    const token = secretRef('tokenSecret');
    const wechat = secretRef('wechatSecret');
    for (const f of s.stacks.functions.functions) {
      const use = codeUseOf(f.spec.entry);
      const reads = secretReads(f.spec.name);
      expect(reads.filter((r) => r === token).length > 0, `${f.spec.name} reads the token secret`).toBe(use.secrets.has('token'));
      expect(reads.filter((r) => r === wechat).length > 0, `${f.spec.name} reads the WeChat secret`).toBe(use.secrets.has('wechat'));
      expect(reads.every((r) => r === token || r === wechat), f.spec.name).toBe(true);
      expect('TOKEN_SECRET_ARN' in envOf(f.spec.name), f.spec.name).toBe(use.secrets.has('token'));
      expect('WECHAT_SECRET_ARN' in envOf(f.spec.name), f.spec.name).toBe(use.secrets.has('wechat'));
    }
  });

  it('finds the callers it must: the push consumer and login call WeChat, the push endpoint checks its token', () => {
    expect(codeUseOf(s.stacks.functions.byName('events-push').spec.entry).secretExports).toContain('wechatCredentials');
    // the stream notifier only queues pushes: it never calls WeChat, so it holds no WeChat secret
    expect(codeUseOf(s.stacks.functions.byName('events-stream').spec.entry).secrets.has('wechat')).toBe(false);
    expect(codeUseOf(s.stacks.functions.byName('api-auth').spec.entry).secretExports).toEqual(expect.arrayContaining(['tokenSecret', 'wechatCredentials']));
    expect(codeUseOf(s.stacks.functions.byName('api-wechat').spec.entry).secretExports).toContain('wechatPushToken');
  });

  it('grants WeChat only where the bundle carries WeChat code (a module-level cross-check)', async () => {
    for (const spec of functionSpecs()) {
      if (!codeUseOf(spec.entry).secrets.has('wechat')) continue;
      const out = await build({ entryPoints: [spec.entry], absWorkingDir: REPO_ROOT, bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', packages: 'external', outfile: 'out.mjs', logLevel: 'silent' });
      const inputs = Object.values(out.metafile.outputs).find((o) => o.entryPoint)!.inputs;
      const live = (m: string) => (inputs[m]?.bytesInOutput ?? 0) > 0;
      expect(live('functions/src/notify/wechat.ts') || live('functions/src/http/handlers/wechat.ts'), spec.name).toBe(true);
    }
  });
});

describe('the derivation (fixture entries)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsb-code-use-test-'));
  const entry = (name: string, code: string) => {
    const file = join(dir, `${name}.ts`);
    writeFileSync(file, code);
    return file;
  };

  it('counts what live code calls, not what is imported', () => {
    const dead = entry('dead', `import { tokenSecret, loadSecrets } from '#secrets';\nfunction unused() { return tokenSecret(); }\nexport const handler = async () => { await loadSecrets(); };\n`);
    expect(codeUseOf(dead)).toMatchObject({ secretExports: ['loadSecrets'], secrets: new Set() });
    const live = entry('live', `import { wechatPushToken } from '#secrets';\nexport const handler = async () => wechatPushToken();\n`);
    expect(codeUseOf(live)).toMatchObject({ secretExports: ['wechatPushToken'], secrets: new Set(['wechat']) });
    const ns = entry('ns', `import * as secrets from '#secrets';\nexport const handler = async () => secrets.tokenSecret();\n`);
    expect([...codeUseOf(ns).secrets]).toEqual(['token']);
    const none = entry('none', `export const handler = async () => 1;\n`);
    expect(codeUseOf(none)).toMatchObject({ secretExports: [], secrets: new Set(), templates: false });
  });

  it('refuses secrets.ts imported by path, which the derivation could not see', () => {
    const byPath = entry('by-path', `import { tokenSecret } from ${JSON.stringify(join(REPO_ROOT, SECRETS_MODULE))};\nexport const handler = async () => tokenSecret();\n`);
    expect(() => codeUseOf(byPath)).toThrow(/import it as '#secrets'/);
  });
});
