// The facilitator's `Present`: opens the room screen (RoomPage) in a new window, to drag onto the
// projector. It carries this session's own link token in the fragment; a second device opens the
// same view with the observer link plus `/present` (see presentUrl).
import { useSession } from '../../sync/SessionContext';

/** The room screen of a workshop for a link's token: /w/<id>/present#token=… */
export function presentUrl(workshopId: string, token: string): string {
  return `/w/${encodeURIComponent(workshopId)}/present#${new URLSearchParams({ token }).toString()}`;
}

export function PresentButton() {
  const session = useSession();
  return (
    <button type="button" onClick={() => window.open(presentUrl(session.workshopId, session.token), '_blank', 'noopener')}>
      Present
    </button>
  );
}
