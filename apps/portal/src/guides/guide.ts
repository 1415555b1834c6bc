/**
 * A setup guide for one identity provider: numbered steps in that provider's own words (the names of its
 * screens and fields, in quotes, as the admin will look for them), with this tenant's real values. One file
 * per provider in this folder; index.ts lists them. Adding a provider is adding a file.
 */
export interface IdpGuide {
  id: string;
  /** As the admin would pick it: "Okta (catalog app)". */
  name: string;
  /** The `identityProvider` the request log names for it, to say "Okta tested the connection". */
  provider: 'okta' | 'entra' | 'onelogin' | 'jumpcloud' | null;
  summary: string;
  /** How soon the first request arrives, once provisioning is switched on. */
  timing: string;
  steps: GuideStep[];
}

export interface GuideStep {
  title: string;
  text: string;
  /** Values to copy into the provider's fields. */
  values?: GuideValue[];
  /** Here the admin generates (or already has) the token to paste. */
  token?: boolean;
  /** Options to switch on, and to leave off, as the provider names them. */
  turnOn?: string[];
  leaveOff?: string[];
  note?: string;
}

/** A value shown with a copy button: this tenant's base URL (Entra's RFC-compliant variant), or a fixed text. */
export type GuideValue = { field: string; value: 'baseUrl' | 'entraBaseUrl' | 'learnerUrn' } | { field: string; text: string };

export const LEARNER_URN = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';
