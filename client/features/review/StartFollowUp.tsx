// `Start follow-up` in the facilitator's stage controls (SPEC 8): enabled once the workshop has
// decisions, or from stage 5 on (the server checks the same rule). The facilitator is taken to the
// new workshop, where its three links are shown as at creation (FollowUpLinks).
import { useState } from 'react';
import { canStartFollowUp } from '../../../shared/followUp';
import { readEngineState } from '../../../shared/stages';
import { useSession } from '../../sync/SessionContext';
import { useYSnapshot } from '../../sync/useYjs';
import { useRanking } from '../prioritization/usePrioritization';
import { keepLinks, startFollowUp } from './followUpLinks';

export function StartFollowUp() {
  const session = useSession();
  const engine = useYSnapshot(session.control, readEngineState);
  const { ranking } = useRanking(session);
  const decisions = ranking.filter((r) => r.top).length;
  const enabled = canStartFollowUp(decisions, engine);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function start() {
    setBusy(true);
    setError(null);
    try {
      const created = await startFollowUp(session.workshopId, session.token);
      keepLinks(created);
      window.location.assign(created.links.facilitator);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  return (
    <>
      <button
        type="button"
        disabled={!enabled || busy}
        aria-busy={busy}
        title={enabled ? 'A new workshop, with new links, that starts by reviewing these decisions' : 'Once the workshop has decisions, or from stage 5 on'}
        onClick={() => void start()}
      >
        Start follow-up
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </>
  );
}
