// What a screen that was offline missed (SPEC 10, issue 17): a stage change or a reveal that
// happened meanwhile is said in words once the control document has synced again.
import { expect, it } from 'vitest';
import { missedMessage } from '../../client/sync/session.js';
import { stageSequence } from '../../shared/stages.js';

const five = stageSequence(false).map((s) => s.title);
const seen = { stages: five, stage: 0, notesRevealSeq: 1, scoresRevealed: false };

it('says a stage change and reveals that happened while offline, and nothing when nothing did', () => {
  expect(missedMessage(seen, seen)).toBeNull();
  expect(missedMessage(seen, { ...seen, stage: 2 })).toBe('While you were offline, the workshop moved to stage 3 of 5: Prioritization.');
  expect(missedMessage(seen, { ...seen, notesRevealSeq: 2, scoresRevealed: true })).toBe(
    'While you were offline, the notes were revealed, and the scores were revealed.',
  );
});

it('counts and names the stages of a follow-up, which starts with Review', () => {
  const followUp = { ...seen, stages: stageSequence(true).map((s) => s.title) };
  expect(missedMessage(followUp, { ...followUp, stage: 3 })).toBe('While you were offline, the workshop moved to stage 4 of 6: Prioritization.');
});
