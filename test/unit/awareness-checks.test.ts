// Who may set which presence, and what the server makes of a claimed presence state
// (server/awarenessChecks.ts), without a server: the rules the real-server tests in
// test/server/identity.test.ts rely on, case by case.
import { describe, expect, it } from 'vitest';
import { AwarenessOwners, cleanName, decodeAwarenessUpdate, encodeAwarenessEntries, sanitizePresence, type PresenceOwner } from '../../server/awarenessChecks.js';

const person = (personId: string, extra: Partial<PresenceOwner> = {}): PresenceOwner => ({ personId, ephemeral: false, color: '#006a6a', role: 'participant', ...extra });

describe('AwarenessOwners', () => {
  it('gives a client id to the first connection that sets it, and refuses it to any other', () => {
    const owners = new AwarenessOwners(new Set(), 4);
    const ada = person('ada');
    const mallory = person('mallory');
    const adaIds = new Set<number>();
    const malloryIds = new Set<number>();
    expect(owners.admit(ada, adaIds, 7, false)).toBe('own');
    expect(owners.admit(ada, adaIds, 7, true)).toBe('own');
    expect(owners.admit(mallory, malloryIds, 7, false)).toBe('foreign');
    expect(owners.admit(mallory, malloryIds, 7, true)).toBe('foreign');
    // A removal never claims an id nobody holds.
    expect(owners.admit(mallory, malloryIds, 8, true)).toBe('foreign');
    expect(malloryIds.size).toBe(0);
  });

  it('keeps a departed person\'s id for that person, frees an ephemeral one, and lets a person\'s connections hand ids over', () => {
    const owners = new AwarenessOwners(new Set(), 4);
    const tab1 = person('ada');
    const tab2 = person('ada');
    const anon = person('anon-1', { ephemeral: true });
    const ids1 = new Set<number>();
    const ids2 = new Set<number>();
    const anonIds = new Set<number>();
    owners.admit(tab1, ids1, 1, false);
    owners.admit(anon, anonIds, 2, false);
    // Same person, another connection (a reconnect before the old socket closed): taken over.
    expect(owners.admit(tab2, ids2, 1, false)).toBe('own');
    expect(owners.release(tab1, ids1)).toEqual([]); // no longer tab1's: its state stays
    expect(owners.release(tab2, ids2)).toEqual([1]);
    expect(owners.admit(person('mallory'), new Set(), 1, false)).toBe('foreign');
    expect(owners.admit(person('ada'), new Set(), 1, false)).toBe('own');
    expect(owners.release(anon, anonIds)).toEqual([2]);
    expect(owners.admit(person('anon-2', { ephemeral: true }), new Set(), 2, false)).toBe('own');
  });

  it('caps the ids one connection introduces, and never hands out a reserved id', () => {
    const owners = new AwarenessOwners(new Set([99]), 2);
    const ada = person('ada');
    const ids = new Set<number>();
    expect([1, 2, 3].map((id) => owners.admit(ada, ids, id, false))).toEqual(['own', 'own', 'too_many']);
    expect(owners.admit(ada, ids, 1, false)).toBe('own');
    expect(owners.admit(person('bob'), new Set(), 99, false)).toBe('foreign');
  });
});

describe('sanitizePresence', () => {
  const owner = person('p1', { color: '#1a5fb4', role: 'observer' });

  it("puts the server's identity into user and keeps only the claimed name, cleaned", () => {
    const state = sanitizePresence(
      { user: { id: 'someone-else', name: '\u202e  Grace\u0000 Hopper\n ', color: 'url(http://evil/)', role: 'facilitator', extra: 1 }, cursor: { x: 0.25, y: 3 }, editing: 'n1' },
      owner,
    );
    expect(state).toEqual({ user: { id: 'p1', name: 'Grace Hopper', color: '#1a5fb4', role: 'observer' }, cursor: { x: 0.25, y: 3 }, editing: 'n1' });
  });

  it('leaves out which note someone edits while the workshop is anonymous, and nothing else', () => {
    const claimed = { user: { name: 'Grace' }, cursor: { x: 0.5, y: 10 }, editing: 'n1', privateNotes: 2 };
    expect(sanitizePresence(claimed, owner, { anonymous: true })).toEqual({
      user: { id: 'p1', name: 'Grace', color: '#1a5fb4', role: 'observer' },
      cursor: { x: 0.5, y: 10 },
      privateNotes: 2,
    });
    expect(sanitizePresence(claimed, owner, { anonymous: false })).toHaveProperty('editing', 'n1');
  });

  it('limits a name to 80 characters without splitting one', () => {
    const name = cleanName('🙂'.repeat(100));
    expect(Array.from(name)).toHaveLength(80);
    expect(name).toBe('🙂'.repeat(80));
    expect(cleanName(42)).toBe('');
  });

  it('drops prototype keys, oversized strings and lists, and deep nesting; a non-object state keeps only user', () => {
    const claimed = JSON.parse(
      JSON.stringify({ __proto__x: 1, big: 'x'.repeat(2000), list: Array(100).fill(1), deep: { a: { b: { c: { d: { e: 1 } } } } }, ok: [1, 'a', null] }).replace('__proto__x', '__proto__'),
    ) as Record<string, unknown>;
    const state = sanitizePresence(claimed, owner);
    expect(Object.prototype.hasOwnProperty.call(state, '__proto__')).toBe(false);
    expect(Object.getPrototypeOf(state)).toBe(Object.prototype);
    expect(state).toEqual({ deep: { a: { b: { c: {} } } }, ok: [1, 'a', null], user: { id: 'p1', name: '', color: '#1a5fb4', role: 'observer' } });
    expect(sanitizePresence('a string', owner)).toEqual({ user: { id: 'p1', name: '', color: '#1a5fb4', role: 'observer' } });
  });

  it('round-trips through the y-protocols encoding', () => {
    const entries = [
      { clientId: 1, clock: 2 ** 40, state: { user: { name: 'Ada' } } },
      { clientId: 2, clock: 3, state: null },
    ];
    expect(decodeAwarenessUpdate(encodeAwarenessEntries(entries))).toEqual(entries);
  });
});
