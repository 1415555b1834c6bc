import { createContext, useContext, useEffect, useState, type MouseEvent, type ReactNode } from 'react';

/** The portal's URLs, below /portal/. */
export const BASE = '/portal/';

interface Navigation {
  path: string;
  go: (path: string) => void;
}

const RouterContext = createContext<Navigation>({ path: '', go: () => undefined });

let navigated = false;

/**
 * Whether the user has moved within the portal since it loaded: a page then takes the focus (to its heading),
 * as a new document would have; on the first page the browser's own order applies (the skip link first).
 */
export function hasNavigated(): boolean {
  return navigated;
}

/** A tiny history router: the portal has a dozen pages, not worth a routing library's weight. */
export function Router({ children }: { children: ReactNode }) {
  const [path, setPath] = useState(() => currentPath());
  useEffect(() => {
    const onPop = () => {
      navigated = true;
      setPath(currentPath());
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const go = (next: string) => {
    navigated = true;
    window.history.pushState(null, '', BASE + next.replace(/^\//, ''));
    setPath(currentPath());
    window.scrollTo(0, 0);
  };
  return <RouterContext.Provider value={{ path, go }}>{children}</RouterContext.Provider>;
}

export function useRouter(): Navigation {
  return useContext(RouterContext);
}

/** The path below /portal/, without slashes at either end ("", "setup", "tenants/…/directory"). */
function currentPath(): string {
  return window.location.pathname.slice(BASE.length).replace(/\/+$/, '');
}

/** A link that navigates without reloading; a modified click (new tab) is left to the browser. */
export function Link({ to, children, className, current }: { to: string; children: ReactNode; className?: string; current?: boolean }) {
  const { go } = useRouter();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    go(to);
  };
  return (
    <a href={BASE + to.replace(/^\//, '')} onClick={onClick} className={className} aria-current={current ? 'page' : undefined}>
      {children}
    </a>
  );
}
