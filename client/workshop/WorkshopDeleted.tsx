// What every screen of a workshop shows once it is deleted: the server closed its connections
// with 4404, and nothing of it is left to reconnect to.
export const WORKSHOP_DELETED_TITLE = 'This workshop was deleted';

export function WorkshopDeleted({ title }: { title?: string }) {
  return (
    <main className="landing">
      <h1>{WORKSHOP_DELETED_TITLE}</h1>
      <p role="alert" className="error">
        {title ? `“${title}” was deleted by its facilitator` : 'The facilitator deleted this workshop'}, with its board, decisions and
        links. Nothing of it is left on the server.
      </p>
      <a className="button" href="/">
        Go to the start page
      </a>
    </main>
  );
}
