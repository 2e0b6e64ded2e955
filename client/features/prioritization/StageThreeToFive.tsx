// PLACEHOLDER (issue 5 replaces it): stages 3 to 5 (prioritization, build/buy/partner, metrics & owners).
import type { StageKey } from '../../../shared/constants';
export function StageThreeToFive({ stage }: { stage: StageKey }) {
  return <p className="muted">{stage}</p>;
}
