// Whether a client's Yjs update touches a root map only the server may write (revealed scores,
// the roster): inserts under it, or deletes of items that live in it.
import * as Y from 'yjs';

export class ServerOnlyGuard {
  constructor(
    private readonly doc: Y.Doc,
    private readonly names: ReadonlySet<string>,
  ) {}

  get active(): boolean {
    return this.names.size > 0;
  }

  touches({ structs, ds }: ReturnType<typeof Y.decodeUpdate>): boolean {
    for (const s of structs) {
      if (s instanceof Y.Item) {
        if (typeof s.parent === 'string' && this.names.has(s.parent)) return true;
        if (s.parent instanceof Y.ID && this.itemIsInServerOnly(s.parent)) return true;
      }
    }
    for (const [client, deletes] of ds.clients) {
      const structsOfClient = this.doc.store.clients.get(client);
      if (!structsOfClient) continue;
      const known = Y.getState(this.doc.store, client);
      for (const d of deletes) {
        const end = Math.min(d.clock + d.len, known);
        if (d.clock >= end) continue;
        let i = Y.findIndexSS(structsOfClient, d.clock);
        while (i < structsOfClient.length && structsOfClient[i]!.id.clock < end) {
          const s = structsOfClient[i++]!;
          if (s instanceof Y.Item && this.typeIsServerOnly(s.parent)) return true;
        }
      }
    }
    return false;
  }

  private itemIsInServerOnly(id: Y.ID): boolean {
    if (id.clock >= Y.getState(this.doc.store, id.client)) return false;
    const item = Y.getItem(this.doc.store, id);
    return item instanceof Y.Item && this.typeIsServerOnly(item.parent);
  }

  private typeIsServerOnly(parent: unknown): boolean {
    let t = parent as Y.AbstractType<unknown> | null;
    while (t && t._item) t = t._item.parent as Y.AbstractType<unknown> | null;
    if (!t) return false;
    try {
      return this.names.has(Y.findRootTypeKey(t));
    } catch {
      return false;
    }
  }
}
