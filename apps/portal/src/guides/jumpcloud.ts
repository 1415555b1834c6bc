import type { IdpGuide } from './guide';

export const jumpcloud: IdpGuide = {
  id: 'jumpcloud',
  name: 'JumpCloud',
  provider: 'jumpcloud',
  summary: 'Add a custom SCIM identity management integration.',
  timing: 'JumpCloud sends changes within minutes.',
  steps: [
    {
      title: 'Add the integration',
      text: 'In the app\'s "Identity Management" tab choose "Custom SCIM Identity Management", SCIM version 2.0.',
    },
    {
      title: 'Fill in the connection',
      text: 'Paste the base URL into "Base URL" and choose token type "Bearer".',
      values: [{ field: 'Base URL', value: 'baseUrl' }],
    },
    {
      title: 'Paste the token',
      text: 'Paste the token into the token field. Generate it here: it is shown once.',
      token: true,
    },
    {
      title: 'Test the connection',
      text: '"Test Connection" creates and deletes a real test user and group, with the test e-mail you give: both appear in Activity, and the user among the deleted learners.',
    },
    {
      title: 'Activate and assign',
      text: 'Activate the integration and bind one test user to the app; the learner appears in Directory.',
    },
  ],
};
