import { api, data } from '../api/client';
import { useLoad } from '../api/use-load';
import { ErrorMessage, Loading } from '../components/feedback';
import { Page, Section } from '../components/page';
import { Link } from '../router';
import { useTenantScope } from './tenant-scope';

/** One group and its members, as the identity provider pushed it. */
export function GroupPage({ id }: { id: string }) {
  const { tenant, query, prefix } = useTenantScope();
  const loaded = useLoad(() => data(api.GET('/portal/api/v1/groups/{groupId}', { params: { path: { groupId: id }, query } })), `${tenant.id}|${id}`);
  if (loaded.error) return <ErrorMessage error={loaded.error} what="load the group" />;
  if (!loaded.value) return <Loading what="the group" />;
  const { group } = loaded.value;
  const members = (group.members ?? []) as { value: string; display?: string }[];
  return (
    <Page title={group.displayName ?? 'Group'} lead={<Link to={`${prefix}directory/groups`}>Back to the groups</Link>}>
      <Section title={`Members (${members.length})`}>
        {members.length === 0 ? (
          <p>No members.</p>
        ) : (
          <ul className="members">
            {members.map((member) => (
              <li key={member.value}>
                <Link to={`${prefix}directory/users/${member.value}`}>{member.display ?? member.value}</Link>
              </li>
            ))}
          </ul>
        )}
      </Section>
      {group.externalId && (
        <Section title="Identity provider's id">
          <p>
            <code>{group.externalId}</code>
          </p>
        </Section>
      )}
    </Page>
  );
}
