// PLACEHOLDER (issue 3 replaces it): the Stages and Timer regions with facilitator controls.
export function StagesPanel() {
  return <section aria-label="Stages" className="panel stages" />;
}
