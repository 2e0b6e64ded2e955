// Content limits: how much a workshop's documents may hold. The client's inputs stop at them
// (maxLength), the commands clip to them, and the server's write gate reverts any write past them
// whatever the client (server/room/writeRules.ts), so no one can make every late joiner download a
// megabyte note or a board of tens of megabytes. Lengths are in UTF-16 code units, as an input's
// maxLength and String.length count them.

/** A bottleneck note's text. */
export const MAX_NOTE_TEXT = 2000;
/** An impact's line of evidence. */
export const MAX_EVIDENCE = 300;
/** An initiative's title. */
export const MAX_TITLE_LENGTH = 200;
/** A decision's rationale. */
export const MAX_RATIONALE_LENGTH = 2000;
/** A decision's DRI (a name). */
export const MAX_DRI_LENGTH = 80;
/** Each text field of a success metric (name, baseline, target, due). */
export const MAX_METRIC_FIELD_LENGTH = 200;
/** A follow-up review's comment on a previous decision. */
export const MAX_REVIEW_COMMENT = 1000;
/** A review's status (a key of shared/followUp.ts REVIEW_STATUSES; anything else reads as unset). */
export const MAX_REVIEW_STATUS = 20;
/** Where a carried-over initiative came from ("#2 of Scaling Q3"). */
export const MAX_CARRIED_FROM = 300;
/** A growth model's unit ("req/s", "TB"). */
export const MAX_UNIT_LENGTH = 40;
/** Monthly growth in percent: outside this range it is a typo, not a plan. */
export const GROWTH_RANGE = { min: -100, max: 1000 } as const;
/** Monthly growth kept within GROWTH_RANGE. */
export const clampGrowth = (n: number): number => Math.min(GROWTH_RANGE.max, Math.max(GROWTH_RANGE.min, n));
/** A workshop's title: POST /api/workshops, a follow-up's, and the control document's settings.title. */
export const MAX_WORKSHOP_TITLE = 200;
/**
 * Fields of the control document's settings that a person reads as one line (the workshop title,
 * which a follow-up copies into a new workshop): a string of at most this many units, no control
 * characters, as POST /api/workshops takes it. The write gate reverts anything else.
 */
export const SETTINGS_LINE_LIMITS: Readonly<Record<string, number>> = { title: MAX_WORKSHOP_TITLE };
/** Any other string a record holds (ids, lanes, order keys, choices): none is long when honest. */
export const MAX_OTHER_FIELD_LENGTH = 1000;

/** Notes on one board. */
export const MAX_NOTES_PER_BOARD = 500;
/** Metric check-ins on one board (a year of weekly check-ins on 40 metrics): the API and clients alike. */
export const MAX_CHECK_INS_PER_BOARD = 2000;

/** The longest string or text each field of each board record may hold. */
export const FIELD_LIMITS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  notes: { text: MAX_NOTE_TEXT },
  impacts: { evidence: MAX_EVIDENCE },
  initiatives: { title: MAX_TITLE_LENGTH, carriedFrom: MAX_CARRIED_FROM },
  decisions: { rationale: MAX_RATIONALE_LENGTH, dri: MAX_DRI_LENGTH },
  metrics: { name: MAX_METRIC_FIELD_LENGTH, baseline: MAX_METRIC_FIELD_LENGTH, target: MAX_METRIC_FIELD_LENGTH, due: MAX_METRIC_FIELD_LENGTH },
  reviews: { comment: MAX_REVIEW_COMMENT, status: MAX_REVIEW_STATUS },
  scenarios: { unit: MAX_UNIT_LENGTH },
};

/** Most records in each board root. */
export const RECORD_LIMITS: Readonly<Record<string, number>> = { notes: MAX_NOTES_PER_BOARD, checkIns: MAX_CHECK_INS_PER_BOARD };

/** Largest encoded size of each kind of document, in bytes. */
export const MAX_DOC_BYTES = {
  board: 4 * 1024 * 1024,
  control: 256 * 1024,
  private: 256 * 1024,
} as const;

/** Whether one more note fits on a board that holds `count`. */
export const canAddNote = (count: number): boolean => count < MAX_NOTES_PER_BOARD;
