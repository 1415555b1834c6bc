import { entra } from './entra';
import { generic } from './generic';
import type { IdpGuide } from './guide';
import { jumpcloud } from './jumpcloud';
import { oktaCatalog } from './okta-catalog';
import { oktaWizard } from './okta-wizard';
import { onelogin } from './onelogin';

export type { IdpGuide, GuideStep, GuideValue } from './guide';
export { LEARNER_URN } from './guide';

/** Every guide, in the order the admin chooses from. A new identity provider is a new file, listed here. */
export const guides: IdpGuide[] = [oktaCatalog, oktaWizard, entra, onelogin, jumpcloud, generic];
