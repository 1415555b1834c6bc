import { createContext, useContext } from 'react';
import type { Schemas } from '../api/client';

export type Branding = Schemas['PortalSession']['branding'];

export const BrandingContext = createContext<Branding>({ productName: 'Roster', logoUrl: null, accentColor: '#2459c4' });

/** The host application's name, logo and accent colour (ROSTER_PORTAL_*): the portal wears them. */
export function useBranding(): Branding {
  return useContext(BrandingContext);
}
