// Who may write under which Yjs client id, for the write gate (document updates) and the presence
// gate (presence announces the id a person's edits will carry). Kept apart from both because both
// claim ids in the same ledger.
import * as Y from 'yjs';

/**
 * Which writer owns each Yjs client id of a document. Yjs trusts the client id and clock written
 * in an update: a client that writes under someone else's id at the clock that person's next edit
 * will have makes the server skip that edit as already known, so it is lost. So a client id
 * belongs to the identity that first writes under it (the server's own id from the start), and a
 * write under an id owned by another identity is refused before anything of it is applied.
 * A person keeps their ids while the room is loaded (tabs and reconnects of one browser are one
 * person); a connection without a person identity gives its ids back when it closes.
 */
export class ClientIdOwners {
  private readonly owners = new Map<number, string>();
  private readonly owned = new Map<string, Set<number>>();

  constructor(private readonly reserved: () => number) {}

  /** Claims every id in `clients` for `owner`; claims nothing and returns false if any is someone else's. */
  claim(owner: string, clients: Iterable<number>): boolean {
    const reserved = this.reserved();
    const fresh: number[] = [];
    for (const client of clients) {
      if (client === reserved) return false;
      const current = this.owners.get(client);
      if (current === undefined) fresh.push(client);
      else if (current !== owner) return false;
    }
    if (fresh.length) {
      let mine = this.owned.get(owner);
      if (!mine) this.owned.set(owner, (mine = new Set()));
      for (const client of fresh) {
        this.owners.set(client, owner);
        mine.add(client);
      }
    }
    return true;
  }

  release(owner: string): void {
    for (const client of this.owned.get(owner) ?? []) this.owners.delete(client);
    this.owned.delete(owner);
  }
}

/** The client ids an update writes under (every struct but the Skip placeholders). */
export function writtenClientIds(decoded: ReturnType<typeof Y.decodeUpdate>): Set<number> {
  const ids = new Set<number>();
  for (const s of decoded.structs) if (!(s instanceof Y.Skip)) ids.add(s.id.client);
  return ids;
}
