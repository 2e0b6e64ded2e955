// The title a follow-up copies from the control document (server/followUp.ts cleanWorkshopTitle):
// whatever a client stored there, the new workshop's title and the Review's "previous" title keep
// the rules POST /api/workshops holds every title to.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cleanWorkshopTitle } from '../../server/followUp.js';
import { CreateWorkshopBody } from '../../server/http.js';
import { followUpTitle } from '../../shared/followUp.js';
import { MAX_WORKSHOP_TITLE } from '../../shared/limits.js';

const takes = (title: string) => CreateWorkshopBody.shape.title.safeParse(title).success;

describe('cleanWorkshopTitle', () => {
  it('turns runs of control characters into one space, and clips at the limit without splitting an emoji', () => {
    expect(cleanWorkshopTitle('Scaling\r\nQ3\u0000\u0085review\t')).toBe('Scaling Q3 review');
    expect(cleanWorkshopTitle('x'.repeat(MAX_WORKSHOP_TITLE - 1) + '😀')).toBe('x'.repeat(MAX_WORKSHOP_TITLE - 1));
    // "Follow-up: " before a title at the limit: followUpTitle's cut leaves half an emoji, which goes.
    const followUp = cleanWorkshopTitle(followUpTitle('😀'.repeat(MAX_WORKSHOP_TITLE / 2)));
    expect(followUp).toBe('Follow-up: ' + '😀'.repeat(94));
    expect(followUp).not.toMatch(/\p{Cs}/u);
    expect(cleanWorkshopTitle('\u0007\n')).toBe('');
  });

  it('gives a title POST /api/workshops would take, from any string and for its follow-up, or nothing', () => {
    const anyTitle = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc.string({ unit: fc.constantFrom('a', ' ', '\n', '\u0000', '\u0085', '😀', '\uD83D', '\uDE00'), maxLength: 300 }),
    );
    fc.assert(
      fc.property(anyTitle, (raw) => {
        const clean = cleanWorkshopTitle(raw);
        if (clean !== '') expect(takes(clean), JSON.stringify(clean)).toBe(true);
        expect(clean).not.toMatch(/\p{Cs}/u);
        const followUp = cleanWorkshopTitle(followUpTitle(clean));
        expect(takes(followUp), JSON.stringify(followUp)).toBe(true);
        expect(followUp).not.toMatch(/\p{Cs}/u);
      }),
      { numRuns: 500 },
    );
  });
});
