import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  distanceMeters,
  fromWgs84,
  gcj02ToWgs84,
  outOfChina,
  toWgs84,
  wgs84ToGcj02,
} from '../../../functions/src/geo/datum.ts';
import type { LatLng } from '../../../functions/src/geo/datum.ts';

/**
 * Published reference pairs from the eviltransform project's test suite (googollee/eviltransform,
 * the Python/PHP ports): [wgsLat, wgsLng, gcjLat, gcjLng]. An independent implementation of the
 * same standard formula, so agreement to 1e-8° means ours is the formula WeChat's maps use.
 */
const REFERENCE: [string, number, number, number, number][] = [
  ['shanghai', 31.1774276, 121.5272106, 31.17530398364597, 121.531541859215],
  ['shenzhen', 22.543847, 113.912316, 22.540796131694766, 113.9171764808363],
  ['beijing', 39.911954, 116.377817, 39.91334545536069, 116.38404722455657],
];

/** Mainland China, kept well inside the out-of-China box so the offset applies on both sides. */
const chinaPoint = fc.record({
  lat: fc.double({ min: 18, max: 53, noNaN: true }),
  lng: fc.double({ min: 74, max: 134, noNaN: true }),
});

function maxDiff(a: LatLng, b: LatLng): number {
  return Math.max(Math.abs(a.lat - b.lat), Math.abs(a.lng - b.lng));
}

describe('wgs84ToGcj02', () => {
  it.each(REFERENCE)('matches the published pair for %s', (_name, wLat, wLng, gLat, gLng) => {
    const g = wgs84ToGcj02({ lat: wLat, lng: wLng });
    expect(g.lat).toBeCloseTo(gLat, 8);
    expect(g.lng).toBeCloseTo(gLng, 8);
  });

  it('shifts Shenzhen south-east by a few hundred metres (more than a grid)', () => {
    // Near 南山 the offset is about −0.0031° lat and +0.0049° lng; the sign of the latitude
    // shift is negative here (it is not a constant "+" offset), which is why nothing may guess it.
    const w = { lat: 22.54, lng: 113.935 };
    const g = wgs84ToGcj02(w);
    expect(g.lat - w.lat).toBeLessThan(-0.002);
    expect(g.lat - w.lat).toBeGreaterThan(-0.004);
    expect(g.lng - w.lng).toBeGreaterThan(0.004);
    expect(g.lng - w.lng).toBeLessThan(0.006);
    const d = distanceMeters(w, g);
    expect(d).toBeGreaterThan(400);
    expect(d).toBeLessThan(700);
  });

  it('applies no offset outside China', () => {
    for (const p of [
      { lat: 51.5074, lng: -0.1278 }, // London
      { lat: 35.6812, lng: 139.7671 }, // Tokyo, east of the box
      { lat: -33.8688, lng: 151.2093 }, // Sydney
    ]) {
      expect(outOfChina(p)).toBe(true);
      expect(wgs84ToGcj02(p)).toEqual(p);
      expect(gcj02ToWgs84(p)).toEqual(p);
    }
  });
});

describe('gcj02ToWgs84', () => {
  it.each(REFERENCE)('inverts the published pair for %s', (_name, wLat, wLng, gLat, gLng) => {
    const w = gcj02ToWgs84({ lat: gLat, lng: gLng });
    // The contract: the inverse is accurate, not the ~1–2 m single-step approximation.
    expect(maxDiff(w, { lat: wLat, lng: wLng })).toBeLessThan(1e-7);
  });

  it('round-trips inside China to within 1e-6° (property)', () => {
    fc.assert(
      fc.property(chinaPoint, (g) => {
        expect(maxDiff(wgs84ToGcj02(gcj02ToWgs84(g)), g)).toBeLessThan(1e-6);
      }),
      { numRuns: 2000 },
    );
  });

  it('recovers the WGS-84 point it was given (property)', () => {
    fc.assert(
      fc.property(chinaPoint, (w) => {
        expect(maxDiff(gcj02ToWgs84(wgs84ToGcj02(w)), w)).toBeLessThan(1e-6);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('toWgs84 / fromWgs84', () => {
  const p = { lat: 22.5405, lng: 113.9342 };

  it('converts GCJ-02 through the accurate functions', () => {
    expect(toWgs84(p, 'gcj02')).toEqual(gcj02ToWgs84(p));
    expect(fromWgs84(p, 'gcj02')).toEqual(wgs84ToGcj02(p));
    expect(maxDiff(toWgs84(fromWgs84(p, 'gcj02'), 'gcj02'), p)).toBeLessThan(1e-6);
  });

  it('leaves WGS-84 alone but returns a copy, so callers cannot alias stored points', () => {
    const a = toWgs84(p, 'wgs84');
    const b = fromWgs84(p, 'wgs84');
    expect(a).toEqual(p);
    expect(b).toEqual(p);
    expect(a).not.toBe(p);
    expect(b).not.toBe(p);
  });
});

describe('distanceMeters', () => {
  it('measures one degree of a meridian as ~111.2 km', () => {
    expect(distanceMeters({ lat: 0, lng: 0 }, { lat: 1, lng: 0 })).toBeCloseTo(111195.08, 1);
  });

  it('shrinks east-west distances with latitude', () => {
    const atEquator = distanceMeters({ lat: 0, lng: 113 }, { lat: 0, lng: 114 });
    const atShenzhen = distanceMeters({ lat: 22.54, lng: 113 }, { lat: 22.54, lng: 114 });
    expect(atShenzhen / atEquator).toBeCloseTo(Math.cos((22.54 * Math.PI) / 180), 4);
  });

  it('is zero for the same point, symmetric and non-negative (property)', () => {
    fc.assert(
      fc.property(chinaPoint, chinaPoint, (a, b) => {
        expect(distanceMeters(a, a)).toBe(0);
        const d = distanceMeters(a, b);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeCloseTo(distanceMeters(b, a), 6);
      }),
    );
  });

  it('handles antipodal points without NaN', () => {
    expect(distanceMeters({ lat: 0, lng: 0 }, { lat: 0, lng: 180 })).toBeCloseTo(Math.PI * 6371008.8, 0);
  });
});
