// PLACEHOLDER (issue 4 replaces it): the board for stage 1 (bottlenecks) and 2 (impact).
import type { StageKey } from '../../../shared/constants';
export function StageOneTwo({ stage }: { stage: StageKey }) {
  return <p className="muted">{stage}</p>;
}
