/**
 * The basemap (GET /v1/areas/basemap) is the same for every map on every screen, and it changes
 * only when the areas are re-imported: fetched once per app session and shared. A failed fetch
 * is forgotten so the next map (or "重试") asks again.
 */
import { useEffect, useState } from 'react';
import { api, messageOf } from './api';
import type { Basemap } from './types';

let cached: Promise<Basemap> | null = null;

export function loadBasemap(): Promise<Basemap> {
  cached ??= api.basemap().catch((e) => {
    cached = null;
    throw e;
  });
  return cached;
}

export function useBasemap(): { basemap: Basemap | null; error: string | null; retry: () => void } {
  const [basemap, setBasemap] = useState<Basemap | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let stale = false;
    setError(null);
    loadBasemap().then(
      (b) => !stale && setBasemap(b),
      (e) => !stale && setError(messageOf(e)),
    );
    return () => {
      stale = true;
    };
  }, [attempt]);
  return { basemap, error, retry: () => setAttempt((n) => n + 1) };
}
