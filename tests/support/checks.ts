/** Small shared assertions and helpers for the integration tests (over the public API). */
import { expect } from 'vitest';
import type { Api, Res } from './stack.ts';

/** API.md's error body: `{error: {code: snake_case, message: non-empty}}`, and no stack trace in the text. */
export function expectErrorBody(r: Res, label = ''): void {
  const where = `${label} -> ${r.status} ${r.text.slice(0, 300)}`;
  expect(r.json, where).toBeTypeOf('object');
  expect(r.json, where).not.toBeNull();
  expect(r.json.error, where).toBeTypeOf('object');
  expect(r.json.error.code, where).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
  expect(r.json.error.message, where).toBeTypeOf('string');
  expect(r.json.error.message.trim().length, where).toBeGreaterThan(0);
  expect(r.text, where).not.toMatch(STACK_TRACE);
}

/** What leaks when an error object is serialised: frames, source paths, the Error name and message line. */
export const STACK_TRACE = /\bat [\w.<>$]+ \(|\bat (?:async )?\/|\.ts:\d+|\.js:\d+|node_modules|\/work\/|\b(?:Type|Reference|Range|Syntax)Error\b|ConditionFailed|ValidationException/;

/** Status and error code together, with the body in the failure message. */
export function expectError(r: Res, status: number, code: string | readonly string[], label = ''): void {
  const where = `${label} -> ${r.status} ${r.text.slice(0, 300)}`;
  expect(r.status, where).toBe(status);
  expectErrorBody(r, label);
  if (typeof code === 'string') expect(r.json.error.code, where).toBe(code);
  else expect(code, where).toContain(r.json.error.code);
}

/** A staff action that must succeed. */
export async function act(api: Api, id: string, as: string, body: Record<string, unknown>): Promise<any> {
  const r = await api.post(`/v1/reports/${id}/actions`, body, as);
  expect(r.status, `${String(body.action)} by ${as}: ${r.text}`).toBe(200);
  return r.json;
}

/** Files a report that must succeed (201) and returns its view. */
export async function fileReport(api: Api, as: string, body: Record<string, unknown>, headers?: Record<string, string>): Promise<any> {
  const r = await api.post('/v1/reports', body, as, headers);
  expect(r.status, `POST /v1/reports as ${as}: ${r.text}`).toBe(201);
  return r.json;
}

/** The parts of a report view that change when anything happens to it (not the signed photo links). */
export function stateOf(view: any) {
  return {
    id: view.id,
    version: view.version,
    status: view.status,
    lead: view.lead,
    assignee: view.assignee,
    deadlines: view.deadlines,
    followerCount: view.followerCount,
    rating: view.rating,
    photoIds: (view.photos ?? []).map((p: { id: string; kind: string }) => `${p.kind}:${p.id}`),
    timeline: view.timeline,
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls an upload until processing has finished (ready or failed). */
export async function uploadSettled(api: Api, as: string, id: string): Promise<any> {
  for (let i = 0; i < 200; i++) {
    const s = await api.get(`/v1/uploads/${id}`, as);
    // ready and judged by WeChat's image check (whose verdict arrives a moment later)
    if ((s.json?.status === 'ready' && s.json.moderation !== 'pending') || s.json?.status === 'failed') return s.json;
    await sleep(50);
  }
  throw new Error(`upload ${id} never finished processing`);
}
