// The WebSocket endpoint: /ws/<workshopId>[/<docName>]?token=…[&person=…] for the stock y-websocket
// client. Upgrade order: parse, find the workshop, authenticate the role and the person, check the
// document (admitLocal on one node; the cluster's ClusterNode.admit asks PostgreSQL, the socket
// paused meanwhile), then hand a RoomSocket to the endpoint: the room, or the cluster's owner or forwarder.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { Workshops } from './workshops.js';
import { roleForToken } from './auth.js';
import { rawAnswer } from './securityHeaders.js';
import { WorkshopLoadError, isValidDocName, roomNameFor } from './workshop.js';
import { PERSON_COLORS } from '../shared/colors.js';
import { MalformedMessageError } from './room/messages.js';
import { CloseCode } from './protocol.js';
import type { Peer, RoomSocket } from './socket.js';
import type { Role } from '../shared/constants.js';
import { MessageLimiter } from './rateLimit.js';

/** How long a connection closed for flooding gets to finish the closing handshake. */
const FLOOD_CLOSE_GRACE_MS = 1_000;

export function parseWsPath(
  url: string | undefined,
): { workshopId: string; docName: string; token: string | null; person: string | null } | null {
  let u: URL;
  try {
    u = new URL(url ?? '', 'http://localhost');
  } catch {
    return null;
  }
  const m = /^\/ws\/([A-Za-z0-9_-]{1,64})(?:\/(.+))?$/.exec(u.pathname);
  if (!m) return null;
  let docName: string;
  try {
    docName = m[2] ? decodeURIComponent(m[2]) : '';
  } catch {
    return null;
  }
  return { workshopId: m[1]!, docName, token: u.searchParams.get('token'), person: u.searchParams.get('person') };
}

/** Where an admitted connection's messages go: a loaded room (one node), or the cluster's owner or forwarder. */
export interface Endpoint {
  /** The workshop whose connection this is (for logs). */
  readonly workshopId: string;
  /** The document opened (for logs): '' for the board. */
  readonly docName: string;
  /** The socket the room should use for this peer (the cluster's owner holds some sends, see server/cluster). */
  wrapSocket?(socket: RoomSocket): RoomSocket;
  join(peer: Peer): void;
  /** Throws MalformedMessageError for a frame that is not a y-websocket message. */
  handleMessage(peer: Peer, data: Uint8Array): void;
  leave(peer: Peer): void;
}

/** A connection let in: who it is (checked against storage) and where its messages go. */
export interface Admission {
  role: Role;
  identity: Identity;
  endpoint: Endpoint;
}

/** A connection refused: its close code and reason, and the reason label counted in scaleboard_ws_rejected_total. */
export interface Refusal {
  refused: { code: number; reason: string; metric: string };
}

export type WsTarget = NonNullable<ReturnType<typeof parseWsPath>>;

/** Checks a connection's path and tokens: synchronously on one node (SQLite), asynchronously in the cluster (PostgreSQL). */
export type Admit = (target: WsTarget) => Admission | Refusal | Promise<Admission | Refusal>;

const refusal = (code: number, reason: string, metric: string): Refusal => ({ refused: { code, reason, metric } });

/** One node's admission: the workshop loaded from SQLite, the role and the person checked, the room found. */
export function admitLocal(workshops: Workshops): Admit {
  return (target) => {
    const workshop = workshops.get(target.workshopId);
    if (!workshop) return refusal(CloseCode.notFound, 'unknown workshop', 'unknown_workshop');
    const role = roleForToken(target.token, workshop.roleHashes);
    if (!role) return refusal(CloseCode.unauthorized, 'invalid token', 'unauthorized');
    // A person token must be one of this workshop's people, with the role of this link.
    const person = target.person === null ? null : workshops.people.find(workshop.id, target.person);
    if (target.person !== null && person?.role !== role) return refusal(CloseCode.unauthorized, 'invalid person token', 'unauthorized_person');
    const identity: Identity = person ? { personId: person.id, ephemeral: false, color: person.color } : ephemeralIdentity();
    const access = workshop.mayRead(target.docName, { role, ...identity });
    if (access !== true) return refusal(CloseCode.forbidden, access, 'forbidden');
    const docName = roomNameFor(target.docName, identity);
    const room = workshop.room(docName);
    const endpoint: Endpoint = {
      workshopId: workshop.id,
      docName,
      join: (peer) => {
        workshop.connected();
        room.join(peer);
      },
      handleMessage: (peer, data) => room.handleMessage(peer, data),
      leave: (peer) => {
        room.leave(peer);
        workshop.disconnected();
      },
    };
    return { role, identity, endpoint };
  };
}

export function attachWebSocket(
  server: Server,
  deps: { config: Config; log: Logger; metrics: Metrics },
  admit: Admit,
): WebSocketServer {
  const { config, log, metrics } = deps;
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxFrameBytes, perMessageDeflate: false });
  const answer = rawAnswer(config);

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (!(req.url ?? '').startsWith('/ws/')) {
      socket.end(answer(404, req));
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', (err) => log.debug({ err: err.message }, 'socket error'));
      // Nothing one connection brings may take the process (and every other workshop) down.
      const failed = (err: unknown) => {
        if (err instanceof WorkshopLoadError) return refuse(ws, CloseCode.loadFailed, 'workshop could not be loaded', 'load_failed');
        log.error({ err }, 'error opening a connection; closing it');
        refuse(ws, 1011, 'internal error', 'internal_error');
      };
      try {
        const target = parseWsPath(req.url);
        if (!target || !isValidDocName(target.docName)) return refuse(ws, CloseCode.badRequest, 'bad document path', 'bad_path');
        const admitted = admit(target);
        if (!(admitted instanceof Promise)) return onConnection(ws, admitted);
        // Checked against the cluster's database: the socket is paused meanwhile, so no message is read before its peer exists.
        ws.pause();
        admitted.then((a) => {
          if (ws.readyState !== ws.OPEN) return; // gone meanwhile: nothing joined yet
          ws.resume();
          try {
            onConnection(ws, a);
          } catch (err) {
            failed(err);
          }
        }, failed);
      } catch (err) {
        failed(err);
      }
    });
  });

  function refuse(ws: WebSocket, code: number, reason: string, metric: string): void {
    metrics.rejected.inc({ reason: metric });
    ws.close(code, reason);
  }

  function onConnection(ws: WebSocket, admitted: Admission | Refusal): void {
    if ('refused' in admitted) return refuse(ws, admitted.refused.code, admitted.refused.reason, admitted.refused.metric);
    const { role, identity, endpoint } = admitted;
    const raw = rawSocket(ws);
    const direct: RoomSocket = {
      send: (data) => {
        // Counted by the room, once per broadcast. No per-send callback: a room sends one message to every peer, and a failed write closes
        // the socket anyway (ws handles the socket's 'error'). A broadcast hands every peer the same
        // message: it is framed once (binaryFrame) and the one frame written to each socket.
        if (raw && ws.readyState === ws.OPEN) raw.write(binaryFrame(data));
        else ws.send(data, { binary: true });
      },
      close: (code, reason) => ws.close(code, reason),
      isOpen: () => ws.readyState === ws.OPEN,
      bufferedAmount: () => ws.bufferedAmount,
    };
    const socket = endpoint.wrapSocket ? endpoint.wrapSocket(direct) : direct;
    const peer: Peer = { socket, role, id: randomBytes(4).toString('hex'), ...identity };
    const workshopId = endpoint.workshopId;
    metrics.connections.inc();
    log.info({ workshop: workshopId, doc: endpoint.docName || 'board', role, peer: peer.id, person: peer.personId }, 'peer joined');

    let closed = false;
    /** Handles one message, in arrival order, once the rate limiter lets it through. */
    const processMessage = ({ bytes, isBinary }: { bytes: Uint8Array; isBinary: boolean }): void => {
      // Closed meanwhile (by the room, a refusal, shutdown): what still waits is moot.
      if (ws.readyState !== ws.OPEN) return limiter.stop();
      if (!isBinary) {
        limiter.stop();
        return refuse(ws, CloseCode.malformed, 'binary frames only', 'malformed');
      }
      try {
        endpoint.handleMessage(peer, bytes);
      } catch (err) {
        limiter.stop();
        if (err instanceof MalformedMessageError) {
          log.warn({ workshop: workshopId, peer: peer.id, why: err.message }, 'malformed message; closing');
          return refuse(ws, CloseCode.malformed, err.message, 'malformed');
        }
        log.error({ err, workshop: workshopId, peer: peer.id }, 'error handling message; closing');
        return refuse(ws, 1011, 'internal error', 'internal_error');
      }
    };
    // Past its budget a connection's messages wait in order with its socket paused (dropping a
    // Yjs update would lose data); one that keeps flooding is closed with 1008 (see rateLimit.ts).
    const limiter = new MessageLimiter(
      {
        perSec: config.rateLimitPerSec,
        burst: config.rateLimitBurst,
        maxQueued: config.rateLimitMaxQueued,
        closeAfterMs: config.rateLimitCloseAfterMs,
      },
      {
        process: processMessage,
        pause: () => ws.pause(),
        resume: () => ws.resume(),
        throttled: () => {
          metrics.rejected.inc({ reason: 'throttled' });
          log.debug({ workshop: workshopId, peer: peer.id }, 'throttling');
        },
        flooding: ({ queued, throttledMs }) => {
          log.warn({ workshop: workshopId, peer: peer.id, queued, throttledMs: Math.round(throttledMs) }, 'rate limit exceeded; closing');
          refuse(ws, CloseCode.policyViolation, 'rate limit exceeded', 'rate_limited_closed');
          // Read on (ignoring it) so the peer's close frame can arrive, but a peer that never
          // sends one does not get to hold the socket for ws's 30-second close timeout.
          ws.resume();
          setTimeout(() => ws.terminate(), FLOOD_CLOSE_GRACE_MS).unref();
        },
      },
    );
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (closed) return;
      const bytes = toUint8Array(data);
      metrics.bytesIn.inc(bytes.byteLength);
      limiter.receive({ bytes, isBinary });
    });
    ws.on('close', () => limiter.stop());
    ws.on('close', (code) => {
      if (closed) return;
      closed = true;
      if (code === 1009) metrics.rejected.inc({ reason: 'frame_too_big' });
      endpoint.leave(peer);
      metrics.connections.dec();
      log.info({ workshop: workshopId, peer: peer.id, code }, 'peer left');
    });
    endpoint.join(peer);
  }

  return wss;
}

export type Identity = Pick<Peer, 'personId' | 'ephemeral' | 'color'>;

/** For a connection without a person token: an id the server made for it alone, and a palette colour. */
export function ephemeralIdentity(): Identity {
  const [pick] = randomBytes(1);
  return { personId: `anon-${randomBytes(6).toString('hex')}`, ephemeral: true, color: PERSON_COLORS[pick! % PERSON_COLORS.length]! };
}

/**
 * The connection's TCP socket, to write whole frames to, or null to go through ws.send. Safe
 * because this server never compresses (perMessageDeflate: false): ws's sender then writes every
 * frame it makes (pings, pongs, close) synchronously and whole, never queueing one, so a frame
 * written here can never land inside another; and ws counts the socket's queue in bufferedAmount.
 */
function rawSocket(ws: WebSocket): Duplex | null {
  const socket = (ws as unknown as { _socket?: Duplex })._socket;
  return ws.extensions === '' && socket && typeof socket.write === 'function' ? socket : null;
}

let lastMessage: Uint8Array | null = null;
let lastFrame: Buffer | null = null;

/**
 * One unmasked, final binary WebSocket frame (RFC 6455 5.2) holding `data`. The frame of the last
 * message is kept: a broadcast writes the same message to every peer in a row, so it is framed,
 * header and copy, once per broadcast instead of once per peer. Messages are never changed after
 * they are sent (the room encodes a new one each time), so the identity of `data` is its content.
 */
export function binaryFrame(data: Uint8Array): Buffer {
  if (data === lastMessage && lastFrame) return lastFrame;
  const n = data.byteLength;
  const headerBytes = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerBytes + n);
  frame[0] = 0x82; // FIN, opcode 2 (binary)
  if (n < 126) frame[1] = n;
  else if (n < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    frame.writeUInt32BE(n >>> 0, 6);
  }
  frame.set(data, headerBytes);
  lastMessage = data;
  lastFrame = frame;
  return frame;
}

function toUint8Array(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
