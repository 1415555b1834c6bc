import { useId, useState, type FormEvent } from 'react';
import { api, data, type Schemas } from '../api/client';
import { useLoad } from '../api/use-load';
import { CopyField } from '../components/copy-field';
import { ErrorMessage, formatTime, Loading, Notice } from '../components/feedback';
import { Page, Section } from '../components/page';
import { isActive } from '../tenant/token-issuer';
import { useTenantScope } from '../tenant/tenant-scope';

const LINK_LIFETIMES = [
  { minutes: 60, label: '1 hour (hand it over now)' },
  { minutes: 1440, label: '1 day' },
  { minutes: 10080, label: '7 days (for an e-mail)' },
];

/**
 * The operator's console for one tenant, over the admin API: SCIM on or off, a setup link for the customer's
 * IT admin, every token (the host application's read-only ones too), deleted learners and restore, event
 * streams.
 */
export function ManagePage({ onChanged }: { onChanged: () => void }) {
  const { tenant } = useTenantScope();
  return (
    <Page title={`Manage ${tenant.name}`} lead="Support tools for this tenant. Its own pages (set-up, directory, activity) are in the navigation.">
      <Status onChanged={onChanged} />
      <SetupLinkSection />
      <Tokens />
      <DeletedUsers />
      <EventStreams />
    </Page>
  );
}

function Status({ onChanged }: { onChanged: () => void }) {
  const { tenant } = useTenantScope();
  const [failure, setFailure] = useState<Error>();
  const toggle = async () => {
    setFailure(undefined);
    try {
      await data(api.PATCH('/admin/v1/tenants/{tenantId}', { params: { path: { tenantId: tenant.id } }, body: { scimEnabled: !tenant.scimEnabled } }));
      onChanged();
    } catch (error) {
      setFailure(error as Error);
    }
  };
  return (
    <Section title="SCIM provisioning">
      <CopyField label="SCIM base URL" value={tenant.scimBaseUrl} />
      <p>
        Provisioning is <strong>{tenant.scimEnabled ? 'enabled' : 'disabled'}</strong>.{' '}
        {tenant.scimEnabled ? 'Disabling refuses every SCIM request (403) at once, and signs nobody out.' : 'Enabling lets the identity provider in again.'}
      </p>
      <button type="button" className={tenant.scimEnabled ? 'danger' : ''} onClick={() => void toggle()}>
        {tenant.scimEnabled ? 'Disable SCIM provisioning' : 'Enable SCIM provisioning'}
      </button>
      {failure && <ErrorMessage error={failure} what="change the tenant" />}
    </Section>
  );
}

function SetupLinkSection() {
  const { tenant } = useTenantScope();
  const [minutes, setMinutes] = useState(60);
  const [link, setLink] = useState<Schemas['SetupLink']>();
  const [failure, setFailure] = useState<Error>();
  const id = useId();
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(undefined);
    try {
      setLink(
        await data(api.POST('/admin/v1/tenants/{tenantId}/setup-links', { params: { path: { tenantId: tenant.id } }, body: { expiresInMinutes: minutes } })),
      );
    } catch (error) {
      setFailure(error as Error);
    }
  };
  return (
    <Section title="Setup link">
      <p>A link that signs the customer's IT admin in to this tenant's setup pages, once. Send it to them or open it with them.</p>
      <form className="inline-form" onSubmit={(event) => void create(event)}>
        <div className="field">
          <label htmlFor={id}>Valid for</label>
          <select id={id} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
            {LINK_LIFETIMES.map((option) => (
              <option key={option.minutes} value={option.minutes}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Create setup link</button>
      </form>
      {failure && <ErrorMessage error={failure} what="create the setup link" />}
      {link && (
        <Notice kind="info" live>
          <CopyField label="Setup link" value={link.url} secret />
          <p>It works once, until {formatTime(link.expiresAt)}. It is not shown again.</p>
        </Notice>
      )}
    </Section>
  );
}

function Tokens() {
  const { tenant } = useTenantScope();
  const path = { params: { path: { tenantId: tenant.id } } };
  const tokens = useLoad(() => data(api.GET('/admin/v1/tenants/{tenantId}/tokens', path)), tenant.id);
  const [issued, setIssued] = useState<Schemas['IssuedToken']>();
  const [failure, setFailure] = useState<Error>();
  const issueReader = async () => {
    setFailure(undefined);
    try {
      setIssued(await data(api.POST('/admin/v1/tenants/{tenantId}/tokens', { ...path, body: { scope: 'read', description: 'host application' } })));
      tokens.reload();
    } catch (error) {
      setFailure(error as Error);
    }
  };
  const revoke = async (tokenId: string) => {
    setFailure(undefined);
    try {
      await data(api.DELETE('/admin/v1/tenants/{tenantId}/tokens/{tokenId}', { params: { path: { tenantId: tenant.id, tokenId } } }));
      tokens.reload();
    } catch (error) {
      setFailure(error as Error);
    }
  };
  return (
    <Section title="All tokens">
      <p>The identity provider's provisioning token is generated on the Token page. The host application reads the directory with a read-only token.</p>
      <button type="button" onClick={() => void issueReader()}>
        Issue a read-only token
      </button>
      {issued && (
        <Notice kind="warning" live>
          <p>
            <strong>Copy it now: it is not shown again.</strong>
          </p>
          <CopyField label="Read-only token" value={issued.token} secret />
        </Notice>
      )}
      {failure && <ErrorMessage error={failure} what="change the tokens" />}
      {!tokens.value ? (
        tokens.error ? (
          <ErrorMessage error={tokens.error} what="load the tokens" />
        ) : (
          <Loading what="tokens" />
        )
      ) : (
        <table>
          <caption className="visually-hidden">All tokens of the tenant</caption>
          <thead>
            <tr>
              <th scope="col">Token</th>
              <th scope="col">Scope</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.value.items.map((token) => (
              <tr key={token.id}>
                <th scope="row">
                  <code>{token.prefix}…</code>
                </th>
                <td>{token.scope}</td>
                <td>{formatTime(token.createdAt)}</td>
                <td>{formatTime(token.lastUsedAt)}</td>
                <td>{isActive(token) ? 'in use' : 'revoked'}</td>
                <td>
                  {isActive(token) && (
                    <button type="button" className="secondary small" onClick={() => void revoke(token.id)}>
                      Revoke<span className="visually-hidden"> {token.prefix}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function DeletedUsers() {
  const { tenant } = useTenantScope();
  const deleted = useLoad(() => data(api.GET('/admin/v1/tenants/{tenantId}/deleted-users', { params: { path: { tenantId: tenant.id } } })), tenant.id);
  const [message, setMessage] = useState<string>();
  const [failure, setFailure] = useState<Error>();
  const restore = async (userId: string, userName: string) => {
    setFailure(undefined);
    try {
      await data(api.POST('/admin/v1/tenants/{tenantId}/deleted-users/{userId}/restore', { params: { path: { tenantId: tenant.id, userId } } }));
      setMessage(`${userName} is restored.`);
      deleted.reload();
    } catch (error) {
      setFailure(error as Error);
    }
  };
  return (
    <Section title="Deleted learners">
      {message && (
        <Notice kind="success" live>
          <p>{message}</p>
        </Notice>
      )}
      {failure && <ErrorMessage error={failure} what="restore the learner" />}
      {!deleted.value ? (
        deleted.error ? (
          <ErrorMessage error={deleted.error} what="load the deleted learners" />
        ) : (
          <Loading what="deleted learners" />
        )
      ) : deleted.value.items.length === 0 ? (
        <p>None.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Deleted learners</caption>
          <thead>
            <tr>
              <th scope="col">userName</th>
              <th scope="col">Deleted</th>
              <th scope="col">Purged after</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {deleted.value.items.map((user) => (
              <tr key={user.id}>
                <th scope="row">{user.userName}</th>
                <td>{formatTime(user.deletedAt)}</td>
                <td>{formatTime(user.purgeAfter)}</td>
                <td>
                  <button type="button" className="secondary small" onClick={() => void restore(user.id, user.userName)}>
                    Restore<span className="visually-hidden"> {user.userName}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function EventStreams() {
  const { tenant } = useTenantScope();
  const path = { params: { path: { tenantId: tenant.id } } };
  const streams = useLoad(() => data(api.GET('/admin/v1/tenants/{tenantId}/event-streams', path)), tenant.id);
  const [endpoint, setEndpoint] = useState('');
  const [secret, setSecret] = useState('');
  const [created, setCreated] = useState<Schemas['CreatedEventStream']>();
  const [failure, setFailure] = useState<Error>();
  const endpointId = useId();
  const secretId = useId();
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(undefined);
    try {
      const body = endpoint.trim()
        ? { delivery: 'push' as const, endpointUrl: endpoint.trim(), ...(secret ? { authorizationHeader: secret } : {}) }
        : { delivery: 'poll' as const };
      setCreated(await data(api.POST('/admin/v1/tenants/{tenantId}/event-streams', { ...path, body })));
      setEndpoint('');
      setSecret('');
      streams.reload();
    } catch (error) {
      setFailure(error as Error);
    }
  };
  const setStatus = async (streamId: string, status: 'active' | 'paused') => {
    setFailure(undefined);
    try {
      await data(api.PATCH('/admin/v1/tenants/{tenantId}/event-streams/{streamId}', { params: { path: { tenantId: tenant.id, streamId } }, body: { status } }));
      streams.reload();
    } catch (error) {
      setFailure(error as Error);
    }
  };
  return (
    <Section title="Event streams">
      <p>How the host application learns of every change: pushed to its endpoint, or polled (leave the endpoint empty).</p>
      <form className="inline-form" onSubmit={(event) => void create(event)}>
        <div className="field">
          <label htmlFor={endpointId}>Push endpoint (https)</label>
          <input id={endpointId} type="url" value={endpoint} onChange={(e) => setEndpoint(e.target.value)} placeholder="https://" />
        </div>
        <div className="field">
          <label htmlFor={secretId}>Authorization header</label>
          <input id={secretId} type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} />
        </div>
        <button type="submit">{endpoint.trim() ? 'Create push stream' : 'Create poll stream'}</button>
      </form>
      {failure && <ErrorMessage error={failure} what="change the event streams" />}
      {created?.pollToken && (
        <Notice kind="warning" live>
          <CopyField label="Poll URL" value={created.pollUrl ?? ''} />
          <CopyField label="Poll token (shown once)" value={created.pollToken} secret />
        </Notice>
      )}
      {!streams.value ? (
        streams.error ? (
          <ErrorMessage error={streams.error} what="load the event streams" />
        ) : (
          <Loading what="event streams" />
        )
      ) : streams.value.items.length === 0 ? (
        <p>No stream.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Event streams</caption>
          <thead>
            <tr>
              <th scope="col">Delivery</th>
              <th scope="col">Where</th>
              <th scope="col">Status</th>
              <th scope="col">Backlog</th>
              <th scope="col">Last error</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {streams.value.items.map((stream) => (
              <tr key={stream.id}>
                <th scope="row">{stream.delivery}</th>
                <td>
                  <code>{stream.endpointUrl ?? stream.pollUrl}</code>
                </td>
                <td>{stream.status}</td>
                <td>{stream.health.backlog}</td>
                <td>{stream.health.lastError ?? '—'}</td>
                <td>
                  <button type="button" className="secondary small" onClick={() => void setStatus(stream.id, stream.status === 'active' ? 'paused' : 'active')}>
                    {stream.status === 'active' ? 'Pause' : 'Resume'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
