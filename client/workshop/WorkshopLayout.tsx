// The workshop screen. Feature panels plug in here; each lives in its own folder under features/.
import { useEffect } from 'react';
import type { SessionInfo } from '../api';
import { STAGES } from '../../shared/constants';
import { readCurrentStageKey } from '../../shared/stages';
import { useSession } from '../sync/SessionContext';
import { useYSnapshot } from '../sync/useYjs';
import { ConnectionBadge } from './ConnectionBadge';
import { attachDrafts } from '../state/drafts';
import { DeleteWorkshop } from './DeleteWorkshop';
import { LeaveWorkshop } from './LeaveWorkshop';
import { ParticipantsPanel } from '../presence/ParticipantsPanel';
import { StagesPanel } from '../features/stages/StagesPanel';
import { StageTimer } from '../features/stages/TimerPanel';
import { WritingProgress } from '../features/stages/WritingProgress';
import { PresentButton } from '../features/room/PresentButton';
import { StageOneTwo } from '../features/board/StageOneTwo';
import { StageThreeToFive } from '../features/prioritization/StageThreeToFive';
import { ChecklistPanel } from '../features/checklist/ChecklistPanel';
import { DecisionLogPanel } from '../features/decision-log/DecisionLogPanel';
import { HistoryPanel } from '../features/history/HistoryPanel';
import { ensureBoardServices } from '../features/board/boardServices';
import { GrowthScenarios } from '../features/plan/GrowthScenarios';
import { RoadmapPanel } from '../features/plan/RoadmapPanel';
import { ReviewPanel } from '../features/review/ReviewPanel';
import { StartFollowUp } from '../features/review/StartFollowUp';

export function WorkshopLayout({ info }: { info: SessionInfo }) {
  const session = useSession();
  // Publishing silently written notes after Reveal and repairing concurrent merges run for the
  // whole session, whatever stage it joined at.
  useEffect(() => ensureBoardServices(session), [session]);
  // Unsent drafts survive a reload, offline too (SPEC 10), per workshop.
  useEffect(() => attachDrafts(session.workshopId), [session.workshopId]);
  const stage = useYSnapshot(session.control, readCurrentStageKey);
  // Position among the usual five stages; -1 during a follow-up's Review (SPEC 8).
  const current = STAGES.findIndex((s) => s.key === stage);
  const isFacilitator = info.role === 'facilitator';
  return (
    <div className="workshop">
      {/* Sticky: the stage's name and its timer stay in view while the work scrolls. */}
      <header className="topbar">
        <div className="topbar-main">
          <h1>{info.title}</h1>
          <span className="role-badge">{info.role}</span>
          <ConnectionBadge />
          {isFacilitator && <PresentButton />}
        </div>
        <StageTimer />
      </header>
      <div className="workspace">
        <main className="main-area">
          <StagesPanel />
          {isFacilitator && current === 0 && <WritingProgress />}
          <section aria-label="Board" className="panel board" data-stage={stage}>
            {stage === 'review' ? <ReviewPanel /> : current <= 1 ? <StageOneTwo stage={stage} /> : <StageThreeToFive stage={stage} />}
          </section>
          {/* The scaling plan (SPEC 7): the roadmap once approaches and phases are decided, the growth models throughout. */}
          {current >= 3 && <RoadmapPanel />}
          <GrowthScenarios />
          <DecisionLogPanel />
          {/* SPEC 8: who changed what, for the facilitator (who can restore) and observers. */}
          {info.role !== 'participant' && <HistoryPanel />}
        </main>
        <aside className="sidebar">
          <ParticipantsPanel />
          <ChecklistPanel />
          {/* Rare and for good: out of the sticky header, after the log it asks to export first. */}
          <div className="sidebar-actions">
            {/* After the workshop (SPEC 8): beside the other actions, so it never pushes the board down. */}
            {isFacilitator && <StartFollowUp />}
            <LeaveWorkshop />
            {isFacilitator && <DeleteWorkshop title={info.title} />}
          </div>
        </aside>
      </div>
    </div>
  );
}
