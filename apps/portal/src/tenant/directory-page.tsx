import { useId, useState, type FormEvent } from 'react';
import { api, data } from '../api/client';
import { useLoad } from '../api/use-load';
import { ErrorMessage, formatTime, Loading } from '../components/feedback';
import { Page } from '../components/page';
import { Link } from '../router';
import { useTenantScope } from './tenant-scope';

type View = 'users' | 'groups' | 'deleted';

/** The tenant's directory as the identity provider made it: learners, groups, deleted learners. */
export function DirectoryPage({ view }: { view: View }) {
  const { prefix } = useTenantScope();
  const tabs: [View, string, string][] = [
    ['users', 'Learners', 'directory'],
    ['groups', 'Groups', 'directory/groups'],
    ['deleted', 'Deleted learners', 'directory/deleted'],
  ];
  return (
    <Page title="Directory" lead="Check that the learners and groups your identity provider sends arrive, and stay up to date.">
      <nav className="subnav" aria-label="Directory">
        {tabs.map(([key, label, path]) => (
          <Link key={key} to={prefix + path} current={view === key}>
            {label}
          </Link>
        ))}
      </nav>
      {view === 'users' && <Users />}
      {view === 'groups' && <Groups />}
      {view === 'deleted' && <Deleted />}
    </Page>
  );
}

/** Cursor paging with a way back: the cursors of the pages before this one. */
function usePages() {
  const [cursors, setCursors] = useState<string[]>(['']);
  const cursor = cursors[cursors.length - 1];
  return {
    cursor,
    page: cursors.length,
    next: (nextCursor: string) => setCursors([...cursors, nextCursor]),
    previous: () => setCursors(cursors.slice(0, -1)),
    reset: () => setCursors(['']),
  };
}

function Users() {
  const { tenant, query, prefix } = useTenantScope();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<'' | 'active' | 'deactivated'>('');
  const [applied, setApplied] = useState({ search: '', status: '' as '' | 'active' | 'deactivated' });
  const pages = usePages();
  const searchId = useId();
  const statusId = useId();
  const users = useLoad(
    () =>
      data(
        api.GET('/portal/api/v1/users', {
          params: {
            query: {
              ...query,
              ...(applied.search ? { search: applied.search } : {}),
              ...(applied.status ? { status: applied.status } : {}),
              limit: 25,
              ...(pages.cursor ? { cursor: pages.cursor } : {}),
            },
          },
        }),
      ),
    `${tenant.id}|${applied.search}|${applied.status}|${pages.cursor}`,
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // The same search again looks again (the identity provider may have changed something meanwhile).
    if (applied.search === search.trim() && applied.status === status && pages.page === 1) users.reload();
    setApplied({ search: search.trim(), status });
    pages.reset();
  };
  return (
    <section aria-labelledby="learners-title">
      <h2 id="learners-title">Learners</h2>
      <form className="search" onSubmit={submit} role="search" aria-label="Learners">
        <div className="field">
          <label htmlFor={searchId}>userName, e-mail or name starts with</label>
          <input id={searchId} type="search" value={search} maxLength={100} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={statusId}>Status</label>
          <select id={statusId} value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            <option value="">All</option>
            <option value="active">Active</option>
            <option value="deactivated">Deactivated</option>
          </select>
        </div>
        <button type="submit">Search</button>
      </form>
      {users.error && <ErrorMessage error={users.error} what="load the learners" />}
      {!users.value ? (
        !users.error && <Loading what="learners" />
      ) : (
        <>
          <p role="status">
            {users.value.totalResults.toLocaleString('en')}
            {users.value.totalIsLowerBound ? '+' : ''} learner{users.value.totalResults === 1 && !users.value.totalIsLowerBound ? '' : 's'}
            {applied.search ? ` matching "${applied.search}"` : ''}
            {pages.page > 1 ? `, page ${pages.page}` : ''}.
          </p>
          {users.value.items.length > 0 && (
            <div className="table-scroll">
              <table>
                <caption className="visually-hidden">Learners</caption>
                <thead>
                  <tr>
                    <th scope="col">userName</th>
                    <th scope="col">Name</th>
                    <th scope="col">E-mail</th>
                    <th scope="col">Status</th>
                    <th scope="col">External ID</th>
                    <th scope="col">Last change</th>
                  </tr>
                </thead>
                <tbody>
                  {users.value.items.map((user) => (
                    <tr key={user.id}>
                      <th scope="row">
                        <Link to={`${prefix}directory/users/${user.id}`}>{user.userName}</Link>
                      </th>
                      <td>{user.name ?? user.displayName ?? '—'}</td>
                      <td>{user.email ?? '—'}</td>
                      <td>
                        <span className={user.active ? 'pill ok' : 'pill off'}>{user.active ? 'Active' : 'Deactivated'}</span>
                      </td>
                      <td>{user.externalId ?? <span className="muted">none</span>}</td>
                      <td>{formatTime(user.updatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager page={pages.page} onPrevious={pages.previous} next={users.value.nextCursor} onNext={pages.next} />
        </>
      )}
    </section>
  );
}

function Pager({ page, onPrevious, next, onNext }: { page: number; onPrevious: () => void; next: string | null; onNext: (cursor: string) => void }) {
  if (page === 1 && !next) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" className="secondary" onClick={onPrevious} disabled={page === 1}>
        Previous page
      </button>
      <button type="button" className="secondary" onClick={() => next && onNext(next)} disabled={!next}>
        Next page
      </button>
    </nav>
  );
}

function Groups() {
  const { tenant, query, prefix } = useTenantScope();
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState('');
  const pages = usePages();
  const searchId = useId();
  const groups = useLoad(
    () =>
      data(
        api.GET('/portal/api/v1/groups', {
          params: { query: { ...query, ...(applied ? { search: applied } : {}), limit: 25, ...(pages.cursor ? { cursor: pages.cursor } : {}) } },
        }),
      ),
    `${tenant.id}|${applied}|${pages.cursor}`,
  );
  return (
    <section aria-labelledby="groups-title">
      <h2 id="groups-title">Groups</h2>
      <form
        className="search"
        role="search"
        aria-label="Groups"
        onSubmit={(event) => {
          event.preventDefault();
          if (applied === search.trim() && pages.page === 1) groups.reload();
          setApplied(search.trim());
          pages.reset();
        }}
      >
        <div className="field">
          <label htmlFor={searchId}>Name starts with</label>
          <input id={searchId} type="search" value={search} maxLength={100} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <button type="submit">Search</button>
      </form>
      {groups.error && <ErrorMessage error={groups.error} what="load the groups" />}
      {!groups.value ? (
        !groups.error && <Loading what="groups" />
      ) : (
        <>
          <p role="status">
            {groups.value.totalResults} group{groups.value.totalResults === 1 ? '' : 's'}.
          </p>
          {groups.value.items.length > 0 && (
            <table>
              <caption className="visually-hidden">Groups</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Members</th>
                  <th scope="col">External ID</th>
                  <th scope="col">Last change</th>
                </tr>
              </thead>
              <tbody>
                {groups.value.items.map((group) => (
                  <tr key={group.id}>
                    <th scope="row">
                      <Link to={`${prefix}directory/groups/${group.id}`}>{group.displayName}</Link>
                    </th>
                    <td>{group.memberCount}</td>
                    <td>{group.externalId ?? '—'}</td>
                    <td>{formatTime(group.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <Pager page={pages.page} onPrevious={pages.previous} next={groups.value.nextCursor} onNext={pages.next} />
        </>
      )}
    </section>
  );
}

function Deleted() {
  const { tenant, query } = useTenantScope();
  const deleted = useLoad(() => data(api.GET('/portal/api/v1/deleted-users', { params: { query: { ...query, limit: 50 } } })), tenant.id);
  return (
    <section aria-labelledby="deleted-title">
      <h2 id="deleted-title">Deleted learners</h2>
      <p>Learners your identity provider deleted. Support can restore one until it is purged.</p>
      {deleted.error && <ErrorMessage error={deleted.error} what="load the deleted learners" />}
      {!deleted.value ? (
        !deleted.error && <Loading what="deleted learners" />
      ) : deleted.value.items.length === 0 ? (
        <p>None.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Deleted learners</caption>
          <thead>
            <tr>
              <th scope="col">userName</th>
              <th scope="col">External ID</th>
              <th scope="col">Deleted</th>
              <th scope="col">Purged after</th>
            </tr>
          </thead>
          <tbody>
            {deleted.value.items.map((user) => (
              <tr key={user.id}>
                <th scope="row">{user.userName}</th>
                <td>{user.externalId ?? '—'}</td>
                <td>{formatTime(user.deletedAt)}</td>
                <td>{formatTime(user.purgeAfter)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
