import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  value?: T;
  error?: Error;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads once when `key` changes, and again on `reload()`, or every `everyMs` (the connection check). A load
 * that finishes after a newer one started is ignored.
 */
export function useLoad<T>(load: () => Promise<T>, key: string, everyMs?: number): Loaded<T> {
  const [state, setState] = useState<{ value?: T; error?: Error; loading: boolean }>({ loading: true });
  const latest = useRef(0);
  const loader = useRef(load);
  loader.current = load;
  const run = useCallback(() => {
    const id = ++latest.current;
    setState((current) => ({ ...current, loading: true }));
    loader.current().then(
      (value) => id === latest.current && setState({ value, loading: false }),
      (error: Error) => id === latest.current && setState((current) => ({ value: current.value, error, loading: false })),
    );
  }, []);
  useEffect(() => {
    run();
    if (!everyMs) return undefined;
    const timer = setInterval(run, everyMs);
    return () => clearInterval(timer);
  }, [key, everyMs, run]);
  return { ...state, reload: run };
}
