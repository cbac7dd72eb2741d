/**
 * How an entity declares its keys (ElectroDB style, without the library): its PK and SK, and the
 * entry it writes in each index, as templates of literal text and `<placeholders>`; the access
 * patterns that read it, one line each, right after. The store modules build every key with
 * the entity's `key` / `index` / `pk` and read one back with `idOf`: no key string is written
 * by hand anywhere else (tests/unit/store/key-design.test.ts reads the sources to hold that).
 *
 * Placeholders: `<name>` is filled with the value given for `name`; `<name:6>` zero-pads a
 * number to 6 digits; `<name|->` is filled with `-` when the value is null; text after a space
 * (`<hour of next timer>`) only documents. Filling is what the template literals it replaces
 * did (`${value}`), so every key is the same string it always was.
 *
 * Indexes: the table has six GSIs with fixed attribute names (GSI1PK / GSI1SK ...). An entity
 * never names one: it writes to and queries a *logical* index, named for the one access pattern
 * it serves (INDEX below), and INDEX says which physical GSI carries it. Several patterns share
 * a GSI where their entries are small and their partitions cannot meet (the key design test
 * proves they cannot); keys.ts builds the table, its GSIs and their projections from GSI.
 */

export const pad = (n: number, width = 6): string => String(n).padStart(width, '0');

/** The table's global secondary indexes: name and key attributes. */
export const GSI = {
  GSI1: { name: 'GSI1', pk: 'GSI1PK', sk: 'GSI1SK' },
  GSI2: { name: 'GSI2', pk: 'GSI2PK', sk: 'GSI2SK' },
  GSI3: { name: 'GSI3', pk: 'GSI3PK', sk: 'GSI3SK' },
  GSI4: { name: 'GSI4', pk: 'GSI4PK', sk: 'GSI4SK' },
  GSI5: { name: 'GSI5', pk: 'GSI5PK', sk: 'GSI5SK' },
  GSI6: { name: 'GSI6', pk: 'GSI6PK', sk: 'GSI6SK' },
} as const;
export type PhysicalIndex = keyof typeof GSI;
export type Index = (typeof GSI)[PhysicalIndex];

/**
 * Every access pattern that reads an index, by what it serves, and the GSI that carries it.
 * Each is declared by exactly one entity (its `indexes`), which says what the entries are.
 */
export const INDEX = {
  /** a grid's reports over time (on each report's first timeline item) */
  reportsOfGrid: GSI.GSI1,
  /** a user's own and followed reports, newest first (membership items) */
  reportsOfUser: GSI.GSI1,
  /** the user of a WeChat openid */
  userByOpenid: GSI.GSI1,
  /** the audit log of one actor */
  auditByActor: GSI.GSI1,
  /** buildings with repeated reports of a category, per street */
  repeatsOfStreet: GSI.GSI1,
  /** an assignee's tasks that wait on them, by deadline */
  openTasksOfAssignee: GSI.GSI2,
  /** an assignee's finished tasks, by when they were resolved */
  doneTasksOfAssignee: GSI.GSI2,
  /** a grid's open, placed reports, by deadline */
  openReportsOfGrid: GSI.GSI3,
  /** open reports routing could not place, by deadline */
  unplacedReports: GSI.GSI3,
  /** uploads not yet processed, by expiry */
  pendingUploads: GSI.GSI3,
  /** a beat's open reports, by deadline */
  openReportsOfBeat: GSI.GSI4,
  /** every report of one China day, by time (Open311 GET requests; on each report's first timeline item) */
  requestsOfDay: GSI.GSI4,
  /** open reports of a category by geohash cell (duplicates near a point) */
  openReportsNear: GSI.GSI5,
  /** the audit log of one China day */
  auditByDay: GSI.GSI5,
  /** report timers (time limits, surveys, retention) by hour */
  timersDue: GSI.GSI6,
  /** a community's responders by status */
  volunteersOfCommunity: GSI.GSI1,
  /** a responder's assist offers by list (offered / mine / done) */
  offersOfVolunteer: GSI.GSI1,
  /** open assists by when their round widens */
  assistsToWiden: GSI.GSI6,
} as const;
export type IndexName = keyof typeof INDEX;

/** The attributes that are keys (table or index): what a record read back leaves out. */
export const KEY_ATTRIBUTES: ReadonlySet<string> = new Set(['PK', 'SK', ...Object.values(GSI).flatMap((g) => [g.pk, g.sk])]);

/** The item without its table and index keys. */
export function withoutKeys<T extends Record<string, unknown>>(item: T): T {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !KEY_ATTRIBUTES.has(k))) as T;
}

/** `IndexName` and key condition of one index partition (an entity's `partition`), optionally a range of its sort key. */
export function indexQuery(
  { index, pk }: Partition,
  sk?: ['<' | '<=', string] | ['between', string, string],
): { IndexName: string; KeyConditionExpression: string; ExpressionAttributeValues: Record<string, string> } {
  const range = !sk ? '' : sk[0] === 'between' ? ` AND ${index.sk} BETWEEN :sk AND :sk2` : ` AND ${index.sk} ${sk[0]} :sk`;
  const values: Record<string, string> = { ':pk': pk };
  if (sk) values[':sk'] = sk[1];
  if (sk?.[0] === 'between') values[':sk2'] = sk[2];
  return { IndexName: index.name, KeyConditionExpression: `${index.pk} = :pk${range}`, ExpressionAttributeValues: values };
}

// ── templates ──────────────────────────────────────────────────────────────────────────────

/** The placeholder names of a template. */
type Names<S extends string> = S extends `${string}<${infer P}>${infer R}` ? Name<P> | Names<R> : never;
type Name<P extends string> = P extends `${infer N} ${string}` ? Name<N> : P extends `${infer N}:${string}` ? N : P extends `${infer N}|${string}` ? N : P;
/** Names that have a fallback (`<name|->`) and so may be given null. */
type Nullable<S extends string> = S extends `${string}<${infer P}>${infer R}` ? (P extends `${infer N}|${string}` ? N : never) | Nullable<R> : never;
/** The values a template needs. */
export type Values<S extends string> = { [K in Names<S>]: K extends Nullable<S> ? string | number | null : string | number };

type Part = string | { name: string; width?: number; fallback?: string };

/** A compiled key template. */
export class Template<S extends string = string> {
  readonly parts: readonly Part[];
  /** the literal text before the first placeholder (the whole key when it has none) */
  readonly prefix: string;
  /** the literal text after the last placeholder */
  readonly suffix: string;
  /** no placeholders: every key it makes is this text */
  readonly exact: boolean;

  constructor(readonly text: S) {
    const parts: Part[] = [];
    const re = /<([^>]*)>/g;
    let at = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m.index > at) parts.push(text.slice(at, m.index));
      const spec = m[1]!.split(' ')[0]!;
      const [, name, width, fallback] = /^(\w+)(?::(\d+))?(?:\|(.*))?$/.exec(spec) ?? [];
      if (!name) throw new Error(`key template ${text}: bad placeholder <${m[1]}>`);
      parts.push({ name, ...(width ? { width: Number(width) } : {}), ...(fallback !== undefined ? { fallback } : {}) });
      at = m.index + m[0].length;
    }
    if (at < text.length) parts.push(text.slice(at));
    this.parts = parts;
    this.exact = parts.every((p) => typeof p === 'string');
    this.prefix = typeof parts[0] === 'string' ? parts[0] : '';
    this.suffix = this.exact ? this.prefix : typeof parts[parts.length - 1] === 'string' ? (parts[parts.length - 1] as string) : '';
  }

  get names(): string[] {
    return this.parts.flatMap((p) => (typeof p === 'string' ? [] : [p.name]));
  }

  fill(values: Values<S>): string {
    const v = values as Record<string, string | number | null | undefined>;
    let out = '';
    for (const p of this.parts) {
      if (typeof p === 'string') out += p;
      else {
        const x = v[p.name];
        out += x == null && p.fallback !== undefined ? p.fallback : typeof x === 'number' && p.width ? pad(x, p.width) : `${x}`;
      }
    }
    return out;
  }

  /** The value of the one placeholder of a `<prefix><name>` template, or null if `key` is not one of its keys. */
  valueOf(key: string): string | null {
    if (this.parts.length !== 2 || typeof this.parts[1] === 'string') throw new Error(`key template ${this.text}: not <prefix><one placeholder>`);
    return key.startsWith(this.prefix) ? key.slice(this.prefix.length) : null;
  }

  /** Whether `key` could have been made by this template. */
  fits(key: string): boolean {
    if (this.exact) return key === this.text;
    return key.length >= this.prefix.length + this.suffix.length && key.startsWith(this.prefix) && key.endsWith(this.suffix);
  }

  /** Whether a key of this template could equal a key of `other` (sound: false means never). */
  mayEqual(other: Template): boolean {
    if (this.exact && other.exact) return this.text === other.text;
    const a = this.exact ? this.text : this.prefix;
    const b = other.exact ? other.text : other.prefix;
    const as = this.exact ? this.text : this.suffix;
    const bs = other.exact ? other.text : other.suffix;
    return (a.startsWith(b) || b.startsWith(a)) && (as.endsWith(bs) || bs.endsWith(as));
  }
}

// ── entities ───────────────────────────────────────────────────────────────────────────────

export interface KeyDef {
  pk: string;
  sk: string;
  /** said in the key table after the keys */
  note?: string;
}

/** One access pattern: what it reads, and how (Query/GetItem/BatchGet on the table, or an index). */
export interface Pattern<I extends string = string> {
  what: string;
  /** the logical index it reads; none: the table */
  index?: I;
  /**
   * On an index: what the query adds to `PK=<the entry's pk>` (a sort key range, an order).
   * On the table: the operation, naming the keys as {pk}, {sk} and {sk-prefix} (the entity's).
   */
  how: string;
}

export interface EntityDef {
  /** its name in the key table */
  entity: string;
  pk: string;
  sk: string;
  /** said in the key table after the keys (ttl, what the item holds) */
  note?: string;
  /** the entry it writes in each index it is read from */
  indexes?: { readonly [I in IndexName]?: KeyDef };
  /** how it is read, one line each */
  patterns: readonly Pattern<IndexName>[];
}

type IndexesOf<D extends EntityDef> = keyof NonNullable<D['indexes']> & IndexName;
type IndexDef<D extends EntityDef, I extends IndexesOf<D>> = NonNullable<D['indexes']>[I] & KeyDef;

export interface Entity<D extends EntityDef = EntityDef> {
  readonly def: D;
  readonly pkTemplate: Template<D['pk']>;
  readonly skTemplate: Template<D['sk']>;
  readonly indexTemplates: { [I in IndexesOf<D>]: { pk: Template<IndexDef<D, I>['pk']>; sk: Template<IndexDef<D, I>['sk']> } };
  /** { PK, SK } of one item */
  key(values: Values<D['pk']> & Values<D['sk']>): { PK: string; SK: string };
  /** the partition key alone (Query) */
  pk(values: Values<D['pk']>): string;
  /** the SK's literal text before its first placeholder (begins_with, and telling items apart) */
  readonly skPrefix: string;
  /** the value of a `<prefix><id>` PK, or null when `pk` is not this entity's */
  idOf(pk: unknown): string | null;
  /** the item's attributes for its entry in index `i`: { GSInPK, GSInSK } */
  index<I extends IndexesOf<D>>(i: I, values: Values<IndexDef<D, I>['pk']> & Values<IndexDef<D, I>['sk']>): Record<string, string>;
  /** the index partition key alone */
  indexPk<I extends IndexesOf<D>>(i: I, values: Values<IndexDef<D, I>['pk']>): string;
  /** one partition of index `i`, to query */
  partition<I extends IndexesOf<D>>(i: I, values: Values<IndexDef<D, I>['pk']>): Partition;
  /** whether a stored item is one of this entity's (its PK and SK fit the templates) */
  owns(item: { PK?: unknown; SK?: unknown } | undefined): boolean;
}

/** One partition of an index: what a query of it names. */
export interface Partition {
  index: Index;
  pk: string;
}

export function entity<const D extends EntityDef>(def: D): Entity<D> {
  const pkT = new Template(def.pk);
  const skT = new Template(def.sk);
  const indexTemplates = Object.fromEntries(
    Object.entries(def.indexes ?? {}).map(([i, k]) => [i, { pk: new Template(k!.pk), sk: new Template(k!.sk) }]),
  ) as Entity<D>['indexTemplates'];
  const templatesOf = (i: string) => (indexTemplates as Record<string, { pk: Template; sk: Template }>)[i]!;
  return {
    def,
    pkTemplate: pkT,
    skTemplate: skT,
    indexTemplates,
    key: (v) => ({ PK: pkT.fill(v), SK: skT.fill(v) }),
    pk: (v) => pkT.fill(v),
    skPrefix: skT.prefix,
    idOf: (pk) => pkT.valueOf(String(pk ?? '')),
    index: (i, v) => {
      const t = templatesOf(i);
      const g = INDEX[i];
      return { [g.pk]: t.pk.fill(v as never), [g.sk]: t.sk.fill(v as never) };
    },
    indexPk: (i, v) => templatesOf(i).pk.fill(v as never),
    partition: (i, v) => ({ index: INDEX[i], pk: templatesOf(i).pk.fill(v as never) }),
    owns: (item) => !!item && pkT.fits(String(item.PK ?? '')) && skT.fits(String(item.SK ?? '')),
  };
}
