// A full-page message for a link that cannot be opened (no token, bad token, unknown workshop).
export function ErrorScreen({ message }: { message: string }) {
  return (
    <main className="landing">
      <h1>Scaleboard</h1>
      <p role="alert" className="error">
        {message}
      </p>
    </main>
  );
}
