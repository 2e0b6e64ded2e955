// The pool of client worker processes, with a small request/reply helper over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { FromWorker, ToWorker } from './protocol.js';

export class WorkerPool {
  private constructor(readonly procs: ChildProcess[]) {}

  static async start(count: number): Promise<WorkerPool> {
    const script = path.resolve(import.meta.dirname, '../worker.ts');
    const procs = Array.from({ length: count }, () =>
      fork(script, [], {
        execArgv: [...(process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean), '--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    const pool = new WorkerPool(procs);
    await Promise.all(procs.map((p) => pool.next(p, 'ready', 30_000)));
    return pool;
  }

  /** The next message of `type` from one worker; rejects on a worker error, exit or timeout. */
  next<T extends FromWorker['type']>(proc: ChildProcess, type: T, timeoutMs: number): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`worker ${proc.pid}: no '${type}' within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (m: FromWorker) => {
        if (m.type === type) done(null, m as Extract<FromWorker, { type: T }>);
        else if (m.type === 'error') done(new Error(`worker ${proc.pid}: ${m.message}`));
      };
      const onExit = (code: number | null) => done(new Error(`worker ${proc.pid} exited (${code})`));
      const done = (err: Error | null, value?: Extract<FromWorker, { type: T }>) => {
        clearTimeout(timer);
        proc.off('message', onMessage);
        proc.off('exit', onExit);
        if (err) reject(err);
        else resolve(value!);
      };
      proc.on('message', onMessage);
      proc.once('exit', onExit);
    });
  }

  /** Sends one message to each worker (`msgs[i]` to worker i, or the same to all) and awaits their replies. */
  async all<T extends FromWorker['type']>(
    msgs: ToWorker | ToWorker[],
    reply: T,
    timeoutMs: number,
  ): Promise<Extract<FromWorker, { type: T }>[]> {
    const replies = this.procs.map((p) => this.next(p, reply, timeoutMs));
    this.procs.forEach((p, i) => p.send(Array.isArray(msgs) ? msgs[i]! : msgs));
    return Promise.all(replies);
  }

  pids(): number[] {
    return this.procs.map((p) => p.pid!);
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null) return resolve();
            const timer = setTimeout(() => p.kill('SIGKILL'), 3_000);
            p.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            if (p.connected) p.send({ type: 'exit' } satisfies ToWorker);
            else p.kill('SIGTERM');
          }),
      ),
    );
  }
}
