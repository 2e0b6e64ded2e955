// Where a server's CPU went, from a V8 CPU profile (`.cpuprofile`): every sample is given to the
// first of a few duties (history, relay, SQLite, the write gate…) found on its stack, so the shares
// add up to the busy time. Profile a bench run with
//   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" BENCH_ONLY="1 room × 10" npm run bench
// (ours writes its profile when the bench stops it; the stock server does not), then
//   npx tsx bench/cpu-profile.ts DIR/CPU.….cpuprofile
import fs from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** In order: a sample goes to the first duty found anywhere on its stack. */
const DUTIES: [string, (f: CallFrame) => boolean][] = [
  ['history (recorder, sentences, rows)', (f) => /history\/|shared\/history/.test(f.url)],
  ['relay and socket writes', (f) => /room\/relay\.js/.test(f.url) || (f.functionName === 'send' && /server\/ws\.js/.test(f.url))],
  ['SQLite commit of the updates', (f) => /turnWriter\.js|storage\.js|better-sqlite3/.test(f.url)],
  ['write gate and Yjs apply', (f) => /writeGate\.js|writeRules\.js|clientIds\.js/.test(f.url)],
  ['presence', (f) => /awareness|presenceGate/.test(f.url)],
  ['compaction', (f) => /compaction/.test(f.url)],
  ['receiving and decoding frames', (f) => /ws\/lib\/receiver|server\/ws\.js|messages\.js|rateLimit/.test(f.url)],
  ['start-up (module loading)', (f) => /module_job|modules\/esm|modules\/cjs/.test(f.url)],
];

export function dutiesOf(profile: Profile): { busyMs: number; duties: [string, number][] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const totals = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of self) {
    const leaf = byId.get(id)!.callFrame;
    if (leaf.functionName === '(idle)') continue;
    busy += us;
    const stack: CallFrame[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) stack.push(byId.get(cur)!.callFrame);
    const duty = leaf.functionName === '(garbage collector)' ? 'garbage collection' : (DUTIES.find(([, is]) => stack.some(is))?.[0] ?? 'other');
    totals.set(duty, (totals.get(duty) ?? 0) + us);
  }
  return { busyMs: busy / 1000, duties: [...totals].map(([d, us]): [string, number] => [d, us / 1000]).sort((a, b) => b[1] - a[1]) };
}

if (process.argv[1]?.endsWith('cpu-profile.ts')) {
  for (const file of process.argv.slice(2)) {
    const { busyMs, duties } = dutiesOf(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile);
    console.log(`${file}: busy ${busyMs.toFixed(0)} ms`);
    for (const [d, ms] of duties) console.log(`${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / busyMs).toFixed(1).padStart(5)} %  ${d}`);
  }
}
