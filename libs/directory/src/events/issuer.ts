import type { RosterConfig } from '@roster/config';

/** RFC 8417 `iss`: the public origin (ROSTER_PUBLIC_URL), the same for every process and stream. */
export function eventIssuer(config: RosterConfig): string {
  return config.publicUrl ? new URL(config.publicUrl).origin : `http://localhost:${config.port}`;
}
