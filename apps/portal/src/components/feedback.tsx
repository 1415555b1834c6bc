import type { ReactNode } from 'react';

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorMessage({ error, what }: { error: Error; what: string }) {
  return (
    <div className="notice error" role="alert">
      <p>
        <strong>Could not {what}.</strong> {error.message}
      </p>
    </div>
  );
}

export function Notice({ kind, children, live = false }: { kind: 'info' | 'success' | 'warning' | 'error'; children: ReactNode; live?: boolean }) {
  return (
    <div className={`notice ${kind}`} role={live ? (kind === 'error' ? 'alert' : 'status') : undefined}>
      {children}
    </div>
  );
}

/** A time as the IT admin reads it: "6 Dec, 10:02:14". */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
