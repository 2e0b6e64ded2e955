// Stages 3 to 5 inside the Board region: prioritization, build / buy / partner, metrics & owners.
import type { StageKey } from '../../../shared/constants';
import { usePrioritization } from './usePrioritization';
import { Prioritization } from './Prioritization';
import { ApproachBoard } from './ApproachBoard';
import { MetricsOwners } from './MetricsOwners';
import './prioritization.css';

export function StageThreeToFive({ stage }: { stage: StageKey }) {
  const data = usePrioritization();
  if (stage === 'build-buy-partner') return <ApproachBoard data={data} />;
  if (stage === 'metrics-owners') return <MetricsOwners data={data} />;
  return <Prioritization data={data} />;
}
