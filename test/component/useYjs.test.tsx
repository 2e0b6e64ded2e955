// @vitest-environment jsdom
// The bridge from Yjs to React: every view of a document follows each transaction, and views that
// read the same thing share one read per transaction (the decision log and the checklist both read
// the whole board).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import * as Y from 'yjs';
import { useYSnapshot } from '../../client/sync/useYjs.js';

afterEach(cleanup);

const readCount = vi.fn((doc: Y.Doc) => doc.getMap('notes').size);

function Count({ doc, label }: { doc: Y.Doc; label: string }) {
  return <p>{`${label}: ${useYSnapshot(doc, readCount)}`}</p>;
}

describe('useYSnapshot', () => {
  it('re-renders every view after a transaction, reading the document once for all views that share a reader', () => {
    const doc = new Y.Doc();
    render(
      <>
        <Count doc={doc} label="log" />
        <Count doc={doc} label="checklist" />
      </>,
    );
    expect(screen.getByText('log: 0')).toBeTruthy();
    expect(screen.getByText('checklist: 0')).toBeTruthy();

    readCount.mockClear();
    act(() => doc.getMap('notes').set('a', 1));
    expect(screen.getByText('log: 1')).toBeTruthy();
    expect(screen.getByText('checklist: 1')).toBeTruthy();
    expect(readCount).toHaveBeenCalledTimes(1);

    // A remote update is a transaction too.
    const remote = new Y.Doc();
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(doc));
    remote.getMap('notes').set('b', 2);
    readCount.mockClear();
    act(() => Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(doc)), 'remote'));
    expect(screen.getByText('log: 2')).toBeTruthy();
    expect(screen.getByText('checklist: 2')).toBeTruthy();
    expect(readCount).toHaveBeenCalledTimes(1);
  });
});
