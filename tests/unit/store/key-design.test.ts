/**
 * THE key design (functions/src/store/keys.ts and the entity declarations it assembles):
 * the stored key formats, that keys of different entities can never be the same string, that
 * every index an access pattern reads is declared, that the key table in keys.ts's header is
 * the declarations', and that no source file outside the declarations types a key or names a
 * physical index.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as K from '../../../functions/src/store/keys.ts';
import { Template, type Entity } from '../../../functions/src/store/entity.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('stored key formats (existing items depend on them)', () => {
  it('table keys', () => {
    expect(K.keys.report('R1')).toEqual({ PK: 'REPORT#R1', SK: 'REPORT' });
    expect(K.keys.member('R1', 'u1')).toEqual({ PK: 'REPORT#R1', SK: 'MEMBER#u1' });
    expect(K.keys.event('R1', 7)).toEqual({ PK: 'REPORT#R1', SK: 'EVENT#000007' });
    expect(K.keys.outbox('R1', 12)).toEqual({ PK: 'REPORT#R1', SK: 'OUTBOX#000012' });
    expect(K.keys.rating('R1', 1, 'u1')).toEqual({ PK: 'REPORT#R1', SK: 'RATING#01#u1' });
    expect(K.keys.user('u1')).toEqual({ PK: 'USER#u1', SK: 'PROFILE' });
    expect(K.keys.inbox('u1', '2026-11-23T06:00:00.000Z', 'R1-000002')).toEqual({ PK: 'USER#u1', SK: 'INBOX#2026-11-23T06:00:00.000Z#R1-000002' });
    expect(K.Grant.key({ uid: 'u1', templateId: 'tpl' })).toEqual({ PK: 'USER#u1', SK: 'GRANT#tpl' });
    expect(K.keys.staffArea('gr-1', 'u1')).toEqual({ PK: 'AREA#gr-1', SK: 'STAFF#u1' });
    expect(K.keys.upload('up1')).toEqual({ PK: 'UPLOAD#up1', SK: 'UPLOAD' });
    expect(K.keys.invite('abc')).toEqual({ PK: 'INVITE#abc', SK: 'INVITE' });
    expect(K.keys.idempotency('u1', 'k-1')).toEqual({ PK: 'IDEMP#u1#k-1', SK: 'IDEMP' });
    expect(K.keys.areaSetPointer()).toEqual({ PK: 'AREASET', SK: 'CURRENT' });
    expect(K.keys.sweeperCursor()).toEqual({ PK: 'SWEEPER', SK: 'CURSOR' });
    expect(K.keys.pushDeadLetter('2026-11-23T06:00:00.000Z', 'u1', 'R1-000002')).toEqual({ PK: 'DLQ#push', SK: '2026-11-23T06:00:00.000Z#u1#R1-000002' });
    expect(K.KpiNow.key({ areaId: 'gr-1' })).toEqual({ PK: 'KPI#gr-1', SK: 'NOW' });
    expect(K.KpiDay.key({ areaId: 'gr-1', day: '2026-11-23' })).toEqual({ PK: 'KPI#gr-1', SK: 'DAY#2026-11-23' });
    const at = '2026-11-23T17:00:00.000Z';
    expect(K.AuditEntry.key({ reportId: 'R1', at, id: 'e1' })).toEqual({ PK: 'AUDIT#R#R1', SK: `${at}#e1` });
    expect(K.AuditEntry.key({ reportId: null, at, id: 'e1' })).toEqual({ PK: 'AUDIT#R#-', SK: `${at}#e1` });
    expect(K.ModerationQueue.key({ createdAt: at, reportId: 'R1' })).toEqual({ PK: 'MODQ#pending', SK: `${at}#R1` });
    expect(K.MediaTrace.key({ traceId: 't1' })).toEqual({ PK: 'MEDIATRACE#t1', SK: 'TRACE' });
    expect(K.LimitCounter.key({ uid: 'u1', action: 'reports', 'window': at })).toEqual({ PK: 'LIMIT#u1', SK: `reports#${at}` });
  });

  it('index entries, under the GSI attribute names they always had', () => {
    const at = '2026-11-23T17:00:00.000Z';
    expect(K.Report.index('reportsOfGrid', { gridId: 'g1', createdAt: at })).toEqual({ GSI1PK: 'AREA#g1', GSI1SK: at });
    expect(K.Member.index('reportsOfUser', { uid: 'u1', createdAt: at, reportId: 'R1' })).toEqual({ GSI1PK: 'USER#u1', GSI1SK: `${at}#R1` });
    expect(K.User.index('userByOpenid', { openid: 'o1' })).toEqual({ GSI1PK: 'OPENID#o1', GSI1SK: 'USER' });
    expect(K.AuditEntry.index('auditByActor', { actorId: 'u1', at })).toEqual({ GSI1PK: 'AUDIT#A#u1', GSI1SK: at });
    expect(K.Report.index('openTasksOfAssignee', { uid: 'w1', dueAt: at })).toEqual({ GSI2PK: 'ASSIGNEE#w1#open', GSI2SK: at });
    expect(K.Report.index('doneTasksOfAssignee', { uid: 'w1', resolvedAt: at })).toEqual({ GSI2PK: 'ASSIGNEE#w1#done', GSI2SK: at });
    expect(K.Report.index('openReportsOfGrid', { gridId: 'g1', dueAt: at })).toEqual({ GSI3PK: 'GRID#g1#open', GSI3SK: at });
    expect(K.Report.index('unplacedReports', { dueAt: at })).toEqual({ GSI3PK: 'QUEUE#unplaced', GSI3SK: at });
    expect(K.Upload.index('pendingUploads', { expiresAt: at, id: 'up1' })).toEqual({ GSI3PK: 'UPLOADS#pending', GSI3SK: `${at}#up1` });
    expect(K.Report.index('openReportsOfBeat', { beatId: 'b1', dueAt: at })).toEqual({ GSI4PK: 'BEAT#b1#open', GSI4SK: at });
    expect(K.Report.index('openReportsNear', { category: 'ebike_charging', geohash7: 'ws10k0m', createdAt: at })).toEqual({ GSI5PK: 'GEO#ebike_charging#ws10k0m', GSI5SK: at });
    expect(K.AuditEntry.index('auditByDay', { chinaDay: '2026-11-24', at })).toEqual({ GSI5PK: 'AUDIT#D#2026-11-24', GSI5SK: at });
    expect(K.Report.index('timersDue', { hour: at.slice(0, 13), at })).toEqual({ GSI6PK: 'TIMER#2026-11-23T17', GSI6SK: at });
  });

  it('ids read back from keys', () => {
    expect(K.Report.idOf('REPORT#R1')).toBe('R1');
    expect(K.Report.idOf('USER#u1')).toBeNull();
    expect(K.KpiNow.idOf('KPI#gr-1')).toBe('gr-1');
    expect(K.Report.owns({ PK: 'REPORT#R1', SK: 'REPORT' })).toBe(true);
    expect(K.Event.owns({ PK: 'REPORT#R1', SK: 'EVENT#000001' })).toBe(true);
    expect(K.Event.owns({ PK: 'REPORT#R1', SK: 'MEMBER#u1' })).toBe(false);
    expect(K.KpiNow.owns({ PK: 'KPI#gr-1', SK: 'DAY#2026-11-23' })).toBe(false);
  });
});

const entities = K.ENTITIES;
type Keyspace = { owner: string; pk: Template; sk?: Template };

describe('the entities', () => {
  it('have distinct names', () => {
    const names = entities.map((e) => e.def.entity);
    expect(new Set(names).size).toBe(names.length);
  });

  it('are every entity keys.ts exports', () => {
    const exported = (Object.values(K) as unknown[]).filter((v): v is Entity => typeof v === 'object' && v !== null && 'def' in v && 'pkTemplate' in v);
    expect(new Set(exported)).toEqual(new Set(entities));
  });

  it('never make the same table key (PK and SK) as another entity', () => {
    const clashes: string[] = [];
    entities.forEach((a, i) =>
      entities.slice(i + 1).forEach((b) => {
        if (a.pkTemplate.mayEqual(b.pkTemplate) && a.skTemplate.mayEqual(b.skTemplate)) clashes.push(`${a.def.entity} ~ ${b.def.entity}`);
      }),
    );
    expect(clashes).toEqual([]);
  });

  it('never write index partitions that meet, in any GSI (each logical index its own partitions)', () => {
    const byGsi = new Map<string, Keyspace[]>();
    for (const e of entities) {
      for (const [name, t] of Object.entries(e.indexTemplates as Record<string, { pk: Template }>)) {
        const gsi = K.INDEX[name as K.IndexName].name;
        byGsi.set(gsi, [...(byGsi.get(gsi) ?? []), { owner: `${e.def.entity}.${name}`, pk: t.pk }]);
      }
    }
    const clashes: string[] = [];
    for (const spaces of byGsi.values()) {
      spaces.forEach((a, i) => spaces.slice(i + 1).forEach((b) => a.pk.mayEqual(b.pk) && clashes.push(`${a.owner} ~ ${b.owner}`)));
    }
    expect(clashes).toEqual([]);
  });

  it('the clash check is not vacuous: it sees keys that could meet', () => {
    expect(new Template('USER#<uid>').mayEqual(new Template('USER#<id>'))).toBe(true);
    expect(new Template('A#<x>#open').mayEqual(new Template('A#<x>'))).toBe(true);
    expect(new Template('A#<x>#open').mayEqual(new Template('A#<x>#done'))).toBe(false);
    expect(new Template('AREASET').mayEqual(new Template('AREA#<id>'))).toBe(false);
    expect(new Template('DLQ#push').mayEqual(new Template('DLQ#<x>'))).toBe(true);
  });

  it('declare each logical index exactly once, and every declared index is read by one of their patterns', () => {
    const declaredBy = new Map<string, string[]>();
    for (const e of entities) for (const i of Object.keys(e.def.indexes ?? {})) declaredBy.set(i, [...(declaredBy.get(i) ?? []), e.def.entity]);
    expect([...declaredBy.keys()].sort()).toEqual(Object.keys(K.INDEX).sort());
    expect([...declaredBy.entries()].filter(([, by]) => by.length !== 1)).toEqual([]);
    for (const e of entities) {
      const read = new Set(e.def.patterns.flatMap((p) => (p.index ? [p.index] : [])));
      expect([...read].filter((i) => !(i in (e.def.indexes ?? {}))), `${e.def.entity} reads an index it does not declare`).toEqual([]);
      expect(Object.keys(e.def.indexes ?? {}).filter((i) => !read.has(i as K.IndexName)), `${e.def.entity} declares an index no pattern reads`).toEqual([]);
    }
  });

  it('name table keys in patterns by {pk}/{sk}, so a pattern never restates a key', () => {
    const literal = /[A-Z]{3,}#/;
    expect(entities.flatMap((e) => e.def.patterns.filter((p) => literal.test(p.how)).map((p) => `${e.def.entity}: ${p.how}`))).toEqual([]);
  });
});

describe('the table', () => {
  it('has each GSI of the key design, with the projections chosen for write cost', () => {
    expect(K.TABLE_SCHEMA.globalSecondaryIndexes.map((g) => [g.IndexName, g.KeySchema!.map((k) => k.AttributeName), g.Projection])).toEqual([
      ['GSI1', ['GSI1PK', 'GSI1SK'], { ProjectionType: 'ALL' }],
      ['GSI2', ['GSI2PK', 'GSI2SK'], { ProjectionType: 'KEYS_ONLY' }],
      ['GSI3', ['GSI3PK', 'GSI3SK'], { ProjectionType: 'ALL' }],
      ['GSI4', ['GSI4PK', 'GSI4SK'], { ProjectionType: 'KEYS_ONLY' }],
      ['GSI5', ['GSI5PK', 'GSI5SK'], { ProjectionType: 'INCLUDE', NonKeyAttributes: K.AUDIT_ENTRY_FIELDS }],
      ['GSI6', ['GSI6PK', 'GSI6SK'], { ProjectionType: 'KEYS_ONLY' }],
    ]);
    expect(K.TABLE_SCHEMA.attributeDefinitions.map((a) => a.AttributeName)).toEqual(['PK', 'SK', ...Object.values(K.GSI).flatMap((g) => [g.pk, g.sk])]);
  });

  it('every logical index rides a GSI of the table', () => {
    const names = new Set(K.TABLE_SCHEMA.globalSecondaryIndexes.map((g) => g.IndexName));
    expect(Object.entries(K.INDEX).filter(([, g]) => !names.has(g.name))).toEqual([]);
  });

  it("keys.ts's header is the key table of the declarations (npx tsx functions/local/key-table.ts rewrites it)", () => {
    const text = readFileSync(join(root, 'functions/src/store/keys.ts'), 'utf8');
    const block = /\* <key-table>\n([\s\S]*?) \* <\/key-table>/.exec(text)?.[1];
    expect(block, 'keys.ts has a <key-table> block').toBeDefined();
    const header = block!.split('\n').filter(Boolean).map((l) => l.replace(/^ \* ?/, ''));
    expect(header).toEqual(K.keyTable());
  });
});

// ── no key typed by hand ─────────────────────────────────────────────────────────────────────

/** Where keys may be written as text: the declarations, and the module that assembles them. */
const DECLARATIONS = /^functions\/src\/store\/(entity|keys|entities\/[\w-]+)\.ts$/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(n) && !/\.test\.tsx?$/.test(n) ? [p] : [];
  });
}

/** The literal text pieces (strings, template parts) and identifiers of a source file; comments are not read. */
function tokens(file: string, text = readFileSync(file, 'utf8')): { literals: string[]; identifiers: string[] } {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const literals: string[] = [];
  const identifiers: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n) || ts.isRegularExpressionLiteral(n)) literals.push(n.text);
    else if (ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) identifiers.push(n.text);
    n.forEachChild(visit);
  };
  visit(sf);
  return { literals, identifiers };
}

const templates = entities.flatMap((e) => [e.pkTemplate, e.skTemplate, ...Object.values(e.indexTemplates as Record<string, { pk: Template; sk: Template }>).flatMap((t) => [t.pk, t.sk])]);
/** Literal key text that marks a key: every prefix with a `#` in it ('REPORT#', 'AUDIT#R#', 'DLQ#push' ...). */
const KEY_PREFIXES = [...new Set(templates.map((t) => (t.exact ? t.text : t.prefix)).filter((p) => p.includes('#')))];
/** Whole fixed keys ('REPORT', 'PROFILE', 'AREASET', 'NOW' ...): a string literal that is one of them. */
const FIXED_KEYS = new Set(templates.filter((t) => t.exact && !t.text.includes('#')).map((t) => t.text));
/** A GSI's name or key attribute: a whole identifier, or anywhere in literal text (`GSI${n}PK`, 'REMOVE GSI3PK', /GSI\d/). */
const PHYSICAL_NAME = /^GSI(\d(PK|SK)?)?$/;
const PHYSICAL_TEXT = /\bGSI(\d|\\d|$)/;

describe('no source file outside the entity declarations', () => {
  const files = [...sources(join(root, 'functions/src')), ...sources(join(root, 'functions/local'))]
    .map((f) => relative(root, f).split('\\').join('/'))
    .filter((f) => !DECLARATIONS.test(f));

  it('reads a fair set of sources, and knows the prefixes to look for', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files).toContain('functions/src/store/audit.ts');
    expect(KEY_PREFIXES).toEqual(expect.arrayContaining(['REPORT#', 'EVENT#', 'AUDIT#R#', 'AUDIT#A#', 'AUDIT#D#', 'MODQ#pending', 'UPLOADS#pending', 'KPI#', 'DAY#', 'LIMIT#', 'GRANT#', 'DLQ#push']));
    expect([...FIXED_KEYS]).toEqual(expect.arrayContaining(['REPORT', 'AREASET', 'NOW', 'TRACE']));
  });

  const typedKeys = (f: string, text?: string) =>
    tokens(join(root, f), text).literals.flatMap((s) => [
      ...KEY_PREFIXES.filter((p) => s.includes(p)).map((p) => `${f}: ${JSON.stringify(s)} has ${p}`),
      ...(FIXED_KEYS.has(s) ? [`${f}: ${JSON.stringify(s)}`] : []),
    ]);
  const physicalNames = (f: string, text?: string) => {
    const t = tokens(join(root, f), text);
    return [...t.literals.filter((s) => PHYSICAL_TEXT.test(s)), ...t.identifiers.filter((s) => PHYSICAL_NAME.test(s))].map((s) => `${f}: ${s}`);
  };

  it('(the scan finds what it looks for, and reads no comments)', () => {
    const probe = [
      '// REPORT#<id> on GSI1: comments may say so',
      "const a = { PK: `AUDIT#R#${id}`, SK: 'NOW', GSI3PK: x };",
      "q({ IndexName: 'GSI5', UpdateExpression: 'SET a = :a REMOVE GSI3PK, GSI3SK', re: /^GSI\\dPK$/, k: `GSI${n}SK` });",
    ].join('\n');
    expect(typedKeys('probe.ts', probe)).toEqual(['probe.ts: "AUDIT#R#" has AUDIT#R#', 'probe.ts: "NOW"']);
    expect(physicalNames('probe.ts', probe)).toEqual(['probe.ts: GSI5', 'probe.ts: SET a = :a REMOVE GSI3PK, GSI3SK', 'probe.ts: /^GSI\\dPK$/', 'probe.ts: GSI', 'probe.ts: GSI3PK']);
  });

  it('types a key prefix or a fixed key ("REPORT#", `AUDIT#…`, "NOW")', () => {
    expect(files.flatMap((f) => typedKeys(f))).toEqual([]);
  });

  it('names a physical index or its key attributes (GSI3, GSI3PK): queries name what they serve (INDEX)', () => {
    expect(files.flatMap((f) => physicalNames(f))).toEqual([]);
  });
});
