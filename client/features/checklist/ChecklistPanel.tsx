// PLACEHOLDER (issue 5 replaces it): the Ship-It checklist, computed from the board.
export function ChecklistPanel() {
  return <section aria-label="Ship-It checklist" className="panel checklist" />;
}
