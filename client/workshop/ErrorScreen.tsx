// A full-page message for a link that cannot be opened (no token, bad token, unknown workshop,
// server unreachable), with a way to try again once the cause is fixed.
export function ErrorScreen({ message, onReload = () => window.location.reload() }: { message: string; onReload?: () => void }) {
  return (
    <main className="landing">
      <h1>Scaleboard</h1>
      <p role="alert" className="error">
        {message}
      </p>
      <button type="button" onClick={onReload}>
        Reload
      </button>
    </main>
  );
}
