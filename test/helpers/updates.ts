// Hand-made Yjs updates and y-websocket frames, for tests written as a hostile client would.
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';

/** The y-websocket frame that carries a Yjs update (message type 0 sync, sub-type 2 update). */
export function updateFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
}

/**
 * Re-encodes decoded structs as a V1 update with an empty delete set (so a map overwrite no longer
 * says it deletes the old value). Structs keep whatever origins, parents and clocks they were given.
 */
export function encodeStructs(structs: ReturnType<typeof Y.decodeUpdate>['structs']): Uint8Array {
  const byClient = new Map<number, typeof structs>();
  for (const s of structs) {
    const list = byClient.get(s.id.client) ?? [];
    list.push(s);
    byClient.set(s.id.client, list);
  }
  const enc = new Y.UpdateEncoderV1();
  encoding.writeVarUint(enc.restEncoder, byClient.size);
  for (const [client, list] of byClient) {
    list.sort((a, b) => a.id.clock - b.id.clock);
    encoding.writeVarUint(enc.restEncoder, list.length);
    enc.writeClient(client);
    encoding.writeVarUint(enc.restEncoder, list[0]!.id.clock);
    for (const s of list) s.write(enc, 0);
  }
  encoding.writeVarUint(enc.restEncoder, 0); // no deletes
  return enc.toUint8Array();
}

/** A scratch copy of `doc` (optionally writing as `clientID`) and the state vector it starts from. */
export function scratchCopy(doc: Y.Doc, clientID?: number): { scratch: Y.Doc; before: Uint8Array } {
  const scratch = new Y.Doc();
  Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc));
  // After loading: Yjs gives a doc a new client id when a loaded update advances its own.
  if (clientID !== undefined) scratch.clientID = clientID;
  return { scratch, before: Y.encodeStateVector(scratch) };
}

/** The update made by `change` on a scratch copy of `doc`. */
export function updateOf(doc: Y.Doc, change: (scratch: Y.Doc) => void, clientID?: number): Uint8Array {
  const { scratch, before } = scratchCopy(doc, clientID);
  change(scratch);
  const update = Y.encodeStateAsUpdate(scratch, before);
  scratch.destroy();
  return update;
}
