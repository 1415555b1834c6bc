import { useId, useState, type FormEvent } from 'react';
import { api, data } from '../api/client';
import { useLoad } from '../api/use-load';
import { ErrorMessage, formatTime, Loading } from '../components/feedback';
import { Page, Section } from '../components/page';
import { Link, useRouter } from '../router';

/** Every tenant, and a new one: the operator's starting page. */
export function TenantsPage() {
  const tenants = useLoad(() => data(api.GET('/admin/v1/tenants')), 'tenants');
  const deployment = useLoad(() => data(api.GET('/health')), 'health', 10_000);
  const [name, setName] = useState('');
  const [failure, setFailure] = useState<Error>();
  const { go } = useRouter();
  const nameId = useId();
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(undefined);
    try {
      const tenant = await data(api.POST('/admin/v1/tenants', { body: { name: name.trim() } }));
      go(`tenants/${tenant.id}/manage`);
    } catch (error) {
      setFailure(error as Error);
    }
  };
  return (
    <Page title="Tenants" lead={deployment.value ? `Roster is ${deployment.value.status === 'ok' ? 'ready' : deployment.value.status}.` : undefined}>
      <Section title="New tenant">
        <form className="inline-form" onSubmit={(event) => void create(event)}>
          <div className="field">
            <label htmlFor={nameId}>Customer name</label>
            <input id={nameId} value={name} maxLength={200} required onChange={(e) => setName(e.target.value)} />
          </div>
          <button type="submit" disabled={!name.trim()}>
            Create tenant
          </button>
        </form>
        {failure && <ErrorMessage error={failure} what="create the tenant" />}
      </Section>
      <Section title="All tenants">
        {tenants.error && <ErrorMessage error={tenants.error} what="load the tenants" />}
        {!tenants.value ? (
          !tenants.error && <Loading what="tenants" />
        ) : tenants.value.items.length === 0 ? (
          <p>No tenant yet.</p>
        ) : (
          <table>
            <caption className="visually-hidden">Tenants</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Slug</th>
                <th scope="col">SCIM</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {tenants.value.items.map((tenant) => (
                <tr key={tenant.id}>
                  <th scope="row">
                    <Link to={`tenants/${tenant.id}/manage`}>{tenant.name}</Link>
                  </th>
                  <td>
                    <code>{tenant.slug}</code>
                  </td>
                  <td>
                    <span className={tenant.scimEnabled ? 'pill ok' : 'pill off'}>{tenant.scimEnabled ? 'enabled' : 'disabled'}</span>
                  </td>
                  <td>{formatTime(tenant.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </Page>
  );
}
