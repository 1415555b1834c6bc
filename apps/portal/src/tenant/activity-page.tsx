import { useState } from 'react';
import { api, data, type Schemas } from '../api/client';
import { useLoad } from '../api/use-load';
import { ErrorMessage, formatTime, Loading } from '../components/feedback';
import { Page, Section } from '../components/page';
import { ConnectionPanel, describeChange, senderOf } from './connection-panel';
import { useTenantScope } from './tenant-scope';

type Entry = Schemas['ScimRequestEntry'];

/**
 * Troubleshooting: every request the identity provider sent and what Roster answered, refused ones first
 * and each explained with its fix; then the tenant's health findings with advice.
 */
export function ActivityPage() {
  return (
    <Page title="Activity" lead="Every request your identity provider sent to this tenant, and what Roster answered. Refused requests say why, and what to do.">
      <ConnectionPanel />
      <Failures />
      <AllRequests />
      <Health />
    </Page>
  );
}

function Failures() {
  const { tenant, query } = useTenantScope();
  const failures = useLoad(
    () => data(api.GET('/portal/api/v1/scim-requests', { params: { query: { ...query, status: 'failures', limit: 20 } } })),
    tenant.id,
    2000,
  );
  return (
    <Section title="Refused requests">
      {failures.error && <ErrorMessage error={failures.error} what="load the refused requests" />}
      {!failures.value ? (
        !failures.error && <Loading what="refused requests" />
      ) : failures.value.items.length === 0 ? (
        <p>None: every request was answered.</p>
      ) : (
        <ul className="requests">
          {failures.value.items.map((entry) => (
            <RequestItem key={entry.id} entry={entry} />
          ))}
        </ul>
      )}
    </Section>
  );
}

function AllRequests() {
  const { tenant, query } = useTenantScope();
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const requests = useLoad(
    () => data(api.GET('/portal/api/v1/scim-requests', { params: { query: { ...query, limit: 50, ...(cursor ? { cursor } : {}) } } })),
    `${tenant.id}|${cursor ?? ''}`,
    cursor ? undefined : 2000,
  );
  return (
    <Section title="All requests">
      {requests.error && <ErrorMessage error={requests.error} what="load the requests" />}
      {!requests.value ? (
        !requests.error && <Loading what="requests" />
      ) : requests.value.items.length === 0 ? (
        <p>No request yet.</p>
      ) : (
        <>
          <ul className="requests">
            {requests.value.items.map((entry) => (
              <RequestItem key={entry.id} entry={entry} />
            ))}
          </ul>
          <nav className="pager" aria-label="Request pages">
            <button type="button" className="secondary" disabled={!cursors.length} onClick={() => setCursors(cursors.slice(0, -1))}>
              Newer
            </button>
            <button
              type="button"
              className="secondary"
              disabled={!requests.value.nextCursor}
              onClick={() => requests.value?.nextCursor && setCursors([...cursors, requests.value.nextCursor])}
            >
              Older
            </button>
          </nav>
        </>
      )}
    </Section>
  );
}

function RequestItem({ entry }: { entry: Entry }) {
  const ok = entry.status < 400;
  return (
    <li className={ok ? 'request ok' : 'request failed'}>
      <p className="request-line">
        <span className={ok ? 'pill ok' : 'pill bad'}>{entry.status}</span> <time dateTime={entry.occurredAt}>{formatTime(entry.occurredAt)}</time> —{' '}
        {senderOf(entry)}: {entry.summary}
        {entry.change && (
          <span className="muted">
            {' '}
            ({describeChange(entry.change.action)}
            {entry.change.resource ? ` ${entry.change.resource}` : ''})
          </span>
        )}
      </p>
      <p className="request-path">
        <code>
          {entry.method} {entry.path}
        </code>{' '}
        <span className="muted">
          {entry.durationMs} ms · request {entry.requestId}
        </span>
      </p>
      {!ok && (
        <div className="explanation">
          <p>
            <strong>{entry.problem}</strong>
          </p>
          <p>{entry.fix}</p>
          {entry.detail && <p className="muted">Roster's answer: {entry.detail}</p>}
        </div>
      )}
    </li>
  );
}

function Health() {
  const { tenant, query } = useTenantScope();
  const health = useLoad(() => data(api.GET('/portal/api/v1/health', { params: { query } })), tenant.id);
  return (
    <Section title="Health">
      {health.error && <ErrorMessage error={health.error} what="load the health findings" />}
      {!health.value ? (
        !health.error && <Loading what="health" />
      ) : (
        <>
          <p>
            {count(health.value.counts.users, 'learner')} ({health.value.counts.activeUsers} active), {count(health.value.counts.groups, 'group')}. In the last
            24 hours: {count(health.value.last24h.writes, 'change')}, {health.value.last24h.failedWrites} refused;{' '}
            {count(health.value.last24h.authFailures, 'request')} refused for their token.
          </p>
          {health.value.findings.length === 0 ? (
            <p>Nothing to look at.</p>
          ) : (
            <ul className="findings">
              {health.value.findings.map((finding) => (
                <li key={finding.kind}>
                  <p>
                    <strong>
                      {finding.detail[0].toUpperCase()}
                      {finding.detail.slice(1)} ({finding.count})
                    </strong>
                  </p>
                  <p>{(finding as { advice?: string }).advice}</p>
                  {finding.examples.length > 0 && <p className="muted">For example: {finding.examples.join(', ')}</p>}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Section>
  );
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
