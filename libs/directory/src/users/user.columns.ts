import { ScimError, isObject, type ResourceDocument } from '@roster/scim-core';

export interface DerivedUserColumns {
  userName: string;
  userNameCi: string;
  externalId: string | null;
  displayName: string | null;
  active: boolean;
  identityEmailCi: string;
  emails: { value: string; valueCi: string; type: string | null; isPrimary: boolean; display: string | null }[];
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Derives the indexed columns from a validated document; the document stays the source of truth. */
export function deriveUserColumns(document: ResourceDocument): DerivedUserColumns {
  const userName = document.userName as string;
  const emails = (Array.isArray(document.emails) ? document.emails : [])
    .filter(isObject)
    .filter((e) => typeof e.value === 'string')
    .map((e) => ({
      value: e.value as string,
      valueCi: (e.value as string).toLowerCase(),
      type: typeof e.type === 'string' ? e.type.toLowerCase() : null,
      isPrimary: e.primary === true,
      display: typeof e.display === 'string' ? e.display : null,
    }));
  // A learner is identified by email: primary, else first work, else first, else an email-shaped userName.
  const identity = emails.find((e) => e.isPrimary) ?? emails.find((e) => e.type === 'work') ?? emails[0];
  const identityEmail = identity?.value ?? (EMAIL.test(userName) ? userName : undefined);
  if (!identityEmail) throw ScimError.invalidValue('A user needs an email address: send "emails" or an email-shaped userName');
  if (!EMAIL.test(identityEmail)) throw ScimError.invalidValue(`"${identityEmail.slice(0, 100)}" is not an email address`);
  return {
    userName,
    userNameCi: userName.toLowerCase(),
    externalId: typeof document.externalId === 'string' ? document.externalId : null,
    displayName: typeof document.displayName === 'string' ? document.displayName : null,
    active: document.active !== false,
    identityEmailCi: identityEmail.toLowerCase(),
    emails,
  };
}

/** The derived columns that live on the users row itself (the emails have rows of their own). */
export type UserRowColumns = Omit<DerivedUserColumns, 'emails'>;

export function rowColumns(columns: DerivedUserColumns): UserRowColumns {
  const { emails: _emails, ...row } = columns;
  return row;
}

/** The email rows a stored document implies; a document that no longer derives (older rules) has none. */
export function emailRowsOf(document: ResourceDocument): DerivedUserColumns['emails'] | undefined {
  try {
    return deriveUserColumns(document).emails;
  } catch {
    return undefined;
  }
}
