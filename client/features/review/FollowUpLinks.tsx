// The follow-up's three links, shown to the facilitator who just started it, as at creation
// (SPEC 4): kept in this tab's sessionStorage across the navigation, gone once dismissed.
import { useState } from 'react';
import type { Role } from '../../../shared/constants';
import { LinkRow, ROLE_LABELS } from '../../landing/Landing';
import { forgetLinks, readLinks } from './followUpLinks';

export function FollowUpLinks({ workshopId }: { workshopId: string }) {
  const [links, setLinks] = useState(() => readLinks(workshopId));
  if (!links) return null;
  return (
    <section aria-label="Workshop links" className="card follow-up-links">
      <h2>Your follow-up is ready</h2>
      <p className="muted">A new workshop with new links: share the participant and observer links for it.</p>
      <ul className="links">
        {(Object.keys(ROLE_LABELS) as Role[]).map((role) => (
          <li key={role}>
            <LinkRow label={ROLE_LABELS[role]} role={role} url={links[role]} />
          </li>
        ))}
      </ul>
      <button
        type="button"
        onClick={() => {
          forgetLinks(workshopId);
          setLinks(null);
        }}
      >
        Done
      </button>
    </section>
  );
}
