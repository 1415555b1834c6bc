import type { IdpGuide } from './guide';

export const generic: IdpGuide = {
  id: 'other',
  name: 'Another SCIM 2.0 client',
  provider: null,
  summary: 'Any SCIM 2.0 client: the base URL and a bearer token are all it needs.',
  timing: 'As soon as your client sends its first request.',
  steps: [
    {
      title: 'Base URL',
      text: 'Configure this as the SCIM base URL: your client adds /Users and /Groups itself.',
      values: [{ field: 'SCIM base URL', value: 'baseUrl' }],
    },
    {
      title: 'Authentication',
      text: 'Send "Authorization: Bearer <token>" with every request (a client that only does Basic authentication may send the token as the password). Generate it here: it is shown once.',
      token: true,
    },
    {
      title: 'Users, groups and the learner extension',
      text: 'userName is the unique identifier; a learner needs an e-mail address (or an e-mail-shaped userName). The learner attributes go under the extension below. Create one test user: it appears in Directory, and every request in Activity.',
      values: [{ field: 'Learner extension schema', value: 'learnerUrn' }],
    },
  ],
};
