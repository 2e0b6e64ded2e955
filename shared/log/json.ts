// The decision log as JSON: the v1 contract, pretty-printed, one trailing newline.
import type { DecisionLog } from './types.js';

export function toJson(log: DecisionLog): string {
  return JSON.stringify(log, null, 2) + '\n';
}
