import { useEffect, useRef, type ReactNode } from 'react';
import { hasNavigated } from '../router';
import { useBranding } from './branding';

/**
 * A page: its heading takes the focus when it opens (so a keyboard or screen-reader user lands on it after
 * navigating) and names the browser tab.
 */
export function Page({ title, lead, children, actions }: { title: string; lead?: ReactNode; children: ReactNode; actions?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const { productName } = useBranding();
  useEffect(() => {
    document.title = `${title} — ${productName} SCIM setup`;
    if (hasNavigated()) heading.current?.focus();
  }, [title, productName]);
  return (
    <section className="page" aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title" ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {actions}
      </div>
      {lead && <p className="lead">{lead}</p>}
      {children}
    </section>
  );
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  const headingId = `${id ?? title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-title`;
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}
