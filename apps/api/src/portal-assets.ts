import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import express, { type Request, type Response } from 'express';
import type { RosterConfig } from '@roster/config';
import { contractPath, setPortalPageHeaders } from '@roster/platform';

/** Where `npm run build` (vite) puts the portal: dist/portal under the project root. */
export function portalBuildDir(): string {
  return join(dirname(dirname(contractPath())), 'dist', 'portal');
}

/**
 * The setup portal's single-page app at /portal: its hashed assets (cached for good), `branding.css` (the
 * host application's accent colour, from configuration, so that no page needs an inline style), and
 * index.html for every other portal URL (the app routes in the browser). `/portal/api/…` and `/portal/link`
 * are Nest's. Every page carries the portal's strict Content-Security-Policy.
 */
export function portalAssets(config: RosterConfig, dir = portalBuildDir()) {
  const router = express.Router();
  const pageHeaders = (res: Response) => setPortalPageHeaders(res, config.portal);
  router.get('/branding.css', (_req: Request, res: Response) => {
    pageHeaders(res);
    res.type('text/css').setHeader('Cache-Control', 'no-cache');
    res.send(brandingCss(config.portal.accentColor));
  });
  router.use(
    '/assets',
    express.static(join(dir, 'assets'), {
      index: false,
      fallthrough: true,
      immutable: true,
      maxAge: '365d',
      setHeaders: (res) => pageHeaders(res),
    }),
  );
  router.use('/assets', (_req: Request, res: Response) => void res.status(404).type('text/plain').send('No such portal asset'));
  router.get(/^\/(?!api\/|link$)/, (_req: Request, res: Response) => {
    pageHeaders(res);
    res.setHeader('Cache-Control', 'no-cache');
    const index = join(dir, 'index.html');
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The portal has not been built: run `npm run build` (npm start does it).');
      return;
    }
    res.type('html').send(readFileSync(index, 'utf8'));
  });
  return router;
}

/** The accent colour (checked by loadConfig: #rrggbb) and the standalone message pages' look. */
function brandingCss(accent: string): string {
  return `:root { --accent: ${accent}; }
.message-page { max-width: 40rem; margin: 4rem auto; padding: 0 1.5rem; font: 16px/1.5 system-ui, sans-serif; color: #1c1f24; }
.message-page h1 { font-size: 1.6rem; border-bottom: 4px solid var(--accent); padding-bottom: 0.5rem; }
.message-page a { color: var(--accent); }
`;
}
