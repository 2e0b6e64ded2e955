// The room screen's layout: the stage, its prompt and a large timer with a progress ring, then
// what the room has made so far (RoomBoard). Large type, high contrast, nothing to edit.
import { readSettings } from '../../../shared/schema';
import { REVIEW_PROMPT, currentStageOf, readEngineState, usualStageIndex } from '../../../shared/stages';
import { timerView } from '../../../shared/timer';
import { stagePrompt } from '../../../shared/templates';
import { useSession } from '../../sync/SessionContext';
import { useYSnapshot } from '../../sync/useYjs';
import { useServerNow } from '../../sync/clock';
import { ConnectionBadge } from '../../workshop/ConnectionBadge';
import { RoomBoard } from './RoomBoard';
import { TimerRing } from './TimerRing';
import { useEndSound } from './endSound';
import './room.css';

export function RoomScreen() {
  const session = useSession();
  const state = useYSnapshot(session.control, readEngineState);
  const settings = useYSnapshot(session.control, readSettings);
  const view = timerView(state, useServerNow());
  const current = state.current;
  const stage = currentStageOf(state);
  const usual = usualStageIndex(state);
  const sound = useEndSound(settings.endSound, current, view.phase);
  return (
    <div className={`room room-${view.phase}`} data-stage={stage.key}>
      <header className="room-head">
        <p className="room-workshop">{settings.title}</p>
        {settings.endSound &&
          (sound.ready ? (
            <p className="room-sound">Sound on when time is up</p>
          ) : (
            // A browser plays sound only after a gesture on the page: asked once.
            <button type="button" className="room-sound-button" onClick={sound.enable}>
              Enable sound
            </button>
          ))}
        <ConnectionBadge />
      </header>
      <main className="room-main">
        <section aria-label="Stage" className="room-stage">
          <p className="room-step">
            Stage {current + 1} of {state.stages.length}
          </p>
          <h1 className="room-stage-title">{stage.title}</h1>
          <p className="room-prompt">{usual < 0 ? REVIEW_PROMPT : stagePrompt(settings.template, usual)}</p>
        </section>
        <TimerRing view={view} />
        <section aria-label="Board" className="room-board">
          {stage.key === 'review' ? <p className="room-empty">Reviewing the previous workshop's decisions.</p> : <RoomBoard stage={stage.key} />}
        </section>
      </main>
    </div>
  );
}
