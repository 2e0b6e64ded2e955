// The workshop screen. Feature panels plug in here; each lives in its own folder under features/.
import { useEffect } from 'react';
import type { SessionInfo } from '../api';
import { STAGES } from '../../shared/constants';
import { readCurrentStage } from '../../shared/schema';
import { useSession } from '../sync/SessionContext';
import { useYSnapshot } from '../sync/useYjs';
import { ConnectionBadge } from './ConnectionBadge';
import { DeleteWorkshop } from './DeleteWorkshop';
import { ParticipantsPanel } from '../presence/ParticipantsPanel';
import { StagesPanel } from '../features/stages/StagesPanel';
import { StageOneTwo } from '../features/board/StageOneTwo';
import { StageThreeToFive } from '../features/prioritization/StageThreeToFive';
import { ChecklistPanel } from '../features/checklist/ChecklistPanel';
import { DecisionLogPanel } from '../features/decision-log/DecisionLogPanel';
import { ensureBoardServices } from '../features/board/boardServices';

export function WorkshopLayout({ info }: { info: SessionInfo }) {
  const session = useSession();
  // Publishing silently written notes after Reveal and repairing concurrent merges run for the
  // whole session, whatever stage it joined at.
  useEffect(() => ensureBoardServices(session), [session]);
  const current = useYSnapshot(session.control, readCurrentStage);
  const stage = STAGES[current]!.key;
  return (
    <div className="workshop">
      <header className="topbar">
        <h1>{info.title}</h1>
        <span className="role-badge">{info.role}</span>
        <ConnectionBadge />
        {info.role === 'facilitator' && <DeleteWorkshop title={info.title} />}
      </header>
      <StagesPanel />
      <div className="workspace">
        <main className="main-area">
          <section aria-label="Board" className="panel board" data-stage={stage}>
            {current <= 1 ? <StageOneTwo stage={stage} /> : <StageThreeToFive stage={stage} />}
          </section>
          <DecisionLogPanel />
        </main>
        <aside className="sidebar">
          <ParticipantsPanel />
          <ChecklistPanel />
        </aside>
      </div>
    </div>
  );
}
