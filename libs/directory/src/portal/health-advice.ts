import type { FindingKind } from '../reconciliation/tenant-health.service';

/** What the customer's IT admin can do about each health finding, in their words. */
export const HEALTH_ADVICE: Record<FindingKind, string> = {
  'users-without-external-id':
    'These learners were created before provisioning was enabled (or by hand), so your identity provider has no link to them and its updates do not reach them. In Okta, unassign and reassign them in the app; in Entra ID, make sure userName is the matching attribute.',
  'untouched-active-users':
    'Your identity provider has not changed these learners for 90 days. If they have left, unassign them from the app in your identity provider so that they are deactivated.',
  'unresolved-managers':
    'These learners name a manager who has not been provisioned (yet). It clears itself when the manager is assigned to the app; otherwise assign the managers too.',
  'tokens-expiring': 'A token expires soon: generate a new one on the Token page and paste it into your identity provider before then.',
  'idp-silent':
    'Your identity provider has not called for a week. Check that provisioning is switched on in its app (Entra ID: Provisioning Status On; Okta: To App actions enabled).',
  'auth-failures':
    'Requests with a wrong or old token were refused in the last 24 hours. Paste the current token into your identity provider (Activity shows each refused request).',
  'event-streams-failing': 'The learning platform is not receiving changes right now; its operator has been told. Nothing to do on your side.',
  'event-streams-backed-up': 'The learning platform is behind with changes; its operator has been told. Nothing to do on your side.',
  drift: 'An internal inconsistency was found; the operator repairs it. Nothing to do on your side.',
};
