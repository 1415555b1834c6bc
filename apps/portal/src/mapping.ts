/**
 * Where each attribute Roster reads usually comes from in Okta and Entra ID: what their default mappings send
 * and, for the learner extension, the sources the learning platform recommends. Attributes Roster reads that
 * are not listed here have no usual source (map them if your directory has them).
 */
export const RECOMMENDED_SOURCES: Record<string, { okta: string; entra: string }> = {
  userName: { okta: 'user.login (Username)', entra: 'userPrincipalName' },
  'name.givenName': { okta: 'user.firstName', entra: 'givenName' },
  'name.familyName': { okta: 'user.lastName', entra: 'surname' },
  displayName: { okta: 'user.displayName', entra: 'displayName' },
  'emails[].value': { okta: 'user.email', entra: 'mail' },
  title: { okta: 'user.title', entra: 'jobTitle' },
  externalId: { okta: '(Okta sets it)', entra: 'mailNickname' },
  active: { okta: '(Okta sets it)', entra: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")' },
  'addresses[].country': { okta: 'user.countryCode', entra: 'country' },
  employeeNumber: { okta: 'user.employeeNumber', entra: 'employeeId' },
  department: { okta: 'user.department', entra: 'department' },
  'manager.value': { okta: 'user.managerId', entra: 'manager' },
  job_role: { okta: 'user.userType', entra: 'jobTitle' },
  company: { okta: 'user.organization', entra: 'companyName' },
  business_unit: { okta: 'user.costCenter', entra: 'an extension attribute holding the cost centre' },
  team_name: { okta: 'user.division', entra: 'an extension attribute holding the division' },
  security_champion: { okta: 'false (a constant), or a boolean attribute', entra: 'false (a constant), or a boolean attribute' },
};
