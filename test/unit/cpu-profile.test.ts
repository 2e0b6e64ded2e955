// bench/cpu-profile.ts gives each profile sample to the first duty on its stack: the shares the
// README quotes for "where ours' CPU goes" come from it.
import { describe, expect, it } from 'vitest';
import { dutiesOf } from '../../bench/cpu-profile.js';

const frame = (functionName: string, url = '') => ({ functionName, url });

describe('dutiesOf', () => {
  // root ─┬─ (idle)
  //       ├─ handleMessage (ws.js) ─ applyGated (writeGate.js) ─┬─ take (history/recorder.js)
  //       │                                                     └─ applyUpdate (yjs)
  //       ├─ flush (turnWriter.js) ─ broadcast (room/relay.js)
  //       └─ (garbage collector)
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 3, 7, 9] },
      { id: 2, callFrame: frame('(idle)') },
      { id: 3, callFrame: frame('handleMessage', 'file:///app/dist-server/server/ws.js'), children: [4] },
      { id: 4, callFrame: frame('applyGated', 'file:///app/dist-server/server/room/writeGate.js'), children: [5, 6] },
      { id: 5, callFrame: frame('take', 'file:///app/dist-server/server/history/recorder.js') },
      { id: 6, callFrame: frame('applyUpdate', 'file:///app/node_modules/yjs/dist/yjs.mjs') },
      { id: 7, callFrame: frame('flush', 'file:///app/dist-server/server/turnWriter.js'), children: [8] },
      { id: 8, callFrame: frame('broadcast', 'file:///app/dist-server/server/room/relay.js') },
      { id: 9, callFrame: frame('(garbage collector)') },
    ],
    // Sample i lasted timeDeltas[i] µs.
    samples: [2, 5, 6, 6, 8, 7, 9, 2],
    timeDeltas: [5_000, 1_000, 2_000, 2_000, 3_000, 500, 1_500, 9_000],
  };

  it('gives each busy sample to the first duty on its stack and leaves idle time out', () => {
    const { busyMs, duties } = dutiesOf(profile);
    expect(busyMs).toBe(10);
    expect(Object.fromEntries(duties)).toEqual({
      // The recorder runs inside the gate's transaction: history, not the gate.
      'history (recorder, sentences, rows)': 1,
      'write gate and Yjs apply': 4,
      'relay and socket writes': 3,
      // The turn writer's own time, outside the relay it calls.
      'SQLite commit of the updates': 0.5,
      'garbage collection': 1.5,
    });
    // Largest first.
    expect(duties.map(([d]) => d)[0]).toBe('write gate and Yjs apply');
  });
});
