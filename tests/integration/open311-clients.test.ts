/**
 * Open311 as existing clients use it.
 *
 * 1. node-open311 (npm `open311` 0.0.12, Code for America's Node.js client), its own code
 *    driving the local stack: discovery, the service list and a definition, a POST with
 *    attributes (it sends `attribute[CODE]` with repeated keys for a list), GET requests by a
 *    list of ids and by id, and a token. It is fetched from the npm registry with its declared
 *    transport (`request` 2.11.4, `lodash` 0.6.1) into a cache in the OS temp dir (integrity
 *    checked, as tests/infra/runtime-sdk.test.ts does for its SDK); its two XML modules cannot
 *    be installed here (`sparkxml` is a git dependency, `xml2json` a native build), so the
 *    client runs in its JSON format and those two are stand-ins that fail if they are called.
 * 2. FixMyStreet's Open311 client (perllib/Open311.pm): its request formats reproduced —
 *    form-encoded POST to requests.xml with jurisdiction_id and api_key in the body, first and
 *    last name, attribute[...]; GET services.xml and requests.xml?service_request_id=a,b — and
 *    its way of reading the answer (the request element's service_request_id, else a token).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { GRID, pointIn, WORKER } from '../support/fixtures.ts';
import { parseXml } from '../support/xml.ts';
import { gcj02ToWgs84 } from '../../functions/src/geo/datum.ts';

const PACKAGES = [
  { spec: 'open311@0.0.12', name: 'open311', integrity: 'sha512-jwK7RRrGKWaK7sC+g7G6d5AyKEQNfWp6tKCsLt6shjO712lgtW8Wkipc6vK84hYg8eyv0vcAPKH3Orj06K/YKQ==' },
  { spec: 'request@2.11.4', name: 'request', integrity: 'sha512-lL+DgCpVn4b8scEhyGGel3kAipjMyHHfIEcP1SCbdJq9jCuaJLSBELJ7pel5RhK3oXl/xTI9HecR4NnHSV+Hrg==' },
  { spec: 'lodash@0.6.1', name: 'lodash', integrity: 'sha512-OPb6TH8ycWKgocyPsP3KEP6q/2bqqGa0/Tm+BKpKE1M83hmFpI/2bmN/TYSAZLtXm4D8qFWQKjeOkeEn3+pw8g==' },
];

/** node-open311 and its transport, from the registry once, then from the temp dir. */
function installClient(): string {
  const key = createHash('sha256').update(JSON.stringify(PACKAGES)).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `wsb-node-open311-${key}`);
  if (existsSync(join(dir, 'ready'))) return dir;
  const work = `${dir}.${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'node_modules'), { recursive: true });
  for (const p of PACKAGES) {
    const out = JSON.parse(execFileSync('npm', ['pack', p.spec, '--json', '--pack-destination', work], { cwd: work, encoding: 'utf8', timeout: 120_000 })) as Array<{ filename: string; integrity: string }>;
    if (out[0]!.integrity !== p.integrity) throw new Error(`${p.spec}: integrity ${out[0]!.integrity}, expected ${p.integrity}`);
    mkdirSync(join(work, 'node_modules', p.name));
    execFileSync('tar', ['xzf', join(work, out[0]!.filename), '-C', join(work, 'node_modules', p.name), '--strip-components=1']);
  }
  // the XML modules the JSON format never calls (see the top)
  for (const m of ['sparkxml', 'xml2json']) {
    mkdirSync(join(work, 'node_modules', m));
    writeFileSync(join(work, 'node_modules', m, 'index.js'), `module.exports = new Proxy({}, { get: (_t, k) => () => { throw new Error('${m}.' + String(k) + ' is a stand-in: run node-open311 in its JSON format'); } });\n`);
  }
  writeFileSync(join(work, 'ready'), '');
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  return dir;
}

type Callback<T> = (err: unknown, data: T) => void;
interface NodeOpen311 {
  serviceDiscovery(opts: { cache: boolean }, cb: Callback<any>): void;
  serviceList(cb: Callback<any[]>): void;
  serviceDefinition(code: string, cb: Callback<any>): void;
  submitRequest(data: Record<string, unknown>, cb: Callback<any[]>): void;
  serviceRequests(ids: string[] | string, cb: Callback<any[]>): void;
  token(token: string, cb: Callback<any[]>): void;
  endpoint: string;
}
const call = <T>(f: (cb: Callback<T>) => void) =>
  new Promise<T>((resolve, reject) => f((err, data) => (err ? reject(new Error(`node-open311: ${String(err)} ${JSON.stringify(data)}`)) : resolve(data))));

let stack: TestStack;
let apiKey = '';
const at = { lat: 0, long: 0 };

beforeAll(async () => {
  stack = await startTestStack();
  const p = gcj02ToWgs84(await pointIn(stack.api, GRID));
  Object.assign(at, { lat: p.lat, long: p.lng });
  const k = await stack.api.post('/v1/admin/apikeys', { name: '客户端测试' }, 'u-admin');
  apiKey = k.json.apiKey;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('node-open311 0.0.12 (npm `open311`)', () => {
  let Open311: new (o: Record<string, unknown>) => NodeOpen311;

  beforeAll(() => {
    const dir = installClient();
    Open311 = createRequire(join(dir, 'package.json'))('open311') as typeof Open311;
    expect(JSON.parse(readFileSync(join(dir, 'node_modules', 'open311', 'package.json'), 'utf8')).version).toBe('0.0.12');
  }, 180_000);

  it('discovers the endpoint, lists services, reads a definition, files with attributes, reads it back', async () => {
    const client = new Open311({ discovery: `${stack.url}/open311/v2/discovery.json`, jurisdiction: 'weishibao.local', apiKey });
    const discovery = await call<any>((cb) => client.serviceDiscovery({ cache: true }, cb));
    expect(discovery.endpoints[0].specification).toBe('http://wiki.open311.org/GeoReport_v2');
    expect(client.endpoint).toBe(`${stack.url}/open311/v2/`);

    const services = await call<any[]>((cb) => client.serviceList(cb));
    expect(services.map((s) => s.service_code)).toContain('ebike_charging');
    const def = await call<any>((cb) => client.serviceDefinition('ebike_charging', cb));
    expect(def.attributes.map((a: any) => a.code)).toEqual(['where', 'unit', 'floor']);

    const filed = await call<any[]>((cb) =>
      client.submitRequest({ service_code: 'ebike_charging', lat: at.lat, long: at.long, description: '3 栋楼道有人给电动车充电', first_name: 'Wei', last_name: 'Chen', attributes: { where: ['stairwell', 'indoor'], unit: '3单元' } }, cb),
    );
    const id = filed[0].service_request_id as string;
    expect(id).toMatch(/^R\d{8}/);

    // routed like any report: the grid worker has it, with the attributes the client sent
    const view = await stack.api.get(`/v1/reports/${id}`, WORKER);
    expect(view.status, view.text).toBe(200);
    expect(view.json.description).toContain('楼道、室内');
    expect(view.json.unit).toBe('3单元');

    const byList = await call<any[]>((cb) => client.serviceRequests([id], cb));
    expect(byList).toHaveLength(1);
    expect(byList[0].requested_datetime).toBeInstanceOf(Date); // the client parsed our W3C dates
    expect(Number.isNaN(byList[0].requested_datetime.getTime())).toBe(false);
    const one = await call<any[]>((cb) => client.serviceRequests(id, cb));
    expect(one[0]).toMatchObject({ service_request_id: id, status: 'open', service_code: 'ebike_charging' });
    const token = await call<any[]>((cb) => client.token(id, cb));
    expect(token[0].service_request_id).toBe(id);
  });

  it('a client without a key is refused with the spec error, which it reports as an error', async () => {
    const client = new Open311({ endpoint: `${stack.url}/open311/v2/`, jurisdiction: 'weishibao.local', apiKey: 'wsb311_000000000000_notakeynotakeynotakeynotakeynotakey' });
    await expect(call((cb) => client.submitRequest({ service_code: 'other', lat: at.lat, long: at.long }, cb))).rejects.toThrow(/403/);
  });
});

describe("FixMyStreet's Open311.pm request formats", () => {
  it('POST requests.xml form-encoded with jurisdiction_id and api_key first, then GET by ids; the answer read as XML::Simple would', async () => {
    const description = 'title:  楼道堵塞\n\ndetail: 5 栋消防通道堆满杂物\n\nurl: https://fms.example/report/1\n\nSubmitted via FixMyStreet\n';
    const form = new URLSearchParams([
      ['jurisdiction_id', 'weishibao.local'],
      ['api_key', apiKey],
      ['lat', String(at.lat)],
      ['long', String(at.long)],
      ['email', 'someone@example.org'],
      ['description', description],
      ['service_code', 'fire_exit_blocked'],
      ['first_name', 'Jane'],
      ['last_name', 'Doe'],
      ['media_url', 'https://fms.example/photo/1.jpeg'],
      ['attribute[where]', 'stairwell'],
    ]);
    const res = await fetch(`${stack.url}/open311/v2/requests.xml`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    expect(res.status).toBe(200);
    const obj = parseXml(await res.text());
    const id = obj.service_requests.request[0].service_request_id;
    expect(id).toMatch(/^R/);
    const services = parseXml(await (await fetch(`${stack.url}/open311/v2/services.xml?jurisdiction_id=weishibao.local`)).text());
    expect(services.services.service.length).toBeGreaterThan(5);
    const reqs = parseXml(await (await fetch(`${stack.url}/open311/v2/requests.xml?service_request_id=${id}&jurisdiction_id=weishibao.local`)).text());
    expect(reqs.service_requests.request[0]).toMatchObject({ service_request_id: id, status: 'open', media_url: 'https://fms.example/photo/1.jpeg' });
    expect(JSON.stringify(reqs)).not.toMatch(/Jane|Doe|someone@example/);
  });
});
