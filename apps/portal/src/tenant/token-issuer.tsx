import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { api, csrfHeader, data, type Schemas } from '../api/client';
import { useLoad } from '../api/use-load';
import { CopyField } from '../components/copy-field';
import { ErrorMessage, formatTime, Loading, Notice } from '../components/feedback';
import { useTenantScope } from './tenant-scope';

type Token = Schemas['TokenMetadata'];

const OVERLAPS = [
  { seconds: 0, label: 'Stop the current token at once' },
  { seconds: 3600, label: 'Keep the current token working for 1 hour (while you paste the new one)' },
  { seconds: 86_400, label: 'Keep it working for 1 day' },
];

/**
 * Generating the provisioning token: shown once, with a copy button and a warning; replacing a token in use
 * asks first, and may keep the old one working a while so that provisioning does not stop while the admin
 * pastes the new one.
 */
export function TokenIssuer({ onIssued }: { onIssued?: () => void }) {
  const { tenant, query } = useTenantScope();
  const tokens = useLoad(() => data(api.GET('/portal/api/v1/tokens', { params: { query } })), tenant.id);
  const [confirming, setConfirming] = useState(false);
  const [overlap, setOverlap] = useState(0);
  const [issued, setIssued] = useState<Schemas['IssuedToken']>();
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const confirmHeading = useRef<HTMLHeadingElement>(null);
  const shown = useRef<HTMLDivElement>(null);
  const generate = useRef<HTMLButtonElement>(null);
  const [hidden, setHidden] = useState(false);
  // The button pressed is replaced: the focus goes to what replaced it (the token, then the button again).
  useEffect(() => {
    if (issued) shown.current?.focus();
  }, [issued]);
  useEffect(() => {
    if (hidden) generate.current?.focus();
  }, [hidden]);
  // The question that replaces the button takes the focus before it is painted: a timer could fire before the
  // question was rendered (under load it did), and the focus then stayed on the page.
  useLayoutEffect(() => {
    if (confirming) confirmHeading.current?.focus();
  }, [confirming]);
  const overlapName = useId();
  const active = (tokens.value?.items ?? []).filter(isActive);
  // Replacing a token no identity provider has used yet (the one a tenant is created with) breaks nothing:
  // only a token in use asks for confirmation and an overlap.
  const inUse = active.filter((token) => token.lastUsedAt);

  const issue = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      const token = await data(api.POST('/portal/api/v1/tokens', { params: { query, header: csrfHeader() }, body: { revokeOthersAfterSeconds: overlap } }));
      setIssued(token);
      setHidden(false);
      setConfirming(false);
      tokens.reload();
      onIssued?.();
    } catch (error) {
      setFailure(error as Error);
    } finally {
      setBusy(false);
    }
  };

  if (tokens.loading && !tokens.value) return <Loading what="tokens" />;
  if (tokens.error && !tokens.value) return <ErrorMessage error={tokens.error} what="load the tokens" />;
  return (
    <div className="token-issuer">
      {issued && (
        <div ref={shown} tabIndex={-1} className="focus-target">
          <Notice kind="warning" live>
            <p>
              <strong>Copy the token now: it will not be shown again.</strong> Only a fingerprint of it is kept. If you lose it, generate another.
            </p>
            <CopyField label="Bearer token" value={issued.token} secret />
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setIssued(undefined);
                setHidden(true);
              }}
            >
              I have copied it — hide the token
            </button>
          </Notice>
        </div>
      )}
      {!issued && active.length > 0 && inUse.length === 0 && (
        <p>A token was issued {formatTime(active[0].createdAt)} and has not been used yet: generating one replaces it.</p>
      )}
      {!issued && inUse.length > 0 && (
        <p>
          A token is in use: <code>{inUse[0].prefix}…</code>, created {formatTime(inUse[0].createdAt)}, last used {formatTime(inUse[0].lastUsedAt)}
          {inUse[0].revokedAt ? `, ends ${formatTime(inUse[0].revokedAt)}` : ''}.
        </p>
      )}
      {failure && <ErrorMessage error={failure} what="generate the token" />}
      {!confirming ? (
        <button
          ref={generate}
          type="button"
          onClick={() => {
            if (inUse.length) setConfirming(true);
            else void issue();
          }}
          disabled={busy}
        >
          {inUse.length ? 'Generate a new token…' : 'Generate token'}
        </button>
      ) : (
        <div className="confirm" role="group" aria-labelledby="replace-title">
          <h3 id="replace-title" ref={confirmHeading} tabIndex={-1}>
            Replace the token in use?
          </h3>
          <p>The new token replaces the current one: your identity provider must be given the new one.</p>
          <fieldset>
            <legend>The current token</legend>
            {OVERLAPS.map((option) => (
              <label key={option.seconds} className="radio">
                <input type="radio" name={overlapName} checked={overlap === option.seconds} onChange={() => setOverlap(option.seconds)} />
                {option.label}
              </label>
            ))}
          </fieldset>
          <div className="actions">
            <button type="button" onClick={() => void issue()} disabled={busy}>
              Replace the token
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

export function isActive(token: Token): boolean {
  const now = Date.now();
  return (!token.revokedAt || Date.parse(token.revokedAt) > now) && (!token.expiresAt || Date.parse(token.expiresAt) > now);
}
