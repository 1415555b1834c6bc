import { api, data, type Schemas } from '../api/client';
import { useLoad } from '../api/use-load';
import { ErrorMessage, formatTime, Loading } from '../components/feedback';
import { Page, Section } from '../components/page';
import { Link } from '../router';
import { describeChange } from './connection-panel';
import { useTenantScope } from './tenant-scope';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const LEARNER = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';
const HIDDEN = new Set(['schemas', 'meta', 'id', 'groups', ENTERPRISE, LEARNER]);

/** One learner: what the identity provider sent (core, enterprise and learner attributes), groups, changes. */
export function UserPage({ id }: { id: string }) {
  const { tenant, query, prefix } = useTenantScope();
  const loaded = useLoad(() => data(api.GET('/portal/api/v1/users/{userId}', { params: { path: { userId: id }, query } })), `${tenant.id}|${id}`);
  if (loaded.error) return <ErrorMessage error={loaded.error} what="load the learner" />;
  if (!loaded.value) return <Loading what="the learner" />;
  const { user, history } = loaded.value;
  const document = user as unknown as Record<string, unknown>;
  const groups = (document.groups as { value: string; display?: string }[] | undefined) ?? [];
  return (
    <Page title={String(user.userName)} lead={<Link to={`${prefix}directory`}>Back to the learners</Link>}>
      <Section title="Attributes">
        <Attributes values={Object.fromEntries(Object.entries(document).filter(([key]) => !HIDDEN.has(key)))} />
        <p className="muted">
          Created {formatTime((document.meta as { created?: string }).created)}, last changed{' '}
          {formatTime((document.meta as { lastModified?: string }).lastModified)}.
        </p>
      </Section>
      <Section title="Learner attributes">
        <Attributes values={(document[LEARNER] as Record<string, unknown> | undefined) ?? {}} empty="None sent: map them (see Attributes)." />
      </Section>
      <Section title="Enterprise attributes">
        <Attributes values={(document[ENTERPRISE] as Record<string, unknown> | undefined) ?? {}} empty="None sent." />
      </Section>
      <Section title="Groups">
        {groups.length === 0 ? (
          <p>In no group.</p>
        ) : (
          <ul>
            {groups.map((group) => (
              <li key={group.value}>
                <Link to={`${prefix}directory/groups/${group.value}`}>{group.display ?? group.value}</Link>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title="Change history">
        <History events={history} />
      </Section>
    </Page>
  );
}

export function Attributes({ values, empty = 'None.' }: { values: Record<string, unknown>; empty?: string }) {
  const entries = Object.entries(values);
  if (!entries.length) return <p>{empty}</p>;
  return (
    <dl className="attributes">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{show(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A SCIM value in plain words: lists of values one per line, complex values as key: value. */
function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.map(show).join('; ');
  if (typeof value === 'object')
    return Object.entries(value as Record<string, unknown>)
      .filter(([key]) => key !== '$ref')
      .map(([key, item]) => `${key}: ${show(item)}`)
      .join(', ');
  return String(value);
}

function History({ events }: { events: Schemas['AuditEvent'][] }) {
  if (!events.length) return <p>No change recorded.</p>;
  return (
    <ol className="history">
      {events.map((event) => (
        <li key={event.id}>
          <p>
            <strong>{describeChange(event.action)}</strong> {event.outcome === 'failure' ? `(refused, ${event.httpStatus})` : ''} at{' '}
            {formatTime(event.occurredAt)}
            <span className="muted"> by {actorOf(event.actor.type)}</span>
          </p>
          {event.changes.length > 0 && (
            <ul className="changes">
              {event.changes.map((change, index) => (
                <li key={index}>
                  <code>{shortPath(change.path)}</code>: {short(change.before)} → {short(change.after)}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}

/** An attribute path with its extension schema named briefly ("learner: team_name"). */
function shortPath(path: string): string {
  if (path.startsWith(`${LEARNER}:`)) return `learner: ${path.slice(LEARNER.length + 1)}`;
  if (path.startsWith(`${ENTERPRISE}:`)) return `enterprise: ${path.slice(ENTERPRISE.length + 1)}`;
  return path;
}

function short(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

function actorOf(type: string): string {
  return type === 'scim-token' ? 'your identity provider' : type === 'portal-tenant' ? 'you (portal)' : 'support';
}
