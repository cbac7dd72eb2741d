/** Functions are derived from the tables; each has its own log group with retention. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ROUTES } from '../../functions/src/http/routes.ts';
import { SCHEDULES } from '../../functions/src/events/schedules.ts';
import { EVENT_ENTRIES, functionSpecs } from '../../infra/src/catalog.ts';
import { synth } from './support.ts';

describe('functions stack', () => {
  const s = synth();
  const fns = s.resources('AWS::Lambda::Function');

  it('deploys one function per non-local fn group, per event entry, and per schedule', () => {
    const groups = new Set(ROUTES.filter((r) => !r.localOnly).map((r) => r.fn));
    const names = functionSpecs().map((f) => f.name);
    expect(names.sort()).toEqual(
      [...[...groups].map((g) => `api-${g}`), ...Object.keys(EVENT_ENTRIES), ...SCHEDULES.map((x) => `schedule-${x.name}`)].sort(),
    );
    expect(s.templates.functions.findResources('AWS::Lambda::Function')).toSatisfy((r: object) => Object.keys(r).length === names.length);
  });

  it('gives every Lambda function in the app a log group with retention', () => {
    expect(fns.length).toBeGreaterThan(functionSpecs().length); // ours + the notification custom resource
    for (const { stack, id, resource } of fns) {
      const ref = resource.Properties?.LoggingConfig?.LogGroup?.Ref as string | undefined;
      expect(ref, `${stack}/${id} has no LoggingConfig.LogGroup`).toBeDefined();
      const group = s.resources('AWS::Logs::LogGroup').find((g) => g.stack === stack && g.id === ref);
      expect(group?.resource.Properties?.RetentionInDays, `${stack}/${id}`).toBeGreaterThan(0);
    }
  });

  it('runs Node 22 on arm64, except where a native module ships x64 binaries', () => {
    for (const f of s.stacks.functions.functions) {
      const cfn = f.fn.node.defaultChild as any;
      const props = s.templates.functions.findResources('AWS::Lambda::Function')[s.stacks.functions.getLogicalId(cfn)] as any;
      expect(props.Properties.Runtime).toBe('nodejs22.x');
      expect(props.Properties.Architectures).toEqual([f.spec.name === 'events-photos' ? 'x86_64' : 'arm64']);
    }
  });

  it('passes table, bucket, secret ARNs and Powertools settings in the environment (never a secret value)', () => {
    for (const f of s.stacks.functions.functions) {
      const cfn = f.fn.node.defaultChild as any;
      const env = (s.templates.functions.findResources('AWS::Lambda::Function')[s.stacks.functions.getLogicalId(cfn)] as any).Properties.Environment.Variables;
      expect(Object.keys(env)).toEqual(expect.arrayContaining(['TABLE_NAME', 'PHOTO_BUCKET', 'POWERTOOLS_SERVICE_NAME', 'LOG_LEVEL', 'STAGE']));
      expect(env).not.toHaveProperty('TOKEN_SECRET');
      expect(env).not.toHaveProperty('WSB_LOCAL');
      expect('TOKEN_SECRET_ARN' in env, f.spec.name).toBe(f.access.tokenSecret);
      expect('WECHAT_SECRET_ARN' in env, f.spec.name).toBe(f.access.wechatSecret);
    }
  });

  it('gives the AppID to WeChat callers and the template configuration to the code that reads it, and nobody else', () => {
    const keys = { thing1: 'category', thing2: 'place', time3: 'deadline', thing4: 'note' };
    const templates = JSON.stringify({
      task: { id: 'T1', keys },
      escalation: { id: 'T2', keys: { ...keys, time3: undefined, phrase3: 'status' } },
      progress: { id: 'T3', longTerm: false, keys: { thing1: 'category', phrase2: 'status', time3: 'time' } },
      survey: { id: 'T4', keys: { thing1: 'category', time2: 'time' } },
    });
    const w = synth({ wechatAppId: 'wx0123456789abcdef', wechatTemplates: templates });
    const withTemplates: string[] = [];
    for (const f of w.stacks.functions.functions) {
      const cfn = f.fn.node.defaultChild as any;
      const env = (w.templates.functions.findResources('AWS::Lambda::Function')[w.stacks.functions.getLogicalId(cfn)] as any).Properties.Environment.Variables;
      const expected = {
        ...(f.access.wechatSecret ? { WECHAT_APPID: 'wx0123456789abcdef' } : {}),
        ...(f.access.templates ? { WECHAT_TEMPLATES: templates } : {}),
      };
      const wechatEnv = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('WECHAT_') && k !== 'WECHAT_SECRET_ARN'));
      expect(wechatEnv, f.spec.name).toEqual(expected);
      if (f.access.templates) withTemplates.push(f.spec.name);
    }
    // the notifier sends with them, GET /v1/me offers them, POST /v1/auth/subscriptions checks them
    expect(withTemplates).toEqual(expect.arrayContaining(['events-stream', 'api-me', 'api-auth']));
    // the same parser the functions use: unknown kinds, missing kinds, keys that cannot carry their value
    expect(() => synth({ wechatTemplates: 'task=T1' })).toThrow(/must be JSON/);
    expect(() => synth({ wechatTemplates: JSON.stringify({ birthday: { id: 'T9', keys } }) })).toThrow(/unknown kind "birthday".*task: missing/);
    expect(() => synth({ wechatTemplates: templates.replace('"phrase3":"status"', '"phrase3":"deadline"') })).toThrow(/phrase3 is a phrase field, which cannot carry deadline/);
    expect(() => synth({ wechatAppId: 'not-an-appid' })).toThrow(/AppID/);
  });

  it('tells the basemap code the deployment\'s tile layer, nobody else, and refuses a layer without attribution', () => {
    const url = 'https://rt{s}.map.example.cn/tiles/{z}/{x}/{y}.png';
    const w = synth({ mapTileUrl: url, mapTileAttribution: '© 示例地图 GS(2025)0001号', mapTileSubdomains: '0123' });
    const told: string[] = [];
    for (const f of w.stacks.functions.functions) {
      const cfn = f.fn.node.defaultChild as any;
      const env = (w.templates.functions.findResources('AWS::Lambda::Function')[w.stacks.functions.getLogicalId(cfn)] as any).Properties.Environment.Variables;
      const mapEnv = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('MAP_')));
      expect(mapEnv, f.spec.name).toEqual(f.access.basemap ? { MAP_TILE_URL: url, MAP_TILE_ATTRIBUTION: '© 示例地图 GS(2025)0001号', MAP_TILE_SUBDOMAINS: '0123' } : {});
      if (f.access.basemap) told.push(f.spec.name);
    }
    expect(told).toEqual(['api-areas']);
    expect(() => synth({ mapTileUrl: url })).toThrow(/mapTileAttribution/);
    expect(() => synth({ mapTileUrl: 'http://tiles.example.cn/{z}/{x}/{y}.png', mapTileAttribution: 'x' })).toThrow(/https URL template/);
    expect(() => synth({ mapTileUrl: 'https://tiles.example.cn/tile.png', mapTileAttribution: 'x' })).toThrow(/\{z\}, \{x\} and \{y\}/);
  });

  it('uses log retention by stage', () => {
    const prod = synth({ stage: 'prod' });
    for (const g of Object.values(prod.templates.functions.findResources('AWS::Logs::LogGroup')) as any[]) {
      expect(g.Properties.RetentionInDays).toBe(180);
      expect(g.DeletionPolicy).toBe('Retain');
    }
  });
});

describe('catalog', () => {
  afterEach(() => {
    vi.doUnmock('../../functions/src/http/routes.ts');
    vi.doUnmock('../../functions/src/events/schedules.ts');
    vi.doUnmock('node:fs');
    vi.resetModules();
  });

  it('fails loudly when a fn group has no entry file', async () => {
    vi.resetModules();
    vi.doMock('../../functions/src/http/routes.ts', async (importOriginal) => {
      const real = await importOriginal<typeof import('../../functions/src/http/routes.ts')>();
      return { ...real, ROUTES: [...real.ROUTES, { method: 'GET', path: '/v1/ghost', handler: 'ghost.get', fn: 'ghost', summary: 'x', auth: 'none' }] };
    });
    const { functionSpecs: specs } = await import('../../infra/src/catalog.ts');
    expect(() => specs()).toThrow(/functions\/src\/entry\/api-ghost\.ts/);
  });

  it('picks up a new schedule row (and fails loudly without its entry)', async () => {
    vi.resetModules();
    vi.doMock('../../functions/src/events/schedules.ts', async (importOriginal) => {
      const real = await importOriginal<typeof import('../../functions/src/events/schedules.ts')>();
      return { ...real, SCHEDULES: [...real.SCHEDULES, { name: 'stats', everyMinutes: 60, module: 'stats', description: 'x' }] };
    });
    const { functionSpecs: specs } = await import('../../infra/src/catalog.ts');
    expect(() => specs()).toThrow(/functions\/src\/entry\/schedule-stats\.ts/);
  });

  it('fails loudly on an entry file that nothing deploys', async () => {
    vi.resetModules();
    vi.doMock('node:fs', async (importOriginal) => {
      const real = await importOriginal<typeof import('node:fs')>();
      const readdirSync = ((dir: string) => [...(real.readdirSync(dir) as string[]), 'events-mystery.ts']) as typeof real.readdirSync;
      return { ...real, readdirSync, default: { ...real, readdirSync } };
    });
    const { functionSpecs: specs } = await import('../../infra/src/catalog.ts');
    expect(() => specs()).toThrow(/events-mystery\.ts is not deployed/);
  });
});
