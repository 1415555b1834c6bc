import { useEffect, useState } from 'react';
import { api, ApiError, csrfHeader, data, rememberCsrfToken, type Schemas } from './api/client';
import { useLoad } from './api/use-load';
import { BrandingContext } from './components/branding';
import { ErrorMessage, Loading } from './components/feedback';
import { Page } from './components/page';
import { KeysPage } from './operator/keys-page';
import { ManagePage } from './operator/manage-page';
import { SignInPage } from './operator/sign-in-page';
import { TenantsPage } from './operator/tenants-page';
import { Link, useRouter } from './router';
import { ActivityPage } from './tenant/activity-page';
import { AttributesPage } from './tenant/attributes-page';
import { DirectoryPage } from './tenant/directory-page';
import { GroupPage } from './tenant/group-page';
import { SetupPage } from './tenant/setup-page';
import { TenantScopeContext, type PortalTenant, type TenantScope } from './tenant/tenant-scope';
import { TokenPage } from './tenant/token-page';
import { UserPage } from './tenant/user-page';

type Session = Schemas['PortalSession'];

/** The portal: who is signed in decides what it shows — a customer's tenant, or the operator's console. */
export function App() {
  const session = useLoad(async () => {
    try {
      return await data(api.GET('/portal/api/v1/session'));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  }, 'session');
  useEffect(() => rememberCsrfToken(session.value?.csrfToken), [session.value]);
  const branding = session.value?.branding ?? { productName: 'Roster', logoUrl: null, accentColor: '#2459c4' };
  return (
    <BrandingContext.Provider value={branding}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Header session={session.value ?? undefined} onSignedOut={session.reload} />
      <main id="main">
        {session.error ? (
          <ErrorMessage error={session.error} what="reach Roster" />
        ) : session.value === undefined ? (
          <Loading what="the portal" />
        ) : session.value === null ? (
          <SignInPage onSignedIn={session.reload} />
        ) : session.value.kind === 'tenant' && session.value.tenant ? (
          <TenantPages scope={{ tenant: session.value.tenant, query: {}, prefix: '', operator: false }} onChanged={session.reload} />
        ) : (
          <OperatorPages />
        )}
      </main>
    </BrandingContext.Provider>
  );
}

function Header({ session, onSignedOut }: { session?: Session; onSignedOut: () => void }) {
  const [failure, setFailure] = useState<Error>();
  const branding = session?.branding;
  const signOut = async () => {
    try {
      await data(api.DELETE('/portal/api/v1/session', { params: { header: csrfHeader() } }));
      rememberCsrfToken(undefined);
      window.history.pushState(null, '', '/portal/');
      onSignedOut();
    } catch (error) {
      setFailure(error as Error);
    }
  };
  return (
    <header className="top">
      <div className="brand">
        {branding?.logoUrl && <img src={branding.logoUrl} alt="" className="logo" />}
        <span className="product">{branding?.productName ?? 'Roster'}</span>
        <span className="area">SCIM setup</span>
      </div>
      {session && (
        <div className="who">
          <span>{session.kind === 'operator' ? 'Support' : session.tenant?.name}</span>
          <button type="button" className="secondary small" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      )}
      {failure && <ErrorMessage error={failure} what="sign out" />}
    </header>
  );
}

const TENANT_NAV: [string, string][] = [
  ['setup', 'Set up'],
  ['token', 'Token'],
  ['attributes', 'Attributes'],
  ['directory', 'Directory'],
  ['activity', 'Activity'],
];

/** A tenant's pages, for its IT admin (at /portal/…) or the operator (at /portal/tenants/<id>/…). */
function TenantPages({ scope, rest, onChanged }: { scope: TenantScope; rest?: string; onChanged: () => void }) {
  const { path } = useRouter();
  const page = rest ?? path;
  const section = page.split('/')[0] || 'setup';
  return (
    <TenantScopeContext.Provider value={scope}>
      <nav className="mainnav" aria-label={scope.operator ? `${scope.tenant.name}` : 'Portal'}>
        {scope.operator && <Link to="tenants">All tenants</Link>}
        {scope.operator && (
          <Link to={`${scope.prefix}manage`} current={section === 'manage'}>
            Manage
          </Link>
        )}
        {TENANT_NAV.map(([to, label]) => (
          <Link key={to} to={scope.prefix + to} current={section === to}>
            {label}
          </Link>
        ))}
      </nav>
      <TenantPage page={page} onChanged={onChanged} />
    </TenantScopeContext.Provider>
  );
}

function TenantPage({ page, onChanged }: { page: string; onChanged: () => void }) {
  const parts = page.split('/');
  switch (parts[0]) {
    case '':
    case 'setup':
      return <SetupPage />;
    case 'token':
      return <TokenPage />;
    case 'attributes':
      return <AttributesPage />;
    case 'activity':
      return <ActivityPage />;
    case 'manage':
      return <ManagePage onChanged={onChanged} />;
    case 'directory':
      if (parts[1] === 'users' && parts[2]) return <UserPage id={parts[2]} />;
      if (parts[1] === 'groups' && parts[2]) return <GroupPage id={parts[2]} />;
      return <DirectoryPage view={parts[1] === 'groups' ? 'groups' : parts[1] === 'deleted' ? 'deleted' : 'users'} />;
    default:
      return <NotFound />;
  }
}

/** The operator's console: every tenant, one tenant's pages, the signing keys. */
function OperatorPages() {
  const { path } = useRouter();
  const parts = path.split('/');
  if (parts[0] === 'tenants' && parts[1]) return <OperatorTenant id={parts[1]} rest={parts.slice(2).join('/') || 'manage'} />;
  return (
    <>
      <nav className="mainnav" aria-label="Support">
        <Link to="tenants" current={parts[0] === '' || parts[0] === 'tenants'}>
          Tenants
        </Link>
        <Link to="keys" current={parts[0] === 'keys'}>
          Signing keys
        </Link>
      </nav>
      {parts[0] === 'keys' ? <KeysPage /> : parts[0] === '' || parts[0] === 'tenants' ? <TenantsPage /> : <NotFound />}
    </>
  );
}

function OperatorTenant({ id, rest }: { id: string; rest: string }) {
  const tenant = useLoad(() => data(api.GET('/admin/v1/tenants/{tenantId}', { params: { path: { tenantId: id } } })), id);
  if (tenant.error) return <ErrorMessage error={tenant.error} what="load the tenant" />;
  if (!tenant.value) return <Loading what="the tenant" />;
  const scoped: PortalTenant = {
    id: tenant.value.id,
    name: tenant.value.name,
    slug: tenant.value.slug,
    scimEnabled: tenant.value.scimEnabled,
    scimBaseUrl: tenant.value.scimBaseUrl,
  };
  return <TenantPages scope={{ tenant: scoped, query: { tenantId: id }, prefix: `tenants/${id}/`, operator: true }} rest={rest} onChanged={tenant.reload} />;
}

function NotFound() {
  return (
    <Page title="Page not found">
      <p>
        There is no such page. <Link to="">Go to the start</Link>.
      </p>
    </Page>
  );
}
