// Ballots before the reveal: one per person, and what the facilitator needs to trust the count.
// A shared invite link lets anyone with it become a person, so the count says how many different
// names cast the ballots ("5 ballots from 4 people": two ballots under one name deserve a look),
// and the facilitator can set a ballot aside. Pure: the server writes the summaries (server/scores.ts).
import type { BallotSummary } from './schema.js';

export interface BallotCount {
  /** Ballots that count: not set aside, at least one initiative scored. */
  ballots: number;
  /** Different names among those ballots (case and spacing ignored). */
  people: number;
  /** Names that cast more than one counted ballot. */
  sharedNames: string[];
}

const nameKey = (name: string): string => name.trim().replace(/\s+/g, ' ').toLocaleLowerCase();

export function countBallots(ballots: readonly BallotSummary[]): BallotCount {
  const counted = ballots.filter((b) => !b.discarded && b.scored > 0);
  const byName = new Map<string, { name: string; n: number }>();
  for (const b of counted) {
    const key = nameKey(b.name);
    const entry = byName.get(key) ?? { name: b.name.trim(), n: 0 };
    entry.n++;
    byName.set(key, entry);
  }
  return {
    ballots: counted.length,
    people: byName.size,
    sharedNames: [...byName.values()].filter((e) => e.n > 1).map((e) => e.name),
  };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "3 ballots from 3 people". */
export const ballotCountText = (c: BallotCount): string => `${plural(c.ballots, 'ballot', 'ballots')} from ${plural(c.people, 'person', 'people')}`;
