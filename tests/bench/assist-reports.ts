/**
 * The reports of `npm run bench:assist` (tests/bench/assist.ts).
 *
 * Reports: OFFERS (1,000) reports filed over HTTP (POST /v1/reports as a resident, REPORTS_IN_FLIGHT
 * side by side) at random places in the city — 90 % uniform over the grids, 10 % within 30 m of
 * four hotspots, so the same responders are asked again and again and the daily offer cap
 * (flows/responder-settings offersPerDay, default 10, kept as configured) comes into play.
 */
import type { Stack } from '../../functions/local/stack.ts';
import { fromWgs84 } from '../../functions/src/geo/datum.ts';
import type { Api } from '../support/stack.ts';
import { CATEGORIES, HOTSPOT_SHARE, HOTSPOTS, OFFERS, REPORTS_IN_FLIGHT, RESIDENT } from './assist-config.ts';
import type { RandomCity, Rnd } from './assist-seed.ts';
import { pct, pool, round } from './assist-util.ts';

/** Files the reports, logs the filing line, drains the stream and reads the reports back as stored. */
export async function fileReports(stack: Stack, api: Api, city: RandomCity, rnd: Rnd) {
  const { getReportRecord } = await import('../../functions/src/store/reports.ts');
  const { pickOf, index, pointInCity } = city;
  const hotspots = Array.from({ length: HOTSPOTS }, () => pointInCity());
  const places = Array.from({ length: OFFERS }, () => {
    if (rnd() >= HOTSPOT_SHARE) return pointInCity();
    const h = pickOf(hotspots);
    for (;;) {
      const p = { lat: round(h.lat + (rnd() - 0.5) * 0.0005, 7), lng: round(h.lng + (rnd() - 0.5) * 0.0005, 7) };
      const gridId = index.locate(p);
      if (gridId) return { ...p, gridId };
    }
  });
  const reportIds: string[] = new Array(OFFERS);
  const createMs: number[] = [];
  const tReports = performance.now();
  await pool(places, REPORTS_IN_FLIGHT, async (p, i) => {
    const gcj = fromWgs84(p, 'gcj02');
    const t = performance.now();
    const r = await api.post('/v1/reports', { category: pickOf(CATEGORIES), description: `安全出口堵塞，需要协助 #${i}`, location: { lat: gcj.lat, lng: gcj.lng } }, RESIDENT);
    createMs.push(performance.now() - t);
    if (r.status !== 201) throw new Error(`POST /v1/reports: ${r.status} ${r.text}`);
    reportIds[i] = r.json.id as string;
  });
  const reportsMs = performance.now() - tReports;
  await stack.drainStream();
  const reports = await Promise.all(reportIds.map((id) => getReportRecord(id)));
  console.log(`filed ${OFFERS} reports over HTTP in ${round(reportsMs / 1000, 1)} s (${REPORTS_IN_FLIGHT} in flight): p50 ${round(pct(createMs, 0.5))} ms, p99 ${round(pct(createMs, 0.99))} ms`);
  return { reports, reportsMs, createMs };
}
export type Filed = Awaited<ReturnType<typeof fileReports>>['reports'];
