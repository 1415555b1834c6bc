import { api, data, type Schemas } from '../api/client';
import { useLoad } from '../api/use-load';
import { formatTime } from '../components/feedback';
import { useTenantScope } from './tenant-scope';

type Entry = Schemas['ScimRequestEntry'];

const PROVIDERS: Record<string, string> = { okta: 'Okta', entra: 'Microsoft Entra ID', onelogin: 'OneLogin', jumpcloud: 'JumpCloud' };

/** Who sent a request, in words: "Okta", or "Your identity provider". */
export function senderOf(entry: Entry): string {
  return (entry.identityProvider && PROVIDERS[entry.identityProvider]) ?? 'Your identity provider';
}

/**
 * The live connection check: "waiting for your identity provider" until its first request arrives, then
 * what the latest request was and what Roster answered, and why a refused one was refused. Looks every two
 * seconds (a request shows here within two).
 */
export function ConnectionPanel() {
  const { tenant, query } = useTenantScope();
  const connection = useLoad(() => data(api.GET('/portal/api/v1/connection', { params: { query } })), tenant.id, 2000);
  const state = connection.value;
  return (
    <section className={`panel connection ${state?.state ?? 'waiting'}`} aria-labelledby="connection-title">
      <h2 id="connection-title">Connection</h2>
      <div role="status" aria-live="polite" aria-atomic="true">
        {!state ? (
          <p>{connection.error ? `Could not check the connection: ${connection.error.message}` : 'Checking…'}</p>
        ) : state.state === 'waiting' ? (
          <p className="waiting-text">
            <span className="pulse" aria-hidden="true" />
            Waiting for your identity provider… Nothing has reached this tenant's SCIM base URL yet. When you test the connection, it shows here within seconds.
          </p>
        ) : state.state === 'working' && state.lastRequest ? (
          <Outcome entry={state.lastRequest} />
        ) : (
          state.lastFailure && <Outcome entry={state.lastFailure} />
        )}
      </div>
      {state?.state === 'working' && state.lastFailure && Date.parse(state.lastFailure.occurredAt) > Date.now() - 3_600_000 && (
        <p className="earlier-failure">
          Earlier: {state.lastFailure.summary} was refused at {formatTime(state.lastFailure.occurredAt)} ({state.lastFailure.problem})
        </p>
      )}
      {state && state.state !== 'waiting' && (
        <p className="counts">
          Last hour: {state.requestsLastHour} request{state.requestsLastHour === 1 ? '' : 's'}, {state.failuresLastHour} refused.
        </p>
      )}
    </section>
  );
}

function Outcome({ entry }: { entry: Entry }) {
  const ok = entry.status < 400;
  const at = formatTime(entry.occurredAt);
  const test = entry.summary.startsWith('a connection test');
  return (
    <div className={ok ? 'outcome ok' : 'outcome failed'}>
      <p className="outcome-line">
        <span className="mark" aria-hidden="true">
          {ok ? '✓' : '✕'}
        </span>
        {ok
          ? test
            ? `${senderOf(entry)} tested the connection at ${at} — OK`
            : `${senderOf(entry)} sent ${entry.summary} at ${at} — OK (${entry.status})`
          : `${entry.problem ?? 'A request was refused.'} (${at}, ${entry.status})`}
      </p>
      {!ok && (
        <p>
          {senderOf(entry)} sent {entry.summary}.
        </p>
      )}
      {entry.change && (
        <p>
          {describeChange(entry.change.action)}
          {entry.change.resource ? `: ${entry.change.resource}` : ''}
        </p>
      )}
      {!ok && entry.fix && <p className="fix">{entry.fix}</p>}
    </div>
  );
}

/** An audit action as the IT admin would say it. */
export function describeChange(action: string): string {
  const known: Record<string, string> = {
    'user.created': 'Learner created',
    'user.updated': 'Learner updated',
    'user.deactivated': 'Learner deactivated',
    'user.reactivated': 'Learner reactivated',
    'user.deleted': 'Learner deleted',
    'group.created': 'Group created',
    'group.updated': 'Group updated',
    'group.deleted': 'Group deleted',
  };
  return known[action] ?? action;
}
