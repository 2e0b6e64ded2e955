// A realistic workshop, written to a real server through stock y-websocket clients with the app's
// own commands: bottlenecks in three lanes, impacts, initiatives, blind scores from people who
// joined under a name, and decisions with metrics and DRIs for the top three. The browser tests of
// the phone layout, the room screen and accessibility use it, and so does `npm run screenshots`
// (scripts/screenshots.ts), so what the README shows is what the tests check.
import type * as Y from 'yjs';
import { connectClient, waitSynced, type TestClient } from './clients.js';
import { createPerson, waitFor, type CreatedWorkshop, type TestServer } from './server.js';
import { addNote } from '../../shared/commands/notes.js';
import { addImpact } from '../../shared/commands/impacts.js';
import { createInitiative } from '../../shared/commands/initiatives.js';
import { setApproach, setDri, setPhase, setRationale } from '../../shared/commands/decisions.js';
import { addMetric } from '../../shared/commands/metrics.js';
import { scoreInitiative, setScoreProfile } from '../../shared/commands/scores.js';
import { revealScores } from '../../shared/commands/ranking.js';
import { nextStage, startTimer } from '../../shared/commands/control.js';
import { boardMaps, readBoard, readCurrentStage } from '../../shared/schema.js';
import type { Approach, ImpactCategory, Lane, Phase } from '../../shared/constants.js';
import type { Threshold } from '../../shared/schema.js';

const NOTES: { id: string; lane: Lane; text: string; threshold?: Threshold }[] = [
  {
    id: 'n-checkout',
    lane: 'product',
    text: 'Checkout slows down under peak load',
    threshold: { kind: 'traffic', value: 20000, unit: 'concurrent users', text: 'checkout p99 > 2 s' },
  },
  { id: 'n-onboarding', lane: 'product', text: 'Enterprise onboarding takes three weeks' },
  { id: 'n-deploys', lane: 'platform', text: 'Monolith deploys take 4 hours and fail 1 in 5' },
  { id: 'n-tracing', lane: 'platform', text: 'No tracing across services: incidents take hours to locate' },
  {
    id: 'n-postgres',
    lane: 'platform',
    text: 'Postgres primary at 85% CPU',
    threshold: { kind: 'data-volume', value: 2, unit: 'TB', text: '' },
  },
  { id: 'n-platform-team', lane: 'org', text: 'One platform team fields every request' },
  { id: 'n-cloud-cost', lane: 'org', text: 'Nobody owns cloud cost' },
];

const IMPACTS: { noteId: string; category: ImpactCategory; magnitude: number; evidence: string }[] = [
  { noteId: 'n-checkout', category: 'revenue', magnitude: 5, evidence: 'Black Friday: 3% of carts abandoned at payment' },
  { noteId: 'n-onboarding', category: 'retention', magnitude: 3, evidence: 'Two enterprise pilots lapsed last quarter' },
  { noteId: 'n-deploys', category: 'velocity', magnitude: 4, evidence: 'Two releases a week instead of ten' },
  { noteId: 'n-tracing', category: 'trust', magnitude: 4, evidence: 'MTTR 4 h, target 30 min' },
  { noteId: 'n-postgres', category: 'margin', magnitude: 3, evidence: 'Over-provisioned replicas: $40k a month' },
  { noteId: 'n-platform-team', category: 'velocity', magnitude: 3, evidence: '' },
  // n-cloud-cost is left without an impact: stage 2 flags it.
];

const INITIATIVES: { id: string; title: string; bottlenecks: string[] }[] = [
  { id: 'i-observability', title: 'Observability: tracing and SLOs', bottlenecks: ['n-tracing'] },
  { id: 'i-checkout', title: 'Checkout performance program', bottlenecks: ['n-checkout', 'n-postgres'] },
  { id: 'i-pipeline', title: 'Deploy pipeline and modular monolith', bottlenecks: ['n-deploys'] },
  { id: 'i-topology', title: 'Platform team topology', bottlenecks: ['n-platform-team', 'n-cloud-cost'] },
  { id: 'i-onboarding', title: 'Self-serve enterprise onboarding', bottlenecks: ['n-onboarding'] },
];

/** Each scorer's ROI and urgency per initiative; the means rank observability, checkout, pipeline first. */
const BALLOTS: { name: string; scores: Record<string, [number, number]> }[] = [
  { name: 'Ada', scores: { 'i-observability': [5, 5], 'i-checkout': [5, 4], 'i-pipeline': [4, 4], 'i-topology': [2, 3], 'i-onboarding': [3, 2] } },
  { name: 'Bob', scores: { 'i-observability': [4, 5], 'i-checkout': [4, 4], 'i-pipeline': [3, 4], 'i-topology': [5, 2], 'i-onboarding': [2, 2] } },
  { name: 'Chen', scores: { 'i-observability': [5, 4], 'i-checkout': [4, 5], 'i-pipeline': [4, 3], 'i-topology': [1, 2], 'i-onboarding': [3, 3] } },
];

const DECISIONS: { id: string; approach: Approach; phase: Phase; rationale: string; dri: string }[] = [
  { id: 'i-observability', approach: 'buy', phase: 'now', rationale: 'Commodity tooling: buy a tracing platform, own the SLOs.', dri: 'Grace Hopper' },
  { id: 'i-checkout', approach: 'build', phase: 'now', rationale: 'Checkout speed is part of the product we sell.', dri: 'Bartholomew Oppenheimer' },
  { id: 'i-pipeline', approach: 'build', phase: 'next', rationale: 'Deploy flow is specific to our monolith; split it in steps.', dri: 'Linus' },
];

const METRICS: { initiativeId: string; name: string; baseline: string; target: string; due: string; observability?: boolean }[] = [
  { initiativeId: 'i-observability', name: 'Services with tracing', baseline: '20%', target: '100%', due: '2026-06-30', observability: true },
  { initiativeId: 'i-observability', name: 'MTTR', baseline: '4 h', target: '30 min', due: '2026-09-30' },
  { initiativeId: 'i-checkout', name: 'Checkout p99', baseline: '2.1 s', target: '500 ms', due: '2026-09-30' },
  { initiativeId: 'i-pipeline', name: 'Deploys per week', baseline: '2', target: '10', due: '2026-12-31' },
];

export const DEMO_INITIATIVE_TITLES = INITIATIVES.map((i) => i.title);

/** Writes stage 1's bottlenecks to the board. */
export function seedBottlenecks(board: Y.Doc): void {
  const author = { id: 'demo-author', name: 'Ada Lovelace', color: '#1a5fb4' };
  for (const n of NOTES) addNote(board, { id: n.id, lane: n.lane, text: n.text, author, threshold: n.threshold ?? null, now: Date.now() });
}

/** Writes stage 2's impacts (all bottlenecks but one). */
export function seedImpacts(board: Y.Doc): void {
  IMPACTS.forEach((m, i) => addImpact(board, { id: `im-${i}`, ...m, now: Date.now() }));
}

export function seedInitiatives(board: Y.Doc): void {
  INITIATIVES.forEach((i, k) => createInitiative(board, { id: i.id, title: i.title, bottleneckIds: i.bottlenecks, now: Date.now() + k }));
}

export function seedDecisions(board: Y.Doc): void {
  for (const d of DECISIONS) {
    setApproach(board, { initiativeId: d.id, approach: d.approach });
    setPhase(board, { initiativeId: d.id, phase: d.phase });
    setRationale(board, { initiativeId: d.id, rationale: d.rationale });
    setDri(board, { initiativeId: d.id, dri: d.dri });
  }
  METRICS.forEach((m, k) => addMetric(board, { id: `m-${k}`, ...m }));
}

/** The facilitator's documents, kept open by the caller to drive the stages. */
export interface DemoSession {
  board: TestClient;
  control: TestClient;
  /** Moves the room on to stage `index` (0–4), starting the timer on the way. */
  goToStage(index: number): Promise<void>;
  destroy(): void;
}

export async function openDemoSession(server: Pick<TestServer, 'wsUrl'>, ws: CreatedWorkshop): Promise<DemoSession> {
  const board = connectClient(server.wsUrl, ws.id, ws.tokens.facilitator);
  const control = connectClient(server.wsUrl, ws.id, ws.tokens.facilitator, { docName: 'control' });
  await Promise.all([waitSynced(board), waitSynced(control)]);
  return {
    board,
    control,
    async goToStage(index) {
      startTimer(control.doc, Date.now());
      while (readCurrentStage(control.doc) < index) nextStage(control.doc, Date.now(), { from: readCurrentStage(control.doc) });
      await waitFor(() => control.provider.synced, 5_000, 'control synced');
    },
    destroy() {
      board.destroy();
      control.destroy();
    },
  };
}

/**
 * Three people join under a name (presence on the board, as the app does) and score every
 * initiative in their private documents. Returns their clients: they stay in the room until
 * destroyed. With `reveal`, the facilitator then reveals and this waits for the server's tallies.
 */
export async function castBallots(
  server: Pick<TestServer, 'url' | 'wsUrl'>,
  ws: CreatedWorkshop,
  demo: DemoSession,
  { reveal = false, people = BALLOTS.length } = {},
): Promise<TestClient[]> {
  const clients: TestClient[] = [];
  for (const ballot of BALLOTS.slice(0, people)) {
    const person = await createPerson(server, ws.id, ws.tokens.participant);
    const board = connectClient(server.wsUrl, ws.id, ws.tokens.participant, { person: person.personToken });
    const priv = connectClient(server.wsUrl, ws.id, ws.tokens.participant, { docName: 'private', person: person.personToken });
    clients.push(board, priv);
    await Promise.all([waitSynced(board), waitSynced(priv)]);
    board.provider.awareness.setLocalStateField('user', { id: person.personId, name: ballot.name, color: person.color });
    setScoreProfile(priv.doc, { participantId: person.personId, name: ballot.name });
    for (const [initiativeId, [roi, urgency]] of Object.entries(ballot.scores)) scoreInitiative(priv.doc, { initiativeId, roi, urgency });
  }
  const total = INITIATIVES.length;
  await waitFor(
    () => readBoard(demo.board.doc).ballots.filter((b) => b.scored >= total).length >= people,
    10_000,
    'ballots on the board',
  );
  if (reveal) {
    revealScores(demo.control.doc);
    await waitFor(() => boardMaps(demo.board.doc).revealedScores.size >= total, 10_000, 'revealed scores');
  }
  return clients;
}

/**
 * The whole short workshop up to its decisions: bottlenecks, impacts, initiatives, three people's
 * ballots revealed, and the top three decided with metrics and DRIs. Returns the ballots' clients
 * (the caller destroys them with the session).
 */
export async function seedWorkshopToDecisions(server: Pick<TestServer, 'url' | 'wsUrl'>, ws: CreatedWorkshop, demo: DemoSession): Promise<TestClient[]> {
  seedBottlenecks(demo.board.doc);
  seedImpacts(demo.board.doc);
  seedInitiatives(demo.board.doc);
  const clients = await castBallots(server, ws, demo, { reveal: true });
  seedDecisions(demo.board.doc);
  return clients;
}
