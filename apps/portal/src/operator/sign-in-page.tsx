import { useId, useState, type FormEvent } from 'react';
import { api, data } from '../api/client';
import { ErrorMessage } from '../components/feedback';
import { Page } from '../components/page';

/** The operator signs in with the admin token; a customer's IT admin is told to use their setup link. */
export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const id = useId();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFailure(undefined);
    try {
      await data(api.POST('/portal/api/v1/session', { body: { adminToken: token } }));
      setToken('');
      onSignedIn();
    } catch (error) {
      setFailure(error as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page
      title="Sign in"
      lead="Setting up provisioning for your organisation? Open the setup link you were given: it signs you in. This page is for support staff."
    >
      <form className="panel sign-in" onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor={id}>Admin token</label>
          <input id={id} type="password" autoComplete="current-password" value={token} required onChange={(e) => setToken(e.target.value)} />
        </div>
        {failure && <ErrorMessage error={failure} what="sign in" />}
        <button type="submit" disabled={busy || !token}>
          Sign in
        </button>
      </form>
    </Page>
  );
}
