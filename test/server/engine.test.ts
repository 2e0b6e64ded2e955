// The stage engine with the real server and stock y-websocket clients on the control document:
// facilitators run the timer and the stages, every client computes the same remaining time from
// server time (even one whose clock is 5 minutes off), participants cannot change anything, and a
// reconnecting facilitator is still the facilitator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, waitConverged, waitSynced, type TestClient } from '../helpers/clients.js';
import { createWorkshop, metricValue, startTestServer, waitFor, type CreatedWorkshop, type TestServer } from '../helpers/server.js';
import { readSettings } from '../../shared/schema.js';
import { readEngineState, type EngineState } from '../../shared/stages.js';
import { timerView } from '../../shared/timer.js';
import { TEMPLATES } from '../../shared/templates.js';
import * as control from '../../shared/commands/control.js';
import { ServerClock, fetchApiTime } from '../../client/sync/clock.js';

const SKEW_MS = 5 * 60_000;

let server: TestServer;
let ws: CreatedWorkshop;
const clients: TestClient[] = [];
const controlClient = (token: string) => {
  const c = connectClient(server.wsUrl, ws.id, token, { docName: 'control' });
  clients.push(c);
  return c;
};

/** A client of the control document with its own clock, the way the browser client runs it. */
interface Screen {
  name: string;
  client: TestClient;
  clock: ServerClock;
  /** The device clock, possibly wrong. */
  deviceNow: () => number;
}

const remainingOn = (s: Screen): number => timerView(readEngineState(s.client.doc), s.clock.now()).remainingMs;

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkshop(server, { title: 'Engine', template: 'enterprise' });
});
afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.stop();
});

describe('synchronized timer', () => {
  let screens: Screen[];

  beforeAll(async () => {
    const make = (name: string, token: string, skew = 0): Screen => {
      const deviceNow = () => Date.now() + skew;
      const clock = new ServerClock({ fetchServerNow: () => fetchApiTime(server.url), now: deviceNow, rounds: 5 });
      return { name, client: controlClient(token), clock, deviceNow };
    };
    screens = [
      make('facilitator', ws.tokens.facilitator),
      make('participant', ws.tokens.participant),
      make('participant with a clock 5 minutes fast', ws.tokens.participant, SKEW_MS),
      make('observer with a clock 5 minutes slow', ws.tokens.observer, -SKEW_MS),
    ];
    await Promise.all(screens.map((s) => waitSynced(s.client)));
    await Promise.all(screens.map((s) => s.clock.sync()));
  });

  it('starts from the template the facilitator picked', () => {
    for (const s of screens) {
      const state = readEngineState(s.client.doc);
      expect(state.current).toBe(0);
      expect(state.stages.map((r) => r.plannedMs / 60_000)).toEqual(TEMPLATES.enterprise.durations);
      expect(readSettings(s.client.doc).template).toBe('enterprise');
    }
  });

  it('estimates each clock offset to the server, whatever the device clock says', () => {
    const [, , fast, slow] = screens;
    expect(Math.abs(fast!.clock.getSample()!.offsetMs + SKEW_MS)).toBeLessThan(500);
    expect(Math.abs(slow!.clock.getSample()!.offsetMs - SKEW_MS)).toBeLessThan(500);
  });

  it('shows every client the same remaining time, within 500 ms, while running, paused and resumed', async () => {
    const [facilitator] = screens as [Screen, ...Screen[]];
    const docs = screens.map((s) => s.client.doc);
    const agree = () => {
      const remaining = screens.map(remainingOn);
      const spread = Math.max(...remaining) - Math.min(...remaining);
      expect(spread, `remaining per client: ${screens.map((s, i) => `${s.name}=${remaining[i]}`).join(', ')}`).toBeLessThan(500);
      return remaining;
    };

    control.startTimer(facilitator.client.doc, facilitator.clock.now());
    await waitConverged(docs, readEngineState);
    const running = agree();
    expect(timerView(readEngineState(docs[0]!), facilitator.clock.now()).status).toBe('running');
    expect(running[0]).toBeGreaterThan(14 * 60_000); // enterprise plans 15 minutes for stage 1
    // The device clock alone would be 5 minutes off: the correction is what makes them agree.
    const naive = timerView(readEngineState(docs[2]!), screens[2]!.deviceNow()).remainingMs;
    expect(Math.abs(naive - running[0]!)).toBeGreaterThan(4 * 60_000);

    // Let some time run so the countdown has moved, then check again.
    await waitFor(() => remainingOn(facilitator) < running[0]! - 300, 5_000, 'timer to run');
    agree();

    control.pauseTimer(facilitator.client.doc, facilitator.clock.now());
    await waitConverged(docs, readEngineState);
    const paused = agree();
    // Paused: the same number everywhere, exactly, and it stays.
    expect(new Set(paused).size).toBe(1);
    expect(screens.map((s) => timerView(readEngineState(s.client.doc), s.deviceNow() + 3_600_000).remainingMs)).toEqual(paused);

    control.resumeTimer(facilitator.client.doc, facilitator.clock.now());
    control.addMinutes(facilitator.client.doc, 5);
    await waitConverged(docs, readEngineState);
    const resumed = agree();
    expect(resumed[0]).toBeGreaterThan(paused[0]! + 4 * 60_000);
  });
});

describe('facilitator-only control', () => {
  it("refuses a participant's attempt to change the stage, timer or lock, and changes nothing", async () => {
    const facilitator = controlClient(ws.tokens.facilitator);
    const participant = controlClient(ws.tokens.participant);
    await Promise.all([waitSynced(facilitator), waitSynced(participant)]);
    const before = readEngineState(facilitator.doc);
    const rejectedBefore = await metricValue(server, 'scaleboard_ws_rejected_total', { reason: 'write_reverted_participant' });

    const now = Date.now();
    control.nextStage(participant.doc, now);
    control.nextStage(participant.doc, now);
    control.setLocked(participant.doc, true);
    control.pauseTimer(participant.doc, now);
    await waitFor(
      async () => (await metricValue(server, 'scaleboard_ws_rejected_total', { reason: 'write_reverted_participant' })) > rejectedBefore,
      5_000,
      'rejection counted',
    );
    // A facilitator's write after the participant's proves the server has processed them.
    control.setAnonymous(facilitator.doc, true);
    const fresh = controlClient(ws.tokens.observer);
    await waitSynced(fresh);
    await waitFor(() => readSettings(fresh.doc).anonymous, 5_000, 'facilitator marker');

    // The participant's own copy is put back too (the server reverts, it does not just ignore).
    await waitFor(() => !readSettings(participant.doc).locked && readSettings(participant.doc).anonymous, 5_000, 'participant back in step');
    for (const doc of [facilitator.doc, fresh.doc, participant.doc]) {
      expect(readEngineState(doc)).toEqual(before);
      expect(readSettings(doc).locked).toBe(false);
    }
    expect(readEngineState(fresh.doc).current).toBe(before.current);
    control.setAnonymous(facilitator.doc, false);
  });

  it('keeps a reconnecting facilitator the facilitator, and lets two facilitators co-run the session', async () => {
    const first = controlClient(ws.tokens.facilitator);
    const second = controlClient(ws.tokens.facilitator);
    const watcher = controlClient(ws.tokens.participant);
    await Promise.all([first, second, watcher].map((c) => waitSynced(c)));
    const start = readEngineState(first.doc).current;

    // Drop and reconnect with the same link: the token, not the connection, makes the role.
    first.provider.disconnect();
    await waitFor(() => !first.provider.wsconnected, 5_000, 'disconnected');
    first.provider.connect();
    await waitSynced(first);
    control.nextStage(first.doc, Date.now(), { from: start });
    await waitFor(() => readEngineState(watcher.doc).current === start + 1, 5_000, 'stage moved by the reconnected facilitator');

    // Co-facilitation: the second facilitator acts on what the first did.
    control.startTimer(second.doc, Date.now());
    await waitFor(() => timerView(readEngineState(first.doc), Date.now()).status === 'running', 5_000, 'second facilitator starts');
    // Both click Next stage at the same moment: the room moves one stage, not two.
    const at = readEngineState(first.doc).current;
    control.nextStage(first.doc, Date.now(), { from: at });
    control.nextStage(second.doc, Date.now(), { from: at });
    await waitConverged([first.doc, second.doc, watcher.doc], readEngineState);
    const after: EngineState = readEngineState(watcher.doc);
    expect(after.current).toBe(at + 1);
    expect(timerView(after, Date.now()).status).toBe('running');
  });
});
