import type { IdpGuide } from './guide';

export const oktaCatalog: IdpGuide = {
  id: 'okta-catalog',
  name: 'Okta — catalog app',
  provider: 'okta',
  summary: 'Add the app from the Okta Integration Network, then connect its Provisioning tab to this tenant.',
  timing: 'Okta usually sends a change within seconds; its help pages allow up to an hour.',
  steps: [
    {
      title: 'Add the app',
      text: 'In the Okta Admin Console open Applications → Applications → "Browse App Catalog", find the app, and choose "Add Integration". Rename the label if you like, then "Done".',
    },
    {
      title: 'Open the API integration',
      text: 'On the app\'s "Provisioning" tab choose "Configure API Integration" and tick "Enable API Integration".',
    },
    {
      title: 'Paste the base URL',
      text: 'Paste the SCIM base URL into the URL field of the API integration.',
      values: [{ field: 'SCIM connector base URL', value: 'baseUrl' }],
    },
    {
      title: 'Paste the token',
      text: 'Paste the token into "API Token" (with or without "Bearer "). Generate it here: it is shown once.',
      token: true,
    },
    {
      title: 'Test and save',
      text: 'Choose "Test API Credentials". Okta reads a page of users; this page shows the request arrive below. When Okta says it succeeded, "Save".',
    },
    {
      title: 'Choose what Okta sends',
      text: 'On Provisioning → "To App" choose "Edit" and switch on the actions below; then "Save".',
      turnOn: ['Create Users', 'Update User Attributes', 'Deactivate Users'],
      leaveOff: ['Sync Password'],
      note: 'Okta never deletes a learner: removing a user from the app deactivates them (active: false), which keeps their history.',
    },
    {
      title: 'Map the learner attributes',
      text: 'In "Profile Editor" for the app, add the learner attributes with the external namespace below, then map them under "To App" (the Attributes page suggests a source for each).',
      values: [{ field: 'External namespace', value: 'learnerUrn' }],
    },
    {
      title: 'Assign one test user',
      text: 'On "Assignments" choose Assign → "Assign to People", pick one test user, "Save and Go Back", "Done". The learner appears in Directory; then assign the rest, or groups.',
    },
    {
      title: 'Push groups (optional)',
      text: 'On "Push Groups" push groups by name or rule; they appear in Directory with their members.',
      leaveOff: ['Import Groups'],
    },
  ],
};
