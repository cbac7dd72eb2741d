/** Load data for a screen with loading / error / data states and a reload. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { messageOf } from './api';

export interface AsyncState<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => Promise<void>;
  setData: (d: T | null) => void;
}

export function useAsync<T>(fn: () => Promise<T>, deps: unknown[], { immediate = true } = {}): AsyncState<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(immediate);
  const seq = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    setError(null);
    try {
      const d = await fn();
      if (mine === seq.current) setData(d);
    } catch (e) {
      if (mine === seq.current) setError(messageOf(e));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, deps);
  useEffect(() => {
    if (immediate) void reload();
  }, [reload, immediate]);
  return { data, error, loading, reload, setData };
}
