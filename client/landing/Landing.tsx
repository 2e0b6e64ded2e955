// The landing page: create a workshop and hand out the three role links.
import { useEffect, useState, type FormEvent } from 'react';
import { TEMPLATE_KEYS, type Role, type TemplateKey } from '../../shared/constants';
import { TEMPLATES } from '../../shared/templates';
import { createWorkshop, type CreatedWorkshop } from '../api';
import { clearNotice, readNotice } from '../state/notice';

export const ROLE_LABELS: Record<Role, string> = {
  facilitator: 'Facilitator link (keep it secret)',
  participant: 'Participant invite link',
  observer: 'Observer link (read-only)',
};

export function Landing() {
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  const [template, setTemplate] = useState<TemplateKey>('scaleup');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedWorkshop | null>(null);
  // Left by the page before (a workshop just deleted): shown once.
  const [notice] = useState(readNotice);
  useEffect(clearNotice, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setCreated(await createWorkshop(title, template));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="landing">
      <h1>Scaleboard</h1>
      <p className="lede">Run the 90-minute Product &amp; Platform Scaling workshop and leave with a decision log.</p>
      {notice && (
        <p role="status" className="card notice">
          {notice}
        </p>
      )}
      {!open && !created && (
        <button type="button" className="primary" onClick={() => setOpen(true)}>
          New workshop
        </button>
      )}
      {open && !created && (
        <form onSubmit={submit} className="card form">
          <label>
            Workshop title
            <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} autoFocus />
          </label>
          <label>
            Template
            <select value={template} onChange={(e) => setTemplate(e.target.value as TemplateKey)}>
              {TEMPLATE_KEYS.map((k) => (
                <option key={k} value={k}>
                  {TEMPLATES[k].title}
                </option>
              ))}
            </select>
          </label>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy}>
            Create workshop
          </button>
        </form>
      )}
      {created && (
        <section aria-label="Workshop links" className="card">
          <h2>Your workshop is ready</h2>
          <ul className="links">
            {(Object.keys(ROLE_LABELS) as Role[]).map((role) => (
              <li key={role}>
                <LinkRow label={ROLE_LABELS[role]} role={role} url={created.links[role]} />
              </li>
            ))}
          </ul>
          <a className="primary button" href={created.links.facilitator}>
            Open as facilitator
          </a>
        </section>
      )}
    </main>
  );
}

export function LinkRow({ label, role, url }: { label: string; role: Role; url: string }) {
  const [copied, setCopied] = useState(false);
  const id = `link-${role}`;
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <div className="link-row">
        <input id={id} readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
        <button
          type="button"
          onClick={async () => {
            await navigator.clipboard?.writeText(url).catch(() => undefined);
            setCopied(true);
          }}
        >
          {copied ? 'Copied' : `Copy ${role} link`}
        </button>
      </div>
    </>
  );
}
