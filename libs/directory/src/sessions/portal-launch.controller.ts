import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ROSTER_CONFIG, type RosterConfig } from '@roster/config';
import { Public, setPortalPageHeaders } from '@roster/platform';
import { secureCookies, setPortalCookie } from './portal-cookie';
import { PortalSessions } from './portal-sessions.service';
import { PortalThrottle } from './portal-throttle';
import { SetupLinks } from './setup-links.service';

/**
 * Opening a setup link: a link that is unused and unexpired is used up, opens a session for its tenant (the
 * cookie) and sends the browser on to the portal, at a URL without the link's key (303). Any other link gets a
 * page that says so and how to get a new one, and no session.
 */
@Controller('portal/link')
@Public()
export class PortalLaunchController {
  constructor(
    private readonly links: SetupLinks,
    private readonly sessions: PortalSessions,
    private readonly throttle: PortalThrottle,
    @Inject(ROSTER_CONFIG) private readonly config: RosterConfig,
  ) {}

  @Get()
  async open(@Query('key') key: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    this.throttle.assertAllowed(req, 'link');
    setPortalPageHeaders(res, this.config.portal);
    res.setHeader('Cache-Control', 'no-store');
    const tenantId = typeof key === 'string' ? await this.links.consume(key) : undefined;
    if (!tenantId) {
      this.throttle.recordFailure(req, 'link');
      res.status(410).type('html').send(usedLinkPage(this.config.portal.productName));
      return;
    }
    const { secret, cookieExpiresAt } = await this.sessions.open('tenant', tenantId);
    setPortalCookie(res, secret, cookieExpiresAt, secureCookies(this.config.publicUrl, req));
    res.redirect(303, '/portal/');
  }
}

function usedLinkPage(productName: string): string {
  const name = escapeHtml(productName);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>This setup link no longer works — ${name}</title>
<link rel="stylesheet" href="/portal/branding.css">
</head>
<body>
<main class="message-page">
<h1>This setup link no longer works</h1>
<p>A setup link opens the SCIM setup once, and only for a limited time: this one has been used already or has expired. Nobody is signed in with it.</p>
<h2>Get a new link</h2>
<p>Go back to ${name} and open the SCIM (provisioning) settings again, or ask ${name} support for a new setup link. If you opened this link from an e-mail and were not signed in, your mail system may have opened it first: ask for a new link and open it straight away.</p>
</main>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
