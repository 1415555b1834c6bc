import type { IdpGuide } from './guide';

export const oktaWizard: IdpGuide = {
  id: 'okta-wizard',
  name: 'Okta — App Integration Wizard',
  provider: 'okta',
  summary: 'Add SCIM provisioning to an app you made with the App Integration Wizard (usually your SAML app).',
  timing: 'Okta usually sends a change within seconds; its help pages allow up to an hour.',
  steps: [
    {
      title: 'Turn on SCIM for the app',
      text: 'Open the app (Applications → Applications), and on the "General" tab under "App Settings" choose "Edit", set "Provisioning" to "SCIM", and "Save". A "Provisioning" tab appears.',
    },
    {
      title: 'Fill in the SCIM connection',
      text: 'On Provisioning → "Integration" choose "Edit" and fill in:',
      values: [
        { field: 'SCIM connector base URL', value: 'baseUrl' },
        { field: 'Unique identifier field for users', text: 'userName' },
      ],
    },
    {
      title: 'Choose the provisioning actions',
      text: 'Under "Supported provisioning actions" tick:',
      turnOn: ['Import New Users and Profile Updates', 'Push New Users', 'Push Profile Updates', 'Push Groups'],
      leaveOff: ['Import Groups'],
      note: 'With "Import Groups" ticked, the connection test fails.',
    },
    {
      title: 'Authenticate with the token',
      text: 'Set "Authentication Mode" to "HTTP Header" and paste the token into "Authorization" (with or without "Bearer "). Generate it here: it is shown once.',
      token: true,
    },
    {
      title: 'Test and save',
      text: 'Choose "Test Connector Configuration": Okta reads a page of users, and this page shows the request arrive. Then "Save".',
    },
    {
      title: 'Choose what Okta sends',
      text: 'On Provisioning → "To App" choose "Edit" and switch on:',
      turnOn: ['Create Users', 'Update User Attributes', 'Deactivate Users'],
      leaveOff: ['Sync Password'],
    },
    {
      title: 'Map the learner attributes',
      text: 'In the app\'s "Profile Editor" add the learner attributes with the external namespace below and map them (the Attributes page suggests a source for each).',
      values: [{ field: 'External namespace', value: 'learnerUrn' }],
    },
    {
      title: 'Assign one test user',
      text: 'On "Assignments" assign one test user. The learner appears in Directory; then assign the rest, or groups, and push groups on "Push Groups".',
    },
  ],
};
