import { useState } from 'react';
import { api, data } from '../api/client';
import { useLoad } from '../api/use-load';
import { ErrorMessage, formatTime, Loading } from '../components/feedback';
import { Page, Section } from '../components/page';

/** The keys that sign provisioning events, and their rotation (the old keys stay published for the overlap). */
export function KeysPage() {
  const keys = useLoad(() => data(api.GET('/admin/v1/signing-keys')), 'keys');
  const [failure, setFailure] = useState<Error>();
  const rotate = async () => {
    setFailure(undefined);
    try {
      await data(api.POST('/admin/v1/signing-keys/rotate', { body: { overlapSeconds: 86_400 } }));
      keys.reload();
    } catch (error) {
      setFailure(error as Error);
    }
  };
  return (
    <Page title="Signing keys" lead="The ES256 keys that sign provisioning events (published at /.well-known/jwks.json).">
      <Section title="Keys">
        <button type="button" onClick={() => void rotate()}>
          Rotate the signing key
        </button>
        {failure && <ErrorMessage error={failure} what="rotate the key" />}
        {!keys.value ? (
          keys.error ? (
            <ErrorMessage error={keys.error} what="load the keys" />
          ) : (
            <Loading what="keys" />
          )
        ) : (
          <table>
            <caption className="visually-hidden">Signing keys</caption>
            <thead>
              <tr>
                <th scope="col">Key id</th>
                <th scope="col">Created</th>
                <th scope="col">Retires</th>
                <th scope="col">Signs new events</th>
              </tr>
            </thead>
            <tbody>
              {keys.value.items.map((key) => (
                <tr key={key.kid}>
                  <th scope="row">
                    <code>{key.kid}</code>
                  </th>
                  <td>{formatTime(key.createdAt)}</td>
                  <td>{key.retiresAt ? formatTime(key.retiresAt) : '—'}</td>
                  <td>{key.active ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </Page>
  );
}
