// The facilitator's notes for the current stage and template (shared/facilitation.ts): what to
// say, what to watch for, and time cues against the stage's planned minutes. Folded until opened,
// so it never pushes the work down.
import { useState } from 'react';
import type { TemplateKey } from '../../../shared/constants';
import { cueLabel, facilitationNotes } from '../../../shared/facilitation';

export function FacilitationNotes({ template, stage, plannedMs }: { template: TemplateKey; stage: number; plannedMs: number }) {
  const [open, setOpen] = useState(false);
  const notes = facilitationNotes(template, stage);
  return (
    <details className="facilitation" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Facilitation notes</summary>
      <div className="facilitation-body">
        <div>
          <h3>What to say</h3>
          <ul>
            {notes.say.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
        <div>
          <h3>Watch for</h3>
          <ul>
            {notes.watch.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
        <div>
          <h3>Time cues</h3>
          <dl className="facilitation-cues">
            {notes.time.map((cue) => (
              <div key={cue.at}>
                <dt>{cueLabel(cue.at, plannedMs / 60_000)}</dt>
                <dd>{cue.text}</dd>
              </div>
            ))}
          </dl>
        </div>
      </div>
    </details>
  );
}
