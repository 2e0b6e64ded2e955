// PLACEHOLDER (issue 6 replaces it): the live decision log with export buttons.
export function DecisionLogPanel() {
  return <section aria-label="Decision log" className="panel decision-log" />;
}
