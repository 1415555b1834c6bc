/**
 * The portal's directory search as a SCIM filter: what the IT admin types matches the start of a learner's
 * userName, an e-mail address, the given or family name or the display name (a group's name), so that it
 * runs through the same filter compiler and indexes as an identity provider's queries.
 */
export function userSearchFilter(search: string | undefined, status: 'active' | 'deactivated' | undefined): string | undefined {
  const text = literal(search);
  const parts = [
    text ? `(userName sw ${text} or emails.value sw ${text} or name.givenName sw ${text} or name.familyName sw ${text} or displayName sw ${text})` : '',
    status ? `active eq ${status === 'active'}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' and ') : undefined;
}

export function groupSearchFilter(search: string | undefined): string | undefined {
  const text = literal(search);
  return text ? `displayName sw ${text}` : undefined;
}

/** A SCIM string literal of the trimmed search text, or undefined when there is none. */
function literal(search: string | undefined): string | undefined {
  const text = search?.trim();
  return text ? JSON.stringify(text) : undefined;
}
