import type { IdpGuide } from './guide';

export const onelogin: IdpGuide = {
  id: 'onelogin',
  name: 'OneLogin',
  provider: 'onelogin',
  summary: "Use OneLogin's SCIM provisioner connector and point it at this tenant.",
  timing: 'OneLogin sends changes within minutes.',
  steps: [
    {
      title: 'Add the connector',
      text: 'Add an app from the "SCIM Provisioner with SAML (SCIM v2 Enterprise)" connector.',
    },
    {
      title: 'Fill in the configuration',
      text: 'On its "Configuration" tab paste the base URL into "SCIM Base URL".',
      values: [{ field: 'SCIM Base URL', value: 'baseUrl' }],
    },
    {
      title: 'Paste the token',
      text: 'Paste the token into "SCIM Bearer Token". Generate it here: it is shown once.',
      token: true,
    },
    {
      title: 'Add the learner attributes to the template',
      text: 'The "SCIM JSON Template" is the body OneLogin sends: add the learner attributes under the extension\'s full name (the Attributes page lists them), then choose "Enable" for the API connection.',
      values: [{ field: 'Extension schema', value: 'learnerUrn' }],
    },
    {
      title: 'Provisioning',
      text: 'On the "Provisioning" tab enable provisioning and choose what deleting and suspending a user do (suspending deactivates the learner). Assign one test user; the learner appears in Directory.',
    },
  ],
};
