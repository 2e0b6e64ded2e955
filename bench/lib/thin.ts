// Thin receivers: a raw `ws` WebSocket in a room that never decodes Yjs. Every edit the bench makes
// types a marker (`@@<send time in ms>;`) into its note's text; Yjs stores inserted strings as
// UTF-8 bytes inside the update, so the marker's bytes travel verbatim in the binary frame the
// server relays (alone or merged with others). A thin receiver timestamps each frame as it arrives
// and reads the send times out of it: the same edit-to-arrival latency a full client measures,
// without a Y.Doc per receiver, so thousands of receivers fit beside the servers on two cores.
import WebSocket from 'ws';
import { nowMs } from './proc.js';

const OPEN = Buffer.from('@@');
const CLOSE = 0x3b; // ';'

/** The text an edit made at `ts` inserts: the marker a thin receiver finds. */
export const markerText = (ts: number): string => `@@${ts.toFixed(3)};`;

/** Every send time marked in one frame, in the order they appear. */
export function findMarkers(frame: Uint8Array): number[] {
  const buf = Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  const out: number[] = [];
  let i = buf.indexOf(OPEN);
  while (i !== -1) {
    const end = buf.indexOf(CLOSE, i + 2);
    if (end === -1 || end - i > 24) break;
    const ts = Number(buf.toString('latin1', i + 2, end));
    if (Number.isFinite(ts)) out.push(ts);
    i = buf.indexOf(OPEN, end + 1);
  }
  return out;
}

export interface ThinReceiverOptions {
  /** Called once per frame with its arrival time and the send times marked in it (maybe none). */
  onFrame(at: number, marks: number[]): void;
}

/**
 * One thin receiver in the room at `url` (the full room URL, query included). It answers nothing
 * (no sync step 2, no presence): both servers relay a room's updates to every connection in it.
 * `ws` answers the servers' pings by itself, so it is never timed out.
 */
export class ThinReceiver {
  readonly ws: WebSocket;
  /** Resolves when the first frame (the server's sync step 1) arrived: the receiver is in the room. */
  readonly joined: Promise<void>;
  frames = 0;

  constructor(url: string, opts: ThinReceiverOptions) {
    this.ws = new WebSocket(url, { perMessageDeflate: false });
    this.ws.binaryType = 'nodebuffer';
    this.joined = new Promise((resolve, reject) => {
      this.ws.once('message', () => resolve());
      this.ws.once('error', reject);
      this.ws.once('close', (code) => reject(new Error(`closed with ${code} before joining`)));
    });
    this.joined.catch(() => undefined);
    this.ws.on('message', (data: Buffer) => {
      const at = nowMs();
      this.frames++;
      opts.onFrame(at, findMarkers(data));
    });
    this.ws.on('error', () => undefined);
  }

  close(): void {
    this.ws.terminate();
  }
}

/** The room URL a y-websocket provider would open: base/room?params. */
export function roomUrl(base: string, room: string, params: Record<string, string>): string {
  const q = new URLSearchParams(params).toString();
  return `${base.replace(/\/$/, '')}/${room}${q ? `?${q}` : ''}`;
}
