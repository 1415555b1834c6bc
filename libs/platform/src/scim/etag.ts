import { ScimError } from '@roster/scim-core';

export const etagOf = (version: number) => `W/"${version}"`;

/** RFC 7644 §3.14: If-Match on PUT/PATCH/DELETE; a mismatch is 412. */
export function assertIfMatch(ifMatch: string | undefined, version: number): void {
  if (!ifMatch || ifMatch.trim() === '*') return;
  const current = etagOf(version);
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  const ok = ifMatch.split(',').some((tag) => strip(tag) === strip(current));
  if (!ok) throw ScimError.preconditionFailed(`If-Match ${ifMatch} does not match the current version ${current}`);
}
