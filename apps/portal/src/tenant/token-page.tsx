import { useState } from 'react';
import { api, csrfHeader, data } from '../api/client';
import { useLoad } from '../api/use-load';
import { ErrorMessage, formatTime, Loading } from '../components/feedback';
import { Page, Section } from '../components/page';
import { isActive, TokenIssuer } from './token-issuer';
import { useTenantScope } from './tenant-scope';

/** The provisioning tokens: generate or rotate one, see each with its dates, revoke one at once. */
export function TokenPage() {
  const { tenant, query } = useTenantScope();
  const tokens = useLoad(() => data(api.GET('/portal/api/v1/tokens', { params: { query } })), tenant.id);
  const [failure, setFailure] = useState<Error>();
  const revoke = async (id: string) => {
    setFailure(undefined);
    try {
      await data(api.DELETE('/portal/api/v1/tokens/{tokenId}', { params: { path: { tokenId: id }, query, header: csrfHeader() } }));
      tokens.reload();
    } catch (error) {
      setFailure(error as Error);
    }
  };
  return (
    <Page title="Token" lead="Your identity provider authenticates with a bearer token. It is shown once when generated; only a fingerprint is kept.">
      <Section title="Generate or rotate">
        <TokenIssuer onIssued={tokens.reload} />
      </Section>
      <Section title="Tokens">
        {failure && <ErrorMessage error={failure} what="revoke the token" />}
        {tokens.error && !tokens.value && <ErrorMessage error={tokens.error} what="load the tokens" />}
        {!tokens.value ? (
          <Loading what="tokens" />
        ) : tokens.value.items.length === 0 ? (
          <p>No token yet.</p>
        ) : (
          <table>
            <caption className="visually-hidden">Provisioning tokens, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Token</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
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
                  <td>{formatTime(token.createdAt)}</td>
                  <td>{formatTime(token.lastUsedAt)}</td>
                  <td>{token.expiresAt ? formatTime(token.expiresAt) : 'never'}</td>
                  <td>{isActive(token) ? (token.revokedAt ? `ends ${formatTime(token.revokedAt)}` : 'in use') : 'revoked'}</td>
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
    </Page>
  );
}
