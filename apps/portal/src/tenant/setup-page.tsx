import { useId, useState } from 'react';
import { CopyField } from '../components/copy-field';
import { Page } from '../components/page';
import { guides, LEARNER_URN, type GuideValue, type IdpGuide } from '../guides';
import { ConnectionPanel } from './connection-panel';
import { useTenantScope, type PortalTenant } from './tenant-scope';
import { TokenIssuer } from './token-issuer';

const CHOICE_KEY = 'roster-portal-idp';

/**
 * Setting up: the admin picks their identity provider and follows its numbered steps, with this tenant's
 * real values to copy and the token generated in the step that pastes it; the connection check above shows
 * the first request arrive.
 */
export function SetupPage() {
  const { tenant } = useTenantScope();
  const [choice, setChoice] = useState<string>(() => localStorage.getItem(CHOICE_KEY) ?? guides[0].id);
  const guide = guides.find((g) => g.id === choice) ?? guides[0];
  const name = useId();
  const choose = (id: string) => {
    setChoice(id);
    localStorage.setItem(CHOICE_KEY, id);
  };
  return (
    <Page
      title="Set up provisioning"
      lead={`Connect your identity provider to ${tenant.name}: it then creates, updates and deactivates learners here by itself.`}
    >
      {!tenant.scimEnabled && (
        <div className="notice error" role="alert">
          <p>
            <strong>SCIM provisioning is switched off for this tenant.</strong> Requests are refused until support switches it back on.
          </p>
        </div>
      )}
      <ConnectionPanel />
      <section className="panel" aria-labelledby="idp-title">
        <h2 id="idp-title">Your identity provider</h2>
        <fieldset className="idp-choice">
          <legend>Which identity provider connects to {tenant.name}?</legend>
          {guides.map((g) => (
            <label key={g.id} className="radio">
              <input type="radio" name={name} value={g.id} checked={g.id === guide.id} onChange={() => choose(g.id)} />
              {g.name}
            </label>
          ))}
        </fieldset>
      </section>
      <Guide guide={guide} tenant={tenant} />
    </Page>
  );
}

function Guide({ guide, tenant }: { guide: IdpGuide; tenant: PortalTenant }) {
  return (
    <section className="panel guide" aria-labelledby="guide-title">
      <h2 id="guide-title">{guide.name}: step by step</h2>
      <p>{guide.summary}</p>
      <ol className="steps">
        {guide.steps.map((step, index) => (
          <li key={step.title} className="step">
            <h3>
              <span className="step-number" aria-hidden="true">
                {index + 1}
              </span>
              {step.title}
            </h3>
            <p>{step.text}</p>
            {step.values?.map((value) => (
              <CopyField key={value.field} label={value.field} value={valueOf(value, tenant)} />
            ))}
            {step.token && <TokenIssuer />}
            {step.turnOn && (
              <div className="options">
                <p>Switch on:</p>
                <ul className="on">
                  {step.turnOn.map((option) => (
                    <li key={option}>{option}</li>
                  ))}
                </ul>
              </div>
            )}
            {step.leaveOff && (
              <div className="options">
                <p>Leave off:</p>
                <ul className="off">
                  {step.leaveOff.map((option) => (
                    <li key={option}>{option}</li>
                  ))}
                </ul>
              </div>
            )}
            {step.note && <p className="note">{step.note}</p>}
          </li>
        ))}
      </ol>
      <p className="timing">{guide.timing}</p>
    </section>
  );
}

function valueOf(value: GuideValue, tenant: PortalTenant): string {
  if ('text' in value) return value.text;
  if (value.value === 'learnerUrn') return LEARNER_URN;
  return value.value === 'entraBaseUrl' ? `${tenant.scimBaseUrl}?aadOptscim062020` : tenant.scimBaseUrl;
}
