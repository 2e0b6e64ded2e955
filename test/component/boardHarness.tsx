// A WorkshopSession-shaped object over real Y.Docs and a real y-protocols Awareness (no network),
// and a render of the board inside it, for the board's component tests.
import { render } from '@testing-library/react';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import type { Role, StageKey } from '../../shared/constants.js';
import { initControl } from '../../shared/schema.js';
import { initialEngineState } from '../../shared/stages.js';
import * as control from '../../shared/commands/control.js';
import { SessionContext } from '../../client/sync/SessionContext.js';
import type { LocalUser, WorkshopSession } from '../../client/sync/session.js';
import { StageOneTwo } from '../../client/features/board/StageOneTwo.js';

export const ADA: LocalUser = { id: 'ada', name: 'Ada', color: '#b3261e' };
export const BOB: LocalUser = { id: 'bob', name: 'Bob', color: '#006a6a' };

let counter = 0;
const live: (() => void)[] = [];

export interface Harness {
  session: WorkshopSession;
  board: Y.Doc;
  control: Y.Doc;
  awareness: Awareness;
}

export function makeSession(
  opts: { role?: Role; user?: LocalUser; workshopId?: string; silentWriting?: boolean; anonymous?: boolean; locked?: boolean; board?: Y.Doc } = {},
): Harness {
  const role = opts.role ?? 'participant';
  const user = opts.user ?? ADA;
  const controlDoc = new Y.Doc();
  initControl(controlDoc, { title: 'Board test', template: 'scaleup', createdAt: 0 }, initialEngineState());
  if (opts.silentWriting) control.setSilentWriting(controlDoc, true);
  if (opts.anonymous) control.setAnonymous(controlDoc, true);
  if (opts.locked) control.setLocked(controlDoc, true);
  const board = opts.board ?? new Y.Doc();
  const awareness = new Awareness(board);
  awareness.setLocalStateField('user', { ...user, role });
  const session = {
    workshopId: opts.workshopId ?? `w${++counter}-${Date.now()}`,
    token: 'test-token',
    role,
    user,
    board,
    control: controlDoc,
    awareness,
    setHeldBack: () => undefined,
  } as unknown as WorkshopSession;
  live.push(() => {
    awareness.destroy();
    board.destroy();
    controlDoc.destroy();
  });
  return { session, board, control: controlDoc, awareness };
}

export function renderBoard(h: Harness, stage: StageKey = 'bottlenecks') {
  return render(
    <SessionContext.Provider value={h.session}>
      <StageOneTwo stage={stage} />
    </SessionContext.Provider>,
  );
}

/** Another person's presence arriving at `awareness` (as y-websocket would deliver it). */
export function peerPresence(awareness: Awareness, user: LocalUser, fields: Record<string, unknown>): Awareness {
  const other = new Awareness(new Y.Doc());
  other.setLocalState({ user: { ...user, role: 'participant' }, ...fields });
  applyAwarenessUpdate(awareness, encodeAwarenessUpdate(other, [other.clientID]), 'remote');
  live.push(() => other.destroy());
  return other;
}

/** Delivers `other`'s current presence to the harness's awareness again (after it changed). */
export function peerPresenceUpdate(h: Harness, other: Awareness): void {
  applyAwarenessUpdate(h.awareness, encodeAwarenessUpdate(other, [other.clientID]), 'remote');
}

/** Destroys every doc and awareness made since the last call (stops the board's background work). */
export function destroyAll(): void {
  for (const stop of live.splice(0)) stop();
}
