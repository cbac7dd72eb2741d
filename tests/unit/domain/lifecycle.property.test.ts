import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ACTIONS,
  STATUSES,
  TRANSITIONS,
  availableActions,
  decide,
  isFinal,
  systemDecision,
  type Action,
  type AssigneeFacts,
  type Command,
  type Decision,
  type ReportFacts,
  type Status,
} from '../../../functions/src/domain/lifecycle.ts';
import { ROLES, coversPlace, type Actor, type Role } from '../../../functions/src/domain/roles.ts';
import { otherSide, type Side } from '../../../functions/src/domain/categories.ts';
import { DomainError } from '../../../functions/src/domain/errors.ts';
import {
  ALL_ACTORS,
  AREA_IDS,
  BEAT_OF,
  GRIDS,
  INACTIVE_W1,
  P,
  STAFF,
  applyDecision,
  areas,
  full,
  fullFor,
  makeAreas,
  routedHandler,
  targetFacts,
} from './fixtures.ts';

const RUNS = { numRuns: 500 };
/**
 * The any-sequence property also checks its generator reached every status and action; that
 * coverage is a fact about one sample, so that property runs on a fixed seed (reproducible), with
 * more runs. The other properties draw fresh samples every run.
 */
const COVERAGE_RUNS = { numRuns: 1500, seed: 20261123 };
const SIDES: readonly Side[] = ['grid', 'police'];
/** Names a dispatch may carry: every person, an inactive account, and nobody. */
const TARGET_IDS = [...ALL_ACTORS.map((a) => a.id), INACTIVE_W1.id, 'ghost'];
const ALL_IDS = ALL_ACTORS.map((a) => a.id);

type Grid = (typeof GRIDS)[number];
const placeOf = (g: Grid) => ({ gridId: g, beatId: BEAT_OF[g] });

/** Handlers (possible dispatch targets) that cover the report's place. */
const handlersOf = (r: ReportFacts): Actor[] =>
  STAFF.filter((a) => ['grid_worker', 'grid_leader', 'police_officer'].includes(a.role) && coversPlace(a, r, areas));

function newReport(g: Grid, lead: Side, routed: boolean): ReportFacts {
  const place = placeOf(g);
  return { status: 'reported', lead, ...place, assigneeId: routed ? routedHandler(lead, place) : null, reporterId: 'r1', reopenCount: 0 };
}

/** Run decide, returning the decision or the thrown value (never letting anything escape). */
function attempt(r: ReportFacts, who: Actor, cmd: Command, target?: AssigneeFacts | null): { ok: Decision } | { err: unknown } {
  try {
    return { ok: decide(r, who, cmd, areas, target) };
  } catch (err) {
    return { err };
  }
}

const FORWARD: readonly Action[] = ['accept', 'dispatch', 'start', 'resolve', 'verify', 'close', 'reopen'];

const stepArb = fc.record({
  guided: fc.integer({ min: 0, max: 9 }).map((n) => n < 6),
  /** guided steps mostly move the report forward round the loop, so runs get to the end */
  forward: fc.integer({ min: 0, max: 9 }).map((n) => n < 7),
  actorIx: fc.nat(),
  actionIx: fc.nat(),
  supply: fc.integer({ min: 0, max: 9 }).map((n) => n < 8),
  targetIx: fc.nat(),
  rerouteNull: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
  /** now and then the holder's account is deactivated: the system reassigns */
  system: fc.integer({ min: 0, max: 29 }).map((n) => n === 0),
  /** which of the service's own actions, uniformly */
  sysIx: fc.integer({ min: 0, max: 11 }),
});
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

/** Turns a step into (actor, command, target): guided steps pick among what someone may do now. */
function materialise(r: ReportFacts, s: Step): { who: Actor; cmd: Command; target: AssigneeFacts | null } {
  if (s.guided) {
    const options: [Actor, Action][] = [];
    for (const who of ALL_ACTORS) for (const a of availableActions(r, who, areas)) options.push([who, a]);
    if (r.status === 'closed' && r.reopenCount === 0) options.push([P.r1, 'reopen']);
    const onward = options.filter(([, a]) => FORWARD.includes(a));
    const pool = s.forward && onward.length > 0 ? onward : options;
    const pick = pool[s.actionIx % Math.max(pool.length, 1)];
    if (pick) {
      const [who, action] = pick;
      let cmd = fullFor(action, who, r);
      if (action === 'dispatch' && cmd.assigneeId !== who.id) {
        const hs = handlersOf(r);
        cmd = full(action, { assigneeId: hs[s.targetIx % hs.length]?.id ?? 'w1b' });
      }
      return { who, cmd, target: targetFacts(cmd.assigneeId) };
    }
  }
  const who = ALL_ACTORS[s.actorIx % ALL_ACTORS.length]!;
  const action = (s.actionIx % 20 === 19 ? 'teleport' : ACTIONS[s.actionIx % ACTIONS.length]!) as Action;
  const assigneeId = TARGET_IDS[s.targetIx % TARGET_IDS.length]!;
  const cmd: Command = s.supply ? full(action, { assigneeId }) : { action };
  // sometimes the store found someone else than the command names
  const target = s.targetIx % 7 === 0 ? targetFacts(TARGET_IDS[(s.targetIx + 1) % TARGET_IDS.length]) : targetFacts(assigneeId);
  return { who, cmd, target };
}

describe('(a) any sequence of commands', () => {
  it('keeps a known status, throws only DomainErrors, and never leaves a final status', () => {
    const reached = new Set<Status>();
    const applied = new Set<string>();
    fc.assert(
      fc.property(
        fc.constantFrom(...GRIDS),
        fc.constantFrom(...SIDES),
        fc.boolean(),
        fc.array(stepArb, { minLength: 1, maxLength: 80 }),
        (g, lead, routed, steps) => {
          let r = newReport(g, lead, routed);
          let finalAt: Status | null = null;
          for (const s of steps) {
            // after closure the service's survey steps are what happens most
            if (s.system || (r.status === 'closed' && s.sysIx % 2 === 0)) {
              // the service's own actions: reassignment, time limits, surveys
              // (mostly ones that fit the state, sometimes not, to see those refused)
              const fitting = r.status === 'closed' ? (['escalate', 'survey_remind', 'survey_expire'] as const) : (['reassign', 'remind', 'escalate'] as const);
              const any = ['reassign', 'remind', 'escalate', 'survey_remind', 'survey_expire'] as const;
              const sysAction = s.sysIx >= 9 ? any[s.sysIx % 5]! : fitting[s.sysIx % 3]!;
              let d: Decision;
              try {
                d = systemDecision(r, sysAction);
              } catch (e) {
                expect(e).toBeInstanceOf(DomainError);
                expect((e as DomainError).code).toBe('invalid_transition');
                continue;
              }
              expect(isFinal(r.status)).toBe(false);
              expect([d.from, d.to, d.lead, d.assignee.kind]).toEqual([r.status, r.status, r.lead, sysAction === 'reassign' ? 'reroute' : 'keep']);
              applied.add(sysAction);
              r = applyDecision(r, d, s.rerouteNull ? null : routedHandler(r.lead, r));
              continue;
            }
            const { who, cmd, target } = materialise(r, s);
            const res = attempt(r, who, cmd, target);
            if ('err' in res) {
              expect(res.err).toBeInstanceOf(DomainError);
              expect(['forbidden', 'invalid_transition', 'invalid_input']).toContain((res.err as DomainError).code);
              continue;
            }
            const d = res.ok;
            const t = d.transition;
            expect(isFinal(r.status)).toBe(false);
            expect(TRANSITIONS).toContain(t);
            expect(t.action).toBe(cmd.action);
            expect(t.from).toContain(r.status);
            expect(d.from).toBe(r.status);
            expect(d.to).toBe(t.to === 'same' ? r.status : t.to);
            expect(d.lead).toBe(t.swapLead ? otherSide(r.lead) : r.lead);
            // who acted was in the areas, or was the reporter reopening
            if (cmd.action === 'reopen') expect(who.id).toBe(r.reporterId);
            else expect(coversPlace(who, r, areas)).toBe(true);
            if (d.assignee.kind === 'set') expect(d.assignee.id).toBe(cmd.assigneeId);
            applied.add(t.action);
            const next = applyDecision(r, d, s.rerouteNull ? null : routedHandler(d.lead, r));
            expect(STATUSES).toContain(next.status);
            expect(next.reopenCount).toBeLessThanOrEqual(1);
            if (finalAt !== null) expect(next.status).toBe(finalAt);
            if (isFinal(next.status)) finalAt = next.status;
            r = next;
            reached.add(r.status);
          }
          expect(STATUSES).toContain(r.status);
        },
      ),
      COVERAGE_RUNS,
    );
    // the generator really drives reports around the whole loop
    expect([...reached].sort()).toEqual([...STATUSES].sort());
    // (the survey steps only follow a closure late in a run; timers.test.ts covers them directly)
    const expected: Action[] = ACTIONS.filter((a) => a !== 'survey_remind' && a !== 'survey_expire');
    expect([...applied].filter((a) => expected.includes(a as Action)).sort()).toEqual([...expected].sort());
  });
});

// ---------------------------------------------------------------------------------------------
// (b) from every reachable non-final state, 'closed' can be reached

interface Edge {
  who: Actor;
  cmd: Command;
  rerouteTo: string | null;
  to: ReportFacts;
}
const keyOf = (r: ReportFacts) => `${r.status}|${r.lead}|${r.assigneeId ?? '-'}|${r.reopenCount}`;

function edgesFrom(r: ReportFacts): Edge[] {
  const out: Edge[] = [];
  for (const who of ALL_ACTORS) {
    for (const action of ACTIONS) {
      const cmds = action === 'dispatch' ? TARGET_IDS.map((id) => full(action, { assigneeId: id })) : [full(action)];
      for (const cmd of cmds) {
        const res = attempt(r, who, cmd, targetFacts(cmd.assigneeId));
        if ('err' in res) {
          if (!(res.err instanceof DomainError)) throw res.err;
          continue;
        }
        const outcomes = res.ok.assignee.kind === 'reroute' ? [...new Set([routedHandler(res.ok.lead, r), null])] : [null];
        for (const rerouteTo of outcomes) out.push({ who, cmd, rerouteTo, to: applyDecision(r, res.ok, rerouteTo) });
      }
    }
  }
  return out;
}

/** What the system may do to `r` (reassign): reroute to the side's handler, or to nobody. */
function systemEdges(r: ReportFacts): { rerouteTo: string | null; to: ReportFacts }[] {
  let d: Decision;
  try {
    d = systemDecision(r, 'reassign');
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return [];
  }
  return [routedHandler(d.lead, r), null].map((rerouteTo) => ({ rerouteTo, to: applyDecision(r, d, rerouteTo) }));
}

interface Graph {
  states: Map<string, ReportFacts>;
  edges: Map<string, Edge[]>;
  canClose: Set<string>;
  systemNext: Map<string, ReportFacts[]>;
}

const MAX_STATES = 2_000;

function explore(g: Grid): Graph {
  const states = new Map<string, ReportFacts>();
  const edges = new Map<string, Edge[]>();
  /** states the system alone leads to (no person acts, so not on a replayable path) */
  const systemNext = new Map<string, ReportFacts[]>();
  const queue: ReportFacts[] = [];
  for (const lead of SIDES) for (const routed of [true, false]) queue.push(newReport(g, lead, routed));
  for (const s of queue) states.set(keyOf(s), s);
  while (queue.length > 0) {
    // the space is small (9 statuses x 2 sides x a few holders x reopenCount <= 1): a blow-up is a bug
    if (states.size > MAX_STATES) throw new Error(`more than ${MAX_STATES} states reachable from ${g}: reopenCount unbounded?`);
    const r = queue.shift()!;
    const es = edgesFrom(r);
    edges.set(keyOf(r), es);
    const sys = systemEdges(r).map((e) => e.to);
    systemNext.set(keyOf(r), sys);
    for (const to of [...es.map((e) => e.to), ...sys]) {
      const k = keyOf(to);
      if (!states.has(k)) {
        states.set(k, to);
        queue.push(to);
      }
    }
  }
  // backwards from every closed state
  const canClose = new Set([...states.keys()].filter((k) => k.startsWith('closed|')));
  let grew = true;
  while (grew) {
    grew = false;
    for (const [k, es] of edges) {
      if (!canClose.has(k) && es.some((e) => canClose.has(keyOf(e.to)))) {
        canClose.add(k);
        grew = true;
      }
    }
  }
  return { states, edges, canClose, systemNext };
}

/** Shortest list of edges from `r` to a closed state (BFS), or null. */
function pathToClosed(graph: Graph, r: ReportFacts): Edge[] | null {
  const start = keyOf(r);
  const prev = new Map<string, { from: string; edge: Edge } | null>([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const k = queue.shift()!;
    if (graph.states.get(k)?.status === 'closed') {
      const path: Edge[] = [];
      for (let cur = prev.get(k); cur; cur = prev.get(cur.from)) path.unshift(cur.edge);
      return path;
    }
    for (const e of graph.edges.get(k) ?? []) {
      const nk = keyOf(e.to);
      if (!prev.has(nk)) {
        prev.set(nk, { from: k, edge: e });
        queue.push(nk);
      }
    }
  }
  return null;
}

describe('(b) the loop always closes', () => {
  const cache = new Map<Grid, Graph>();
  const graphOf = (g: Grid): Graph => {
    let graph = cache.get(g);
    if (!graph) cache.set(g, (graph = explore(g)));
    return graph;
  };

  it.each(GRIDS.map((g) => [g] as const))('in %s: every reachable non-final state can reach closed; final states are dead ends', (g) => {
    const graph = graphOf(g);
    const stuck = [...graph.states.entries()].filter(([k, s]) => !isFinal(s.status) && !graph.canClose.has(k)).map(([k]) => k);
    expect(stuck).toEqual([]);
    for (const [k, s] of graph.states) {
      if (isFinal(s.status)) {
        expect(graph.edges.get(k)).toEqual([]);
        expect(graph.systemNext.get(k)).toEqual([]);
      }
    }
    // the exploration covers the whole loop, both lead sides, unassigned holders and the one reopen
    expect(new Set([...graph.states.values()].map((s) => s.status))).toEqual(new Set(STATUSES));
    expect(new Set([...graph.states.values()].map((s) => s.lead))).toEqual(new Set(SIDES));
    expect([...graph.states.values()].some((s) => s.status === 'in_progress' && s.assigneeId === null)).toBe(true);
    expect([...graph.states.values()].some((s) => s.status === 'closed' && s.reopenCount === 1)).toBe(true);
    expect([...graph.states.values()].every((s) => s.reopenCount <= 1)).toBe(true);
    expect(graph.states.size).toBeGreaterThan(50);
  });

  it('the same holds over the coarse (status, lead, assignee present) abstraction', () => {
    for (const graph of GRIDS.map(graphOf)) {
      const coarse = (s: ReportFacts) => `${s.status}|${s.lead}|${s.assigneeId !== null}`;
      const closable = new Set([...graph.canClose].map((k) => coarse(graph.states.get(k)!)));
      for (const s of graph.states.values()) if (!isFinal(s.status)) expect(closable.has(coarse(s)), coarse(s)).toBe(true);
    }
  });

  it('from a state a random walk reaches, a found path replays through decide to closed', () => {
    fc.assert(
      fc.property(fc.constantFrom(...GRIDS), fc.constantFrom(...SIDES), fc.boolean(), fc.array(stepArb, { maxLength: 30 }), (g, lead, routed, steps) => {
        const graph = graphOf(g);
        let r = newReport(g, lead, routed);
        for (const s of steps) {
          if (s.system) {
            const sys = systemEdges(r)[s.rerouteNull ? 1 : 0];
            if (sys) r = sys.to;
            continue;
          }
          const { who, cmd, target } = materialise(r, s);
          const res = attempt(r, who, cmd, target);
          if ('ok' in res) r = applyDecision(r, res.ok, s.rerouteNull ? null : routedHandler(res.ok.lead, r));
        }
        expect(graph.states.has(keyOf(r)), keyOf(r)).toBe(true);
        if (isFinal(r.status)) return;
        const path = pathToClosed(graph, r);
        expect(path).not.toBeNull();
        for (const e of path!) {
          const d = decide(r, e.who, e.cmd, areas, targetFacts(e.cmd.assigneeId));
          r = applyDecision(r, d, e.rerouteTo);
          expect(keyOf(r)).toBe(keyOf(e.to));
        }
        expect(r.status).toBe('closed');
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// (c) nobody acts outside their areas

const reportArb = fc.record({
  status: fc.constantFrom(...STATUSES),
  lead: fc.constantFrom(...SIDES),
  g: fc.constantFrom(...GRIDS),
  assigneeId: fc.option(fc.constantFrom(...ALL_IDS), { nil: null }),
  reporterId: fc.option(fc.constantFrom('r1', 'r2'), { nil: null }),
  reopenCount: fc.integer({ min: 0, max: 2 }),
}).map(({ g, ...rest }): ReportFacts => ({ ...rest, ...placeOf(g) }));

const commandArb = fc.record(
  {
    action: fc.constantFrom(...ACTIONS),
    note: fc.constantFrom('已处置', '', '  '),
    reason: fc.constantFrom('不属于本网格', ''),
    photos: fc.constantFrom(['p1'], [] as string[]),
    assigneeId: fc.constantFrom(...TARGET_IDS),
    mergeInto: fc.constantFrom('rep-1', ''),
  },
  { requiredKeys: ['action'] },
);

describe('(c) nobody acts outside their areas', () => {
  it('staff whose areas cover neither the grid nor the beat get forbidden for every action and state', () => {
    const outsiderFor = (r: ReportFacts) => {
      const elsewhere = AREA_IDS.filter((a) => !areas.covers(a, r.gridId!) && !areas.covers(a, r.beatId!));
      return fc.record({
        id: fc.oneof(fc.constantFrom(...ALL_IDS), fc.constant(r.assigneeId ?? 'x'), fc.constant(r.reporterId ?? 'y')),
        // staff (a community responder is on the resident side: their own report is theirs to rate)
        role: fc.constantFrom(...ROLES.filter((x): x is Exclude<Role, 'resident' | 'volunteer'> => x !== 'resident' && x !== 'volunteer')),
        areaIds: fc.uniqueArray(fc.constantFrom(...elsewhere), { maxLength: 4 }),
      });
    };
    fc.assert(
      fc.property(
        reportArb.chain((r) => fc.tuple(fc.constant(r), outsiderFor(r), commandArb)),
        ([r, who, cmd]) => {
          const res = attempt(r, who, cmd, targetFacts(cmd.assigneeId));
          expect('err' in res).toBe(true);
          if ('err' in res) {
            expect(res.err).toBeInstanceOf(DomainError);
            expect((res.err as DomainError).code).toBe('forbidden');
            expect((res.err as DomainError).status).toBe(403);
          }
          expect(availableActions(r, who, areas)).toEqual([]);
        },
      ),
      RUNS,
    );
  });

  it('a resident who is not the reporter is forbidden every action, even with areas claimed', () => {
    // residents are never assignees (a dispatch to one is refused), so the holder here is staff
    const staffHeld = reportArb.map((r) => (r.assigneeId === 'r1' || r.assigneeId === 'r2' ? { ...r, assigneeId: 'w1' } : r));
    fc.assert(
      fc.property(staffHeld, commandArb, fc.uniqueArray(fc.constantFrom(...AREA_IDS), { maxLength: 3 }), (r, cmd, areaIds) => {
        const who: Actor = { id: r.reporterId === 'r2' ? 'r1' : 'r2', role: 'resident', areaIds };
        const res = attempt(r, who, cmd, targetFacts(cmd.assigneeId));
        expect('err' in res && res.err instanceof DomainError && res.err.code === 'forbidden').toBe(true);
        expect(availableActions(r, who, areas)).toEqual([]);
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// (d) decide is pure

function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

const outcome = (f: () => Decision): unknown => {
  try {
    return { ok: f() };
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return { err: { code: e.code, status: e.status, message: e.message, details: e.details } };
  }
};

describe('(d) decide is pure', () => {
  const actorArb = fc.oneof(
    fc.constantFrom(...ALL_ACTORS),
    fc.record({ id: fc.constantFrom(...ALL_IDS), role: fc.constantFrom(...ROLES), areaIds: fc.uniqueArray(fc.constantFrom(...AREA_IDS), { maxLength: 3 }) }),
  );
  const targetArb = fc.oneof(
    fc.constant(null),
    fc.constant(undefined),
    fc.record({ id: fc.constantFrom(...TARGET_IDS), role: fc.constantFrom(...ROLES), areaIds: fc.uniqueArray(fc.constantFrom(...AREA_IDS), { maxLength: 3 }), active: fc.boolean() }),
  );

  it('same inputs give the same outcome, inputs are not mutated, and only DomainErrors are thrown', () => {
    const tableBefore = JSON.stringify(TRANSITIONS);
    fc.assert(
      fc.property(reportArb, actorArb, commandArb, targetArb, fc.array(fc.tuple(reportArb, actorArb, commandArb), { maxLength: 3 }), (r, who, cmd, target, noise) => {
        const snapshot = structuredClone({ r, who, cmd, target });
        const [fr, fw, fcmd, ft] = deepFreeze([structuredClone(r), structuredClone(who), structuredClone(cmd), structuredClone(target)] as const);
        const first = outcome(() => decide(fr, fw, fcmd, areas, ft));
        // other calls in between change nothing
        for (const [nr, nw, nc] of noise) outcome(() => decide(nr, nw, nc, areas, targetFacts(nc.assigneeId)));
        const second = outcome(() => decide(r, who, cmd, makeAreas(), target));
        expect(second).toEqual(first);
        expect({ r, who, cmd, target }).toEqual(snapshot);
        expect(availableActions(fr, fw, areas)).toEqual(availableActions(r, who, makeAreas()));
        expect(outcome(() => systemDecision(fr, fcmd.action))).toEqual(outcome(() => systemDecision(r, cmd.action)));
      }),
      RUNS,
    );
    expect(JSON.stringify(TRANSITIONS)).toBe(tableBefore);
  });
});
