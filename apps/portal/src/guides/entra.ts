import type { IdpGuide } from './guide';

export const entra: IdpGuide = {
  id: 'entra',
  name: 'Microsoft Entra ID',
  provider: 'entra',
  summary: "Connect an enterprise application's automatic provisioning to this tenant.",
  timing: 'Entra ID runs an initial cycle, then one every 20 to 40 minutes: the first learner can take that long to arrive.',
  steps: [
    {
      title: 'Open the enterprise application',
      text: 'In the Microsoft Entra admin center open Identity → Applications → "Enterprise applications" and the app (or "New application" → "Create your own application" → non-gallery). You need at least the Application Administrator role.',
    },
    {
      title: 'Switch provisioning to automatic',
      text: 'Open "Provisioning" and set "Provisioning Mode" to "Automatic".',
    },
    {
      title: 'Fill in the admin credentials',
      text: 'Under "Admin Credentials" paste the Tenant URL below. It ends in ?aadOptscim062020, which makes Entra ID send standard SCIM changes.',
      values: [{ field: 'Tenant URL', value: 'entraBaseUrl' }],
    },
    {
      title: 'Paste the token',
      text: 'Paste the token into "Secret Token". Generate it here: it is shown once.',
      token: true,
    },
    {
      title: 'Test the connection',
      text: 'Choose "Test Connection". Entra ID looks up a random id; this page shows the request arrive, and Entra ID shows success in a pop-up.',
    },
    {
      title: 'Check the mappings',
      text: 'Under "Mappings" keep "Provision Microsoft Entra ID Users" enabled, with userName as the matching attribute. Enable "Provision Microsoft Entra ID Groups" to send groups. Map the learner attributes to targets with their full name (the Attributes page lists them and a source for each).',
    },
    {
      title: 'Scope and start',
      text: 'Under "Settings" choose "Sync only assigned users and groups", set "Provisioning Status" to "On", "Save", then "Start provisioning".',
    },
    {
      title: 'Assign one test user',
      text: 'Under "Users and groups" assign one test user. After the next cycle the learner appears in Directory; Entra ID\'s "Provisioning logs" show its side.',
    },
  ],
};
