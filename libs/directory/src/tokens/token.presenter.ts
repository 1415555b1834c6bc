import type { IssuedToken, TokenList } from '@roster/contract';
import type { TokenView } from './tokens.service';

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** A token as issued (its secret shown this once), for the admin API and the portal. */
export function issuedTokenBody(issued: TokenView & { token: string }): IssuedToken {
  return {
    id: issued.id,
    token: issued.token,
    prefix: issued.prefix,
    scope: issued.scope,
    description: issued.description,
    createdAt: issued.createdAt.toISOString(),
    expiresAt: iso(issued.expiresAt),
  };
}

export function tokenListBody(tokens: TokenView[]): TokenList {
  return {
    items: tokens.map((t) => ({
      id: t.id,
      prefix: t.prefix,
      scope: t.scope,
      description: t.description,
      createdAt: t.createdAt.toISOString(),
      lastUsedAt: iso(t.lastUsedAt),
      expiresAt: iso(t.expiresAt),
      revokedAt: iso(t.revokedAt),
    })),
  };
}
