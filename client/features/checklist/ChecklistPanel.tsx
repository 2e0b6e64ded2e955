// The Ship-It checklist: always visible, computed live from the board and the ranking (never
// ticked by hand). The rules are in shared/checklist.ts.
import { useDeferredValue, useMemo } from 'react';
import { topIdsOf } from '../../../shared/ranking';
import { CHECKLIST_ITEMS, checklistGaps } from '../../../shared/checklist';
import { useSession } from '../../sync/SessionContext';
import { useRanking } from '../prioritization/usePrioritization';
import './checklist.css';

export function ChecklistPanel() {
  const session = useSession();
  // Beside the board: it follows a change in a transition, after the urgent render.
  const { board, ranking } = useDeferredValue(useRanking(session));
  const gaps = useMemo(() => checklistGaps(board, topIdsOf(ranking)), [board, ranking]);
  const done = CHECKLIST_ITEMS.filter((i) => gaps[i.key] === '').length;
  return (
    <section aria-label="Ship-It checklist" className="panel checklist">
      <h2>Ship-It checklist</h2>
      <p className="checklist-count" aria-live="polite">
        {done} of {CHECKLIST_ITEMS.length} done
      </p>
      <ul>
        {CHECKLIST_ITEMS.map((item) => {
          const isDone = gaps[item.key] === '';
          return (
            <li key={item.key} className={isDone ? 'is-done' : 'is-open'} data-key={item.key} data-done={isDone}>
              <span className="checklist-mark" aria-hidden="true">
                {isDone ? '✓' : '○'}
              </span>
              <span className="checklist-text">
                <span className="checklist-label">{item.label}</span>
                <span className="visually-hidden">{isDone ? ': done' : ': not done'}</span>
                {!isDone && <span className="checklist-gap">{gaps[item.key]}</span>}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
