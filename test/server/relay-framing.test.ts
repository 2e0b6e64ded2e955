// The relay frames each broadcast once (server/ws.ts binaryFrame) and writes that one frame to
// every peer's socket. These tests prove the frames are well-formed WebSocket frames of every
// length class, that every receiver gets the same messages in the same order, and that a message
// sent to one peer alone (a joiner's sync reply) is never mistaken for the broadcast framed before it.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import WebSocket from 'ws';
import { binaryFrame } from '../../server/ws.js';
import { useServerAndClients } from '../helpers/suites.js';
import { createWorkshop, waitFor } from '../helpers/server.js';
import { canonical, waitSynced } from '../helpers/clients.js';

/** Reads one unmasked frame's header back (RFC 6455 5.2): FIN, opcode, payload. */
function parseFrame(frame: Buffer): { fin: boolean; opcode: number; payload: Buffer } {
  const fin = (frame[0]! & 0x80) !== 0;
  const opcode = frame[0]! & 0x0f;
  expect(frame[1]! & 0x80).toBe(0); // a server never masks
  let len = frame[1]! & 0x7f;
  let at = 2;
  if (len === 126) {
    len = frame.readUInt16BE(2);
    at = 4;
  } else if (len === 127) {
    len = frame.readUInt32BE(2) * 2 ** 32 + frame.readUInt32BE(6);
    at = 10;
  }
  expect(frame.length).toBe(at + len);
  return { fin, opcode, payload: frame.subarray(at) };
}

describe('binaryFrame', () => {
  it('frames payloads of each length class as one final binary frame', () => {
    for (const n of [0, 1, 125, 126, 1_000, 65_535, 65_536, 200_000]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 7) % 251);
      const { fin, opcode, payload } = parseFrame(binaryFrame(data));
      expect({ n, fin, opcode }).toEqual({ n, fin: true, opcode: 2 });
      expect(Buffer.compare(payload, Buffer.from(data))).toBe(0);
    }
  });

  it('frames a message once however many peers it goes to, and a new message anew', () => {
    const message = new Uint8Array([0, 2, 9, 9, 9]);
    const first = binaryFrame(message);
    expect(binaryFrame(message)).toBe(first);
    // Equal bytes in another array (another message) get a frame of their own; so does a different message.
    const twin = new Uint8Array(message);
    expect(binaryFrame(twin)).not.toBe(first);
    const other = new Uint8Array([0, 2, 1]);
    expect(parseFrame(binaryFrame(other)).payload).toEqual(Buffer.from(other));
    expect(parseFrame(binaryFrame(message)).payload).toEqual(Buffer.from(message));
  });
});

describe('broadcast over real sockets', () => {
  const env = useServerAndClients();

  it('every raw receiver gets the same frames in the same order, each a well-formed y-websocket message that rebuilds the board', async () => {
    const w = await createWorkshop(env.server, { title: 'Framing' });
    const editor = env.client(env.server.wsUrl, w.id, w.tokens.participant);
    await waitSynced(editor);
    const url = `${env.server.wsUrl}/${w.id}?token=${w.tokens.participant}`;
    const receivers = Array.from({ length: 5 }, () => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      const frames: Buffer[] = [];
      const closes: number[] = [];
      ws.on('message', (d: Buffer) => frames.push(Buffer.from(d)));
      ws.on('close', (code) => closes.push(code));
      return { ws, frames, closes };
    });
    await waitFor(() => receivers.every((r) => r.frames.length > 0), 5_000, 'receivers joined');
    const start = receivers.map((r) => r.frames.length);

    // Edits of every size class the frame header has (under 126 bytes, up to 64 KiB), some in one
    // turn (merged into one message), and a full client joining in the middle (its sync reply
    // goes to it alone, between broadcasts).
    const notes = editor.doc.getMap<Y.Map<unknown>>('notes');
    let joiner: ReturnType<typeof env.client> | null = null;
    for (let i = 0; i < 30; i++) {
      editor.doc.transact(() => {
        const note = new Y.Map<unknown>();
        note.set('text', new Y.Text(i % 5 === 0 ? 'x'.repeat(600 + i) : `n${i}`));
        notes.set(`frame-${i}`, note);
      });
      if (i % 3 === 0) editor.doc.transact(() => (notes.get(`frame-${i}`)!.get('text') as Y.Text).insert(0, 'same turn '));
      if (i === 15) joiner = env.client(env.server.wsUrl, w.id, w.tokens.participant);
      await new Promise((r) => setTimeout(r, 2));
    }
    await waitSynced(joiner!);
    const want = canonical(notes.toJSON());
    await waitFor(() => canonical(joiner!.doc.getMap('notes').toJSON()) === want, 5_000, 'joiner converged');

    // Every receiver's frames after joining rebuild the board (ws parsed each frame: a malformed
    // one would have closed the connection with 1002).
    const rebuilt = (frames: Buffer[]) => {
      const d = new Y.Doc();
      for (const f of frames) {
        const dec = decoding.createDecoder(f);
        if (decoding.readVarUint(dec) !== 0) continue; // presence
        const sub = decoding.readVarUint(dec);
        if (sub === syncProtocol.messageYjsUpdate || sub === syncProtocol.messageYjsSyncStep2) Y.applyUpdate(d, decoding.readVarUint8Array(dec));
      }
      return d;
    };
    await waitFor(() => receivers.every((r) => canonical(rebuilt(r.frames).getMap('notes').toJSON()) === want), 5_000, 'receivers rebuilt the board');
    const after = receivers.map((r, i) => r.frames.slice(start[i]).filter((f) => f[0] === 0));
    expect(after[0]!.length).toBeGreaterThan(0);
    for (const frames of after.slice(1)) expect(frames.map((f) => f.toString('hex'))).toEqual(after[0]!.map((f) => f.toString('hex')));
    for (const r of receivers) {
      expect(r.closes).toEqual([]);
      r.ws.close();
    }
  });
});
