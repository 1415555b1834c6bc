import { useId, useState } from 'react';

/** A value the IT admin pastes into their identity provider: shown whole, selectable, with a copy button. */
export function CopyField({ label, value, secret = false }: { label: string; value: string; secret?: boolean }) {
  const id = useId();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // No clipboard permission (an embedded frame, an old browser): select the text for Ctrl+C instead.
      (document.getElementById(id) as HTMLInputElement | null)?.select();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2500);
  };
  return (
    <div className={`copy-field${secret ? ' secret' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input id={id} value={value} readOnly spellCheck={false} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={() => void copy()} aria-describedby={id}>
          Copy
        </button>
      </div>
      <span className="copy-status" role="status" aria-live="polite">
        {copied ? `${label} copied` : ''}
      </span>
    </div>
  );
}
