// Stage 2: the impacts of one bottleneck. Each impact is a category (SPEC), a magnitude 1–5 and
// an optional line of evidence; a bottleneck without any impact is flagged.
import { memo, useId } from 'react';
import { IMPACT_CATEGORIES, type ImpactCategory } from '../../../shared/constants';
import { impactTitle } from '../../../shared/log/format';
import type { Impact, Note } from '../../../shared/schema';
import { addImpact, removeImpact, updateImpact } from '../../../shared/commands/impacts';
import { useBoardEnv } from './boardContext';
import { draftKeys, useDraftField } from '../../state/drafts';
import { serverClock } from '../../sync/clock';
import { shorten } from '../../text';
import { MAX_EVIDENCE } from '../../../shared/limits';
import { firstFocusable, neighbourOf, refocus } from '../../focus';

const MAGNITUDES = [1, 2, 3, 4, 5] as const;

export const ImpactList = memo(function ImpactList({ note, impacts }: { note: Note; impacts: Impact[] }) {
  const env = useBoardEnv();
  const { session, access } = env;
  function add() {
    // A new impact starts on the first category this bottleneck has no impact in yet.
    const used = new Set(impacts.map((i) => i.category));
    const category = IMPACT_CATEGORIES.find((c) => !used.has(c.key))?.key ?? 'revenue';
    addImpact(session.board, { noteId: note.id, category, magnitude: 3, now: serverClock.now() });
  }
  return (
    <div className="impacts" role="group" aria-label={`Impacts of ${shorten(note.text, 50)}`}>
      {impacts.length === 0 ? (
        <p className="impact-flag">
          <span aria-hidden="true">⚑ </span>No impact yet
        </p>
      ) : (
        <ul className="impact-list">
          {impacts.map((impact, i) => (
            <li key={impact.id}>
              <ImpactEditor impact={impact} position={i + 1} readOnly={!access.canWrite} />
            </li>
          ))}
        </ul>
      )}
      {access.canWrite && (
        <button type="button" className="add-impact" onClick={add}>
          Add impact
        </button>
      )}
    </div>
  );
});

export const ImpactEditor = memo(function ImpactEditor({ impact, position, readOnly }: { impact: Impact; position: number; readOnly: boolean }) {
  const env = useBoardEnv();
  const board = env.session.board;
  const id = useId();
  // Evidence is committed when the field is left or Enter is pressed, not per keystroke.
  const evidence = useDraftField(draftKeys.evidence(impact.id), impact.evidence, (text) =>
    updateImpact(board, { id: impact.id, evidence: text.trim() }),
  );
  if (readOnly) {
    return (
      <p className="impact-readonly">
        {impactTitle(impact.category)} · magnitude {impact.magnitude} of 5{impact.evidence ? ` · ${impact.evidence}` : ''}
      </p>
    );
  }
  function remove(button: HTMLElement) {
    // Focus goes to the next impact of this bottleneck (or the one before), else to Add impact.
    const item = button.closest('li');
    const next = neighbourOf(item, 'li') ?? button.closest('.impacts')?.querySelector('.add-impact') ?? null;
    removeImpact(board, { id: impact.id });
    refocus(() => firstFocusable(next?.isConnected ? next : null));
  }
  return (
    <fieldset className="impact-editor">
      <legend className="visually-hidden">Impact {position}</legend>
      <label htmlFor={`${id}-cat`}>Impact category</label>
      <select id={`${id}-cat`} value={impact.category} onChange={(e) => updateImpact(board, { id: impact.id, category: e.target.value as ImpactCategory })}>
        {IMPACT_CATEGORIES.map((c) => (
          <option key={c.key} value={c.key}>
            {c.title}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-mag`}>Magnitude</label>
      <select id={`${id}-mag`} value={impact.magnitude} onChange={(e) => updateImpact(board, { id: impact.id, magnitude: Number(e.target.value) })}>
        {MAGNITUDES.map((m) => (
          <option key={m} value={m}>
            {m} of 5
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-ev`}>Evidence</label>
      <input id={`${id}-ev`} {...evidence} maxLength={MAX_EVIDENCE} placeholder="e.g. 12% of trials drop at step 3" />
      <button type="button" className="danger" onClick={(e) => remove(e.currentTarget)}>
        Remove impact
      </button>
    </fieldset>
  );
});
