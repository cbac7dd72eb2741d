/** Open311's pure parts: the two renderings, the bodies, attributes, states, dates, webhook URLs and signatures. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { render, formatOf } from '../../../functions/src/http/open311/format.ts';
import { bodyFields } from '../../../functions/src/http/open311/body.ts';
import { attributesSent, one, open311Status, statusNotes, w3c } from '../../../functions/src/domain/open311.ts';
import { STATUSES } from '../../../functions/src/domain/statuses.ts';
import { webhookUrlProblem } from '../../../functions/src/flows/webhooks.ts';
import { signature } from '../../../functions/src/notify/webhook.ts';
import { parseXml } from '../../support/xml.ts';

describe('rendering (the Spark convention: a JSON list is an XML container of singular children)', () => {
  const value = [{ service_request_id: 'R1', service_notice: 'a < b & "c"', account_id: null }];
  it('XML with the declaration, escaped text, empty elements for null; JSON as is', () => {
    const xml = render('xml', 'service_requests', value);
    expect(xml).toBe('<?xml version="1.0" encoding="utf-8"?>\n<service_requests>\n  <request>\n    <service_request_id>R1</service_request_id>\n    <service_notice>a &lt; b &amp; &quot;c&quot;</service_notice>\n    <account_id/>\n  </request>\n</service_requests>\n');
    expect(parseXml(xml).service_requests.request[0].service_notice).toBe('a < b & "c"');
    expect(JSON.parse(render('json', 'service_requests', value))).toEqual(value);
  });
  it('an empty list is an empty container, a list of one still a list', () => {
    expect(render('xml', 'services', [])).toContain('<services/>');
    expect(render('json', 'services', [])).toBe('[]');
    expect(parseXml(render('xml', 'errors', [{ code: 400, description: 'x' }])).errors.error).toHaveLength(1);
  });
  it('nested lists take their singular names', () => {
    const xml = render('xml', 'service_definition', { service_code: 'x', attributes: [{ code: 'a', values: [{ key: 'k', name: 'n' }] }] });
    expect(xml).toContain('<attributes>\n    <attribute>');
    expect(xml).toContain('<values>\n        <value>');
  });
  it('the format from the path: .json, .xml, else XML', () => {
    expect(formatOf('/open311/v2/services.json')).toEqual({ format: 'json', bare: '/open311/v2/services' });
    expect(formatOf('gas_hazard.XML')).toEqual({ format: 'xml', bare: 'gas_hazard' });
    expect(formatOf('/open311/v2/requests')).toEqual({ format: 'xml', bare: '/open311/v2/requests' });
  });
});

describe('POST bodies in three encodings', () => {
  it('form-encoded: bracketed and repeated attributes, empty values dropped', async () => {
    const f = await bodyFields('application/x-www-form-urlencoded', Buffer.from('service_code=a&jurisdiction_id=&attribute%5Bwhere%5D%5B%5D=x&attribute%5Bwhere%5D%5B%5D=y&attribute[unit]=2&attribute[m]=p&attribute[m]=q'));
    expect(one(f, 'jurisdiction_id')).toBeUndefined();
    expect(attributesSent(f)).toEqual({ where: ['x', 'y'], unit: ['2'], m: ['p', 'q'] });
  });
  it('multipart: fields kept, files skipped', async () => {
    const fd = new FormData();
    fd.append('service_code', 'other');
    fd.append('attribute[where]', 'a');
    fd.append('attribute[where]', 'b');
    fd.append('media', new Blob([new Uint8Array([1, 2, 3])]), 'x.bin');
    const req = new Request('http://x/', { method: 'POST', body: fd });
    const f = await bodyFields(req.headers.get('content-type')!, Buffer.from(await req.arrayBuffer()));
    expect(f).toEqual([['service_code', 'other'], ['attribute[where]', 'a'], ['attribute[where]', 'b']]);
  });
  it('JSON: arrays and objects as the same fields', async () => {
    const f = await bodyFields('application/json', Buffer.from(JSON.stringify({ service_code: 'x', lat: 22.5, attribute: { where: ['a', 'b'], unit: '3' } })));
    expect(f).toEqual([['service_code', 'x'], ['lat', '22.5'], ['attribute[where]', 'a'], ['attribute[where]', 'b'], ['attribute[unit]', '3']]);
    expect(attributesSent(f)).toEqual({ where: ['a', 'b'], unit: ['3'] });
  });
  it('anything else is refused as bad input, never a 5xx', async () => {
    await expect(bodyFields('text/csv', Buffer.from('a,b'))).rejects.toMatchObject({ status: 415 });
    await expect(bodyFields('application/json', Buffer.from('{'))).rejects.toMatchObject({ status: 400 });
    await expect(bodyFields('multipart/form-data', Buffer.from('x'))).rejects.toMatchObject({ status: 400 });
  });
});

describe('states, notes and dates', () => {
  it('open while someone still has work to do; closed once resolved, turned down or merged', () => {
    expect(Object.fromEntries(STATUSES.map((s) => [s, open311Status(s)]))).toEqual({
      reported: 'open', accepted: 'open', dispatched: 'open', in_progress: 'open', resolved: 'closed', verified: 'closed', closed: 'closed', rejected: 'closed', merged: 'closed',
    });
  });
  it('status_notes: the latest note of the timeline', () => {
    const e = (version: number, seq: number, note: string | null) => ({ reportId: 'R', version, seq, at: '', action: 'accept' as const, from: null, to: 'accepted' as const, actor: null, note, photoIds: [] });
    expect(statusNotes([e(1, 0, 'a'), e(2, 0, 'b'), e(3, 0, null), e(2, 1, 'c')])).toBe('c');
    expect(statusNotes([e(1, 0, null)])).toBeNull();
  });
  it('W3C in UTC with Z and whole seconds', () => {
    expect(w3c('2026-12-01T08:00:00.123Z')).toBe('2026-12-01T08:00:00Z');
    expect(w3c(null)).toBeNull();
  });
});

describe('webhooks', () => {
  it('urls: https, no credentials, not this machine or a private network (but on the local stack)', () => {
    expect(webhookUrlProblem('https://city.example.cn/hook', false)).toBeNull();
    for (const u of ['http://city.example.cn/hook', 'https://127.0.0.1/x', 'https://10.1.2.3/x', 'https://[::1]/x', 'https://169.254.169.254/x', 'https://a:b@city.example.cn/', 'not a url']) expect(webhookUrlProblem(u, false), u).not.toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:9000/x', true)).toBeNull();
  });
  it('the signature is HMAC-SHA256 over "<t>.<body>"', () => {
    const s = signature('k', '{"a":1}', 1700000000);
    expect(s).toBe(`t=1700000000,v1=${createHmac('sha256', 'k').update('1700000000.{"a":1}').digest('hex')}`);
  });
});
