// Four pages: the landing page (create a workshop), a workshop at /w/<id>#token=<token>, the
// print page of its decision log at /w/<id>/print#token=<token>, and the room screen for the
// projector at /w/<id>/present#token=<token>.
import { Landing } from './landing/Landing';
import { WorkshopPage } from './workshop/WorkshopPage';
import { PrintPage } from './features/decision-log/PrintPage';
import { RoomPage } from './features/room/RoomPage';
import { LimitNotice } from './LimitNotice';

export function App() {
  const print = /^\/w\/([A-Za-z0-9_-]+)\/print\/?$/.exec(window.location.pathname);
  if (print) {
    const hash = new URLSearchParams(window.location.hash.slice(1));
    return <PrintPage workshopId={print[1]!} token={hash.get('token')} autoPrint={hash.get('print') === '1'} />;
  }
  const present = /^\/w\/([A-Za-z0-9_-]+)\/present\/?$/.exec(window.location.pathname);
  if (present) {
    const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
    return <RoomPage workshopId={present[1]!} token={token} />;
  }
  const match = /^\/w\/([A-Za-z0-9_-]+)\/?$/.exec(window.location.pathname);
  const token = match ? new URLSearchParams(window.location.hash.slice(1)).get('token') : null;
  return (
    <>
      {match ? <WorkshopPage workshopId={match[1]!} token={token} /> : <Landing />}
      <LimitNotice />
    </>
  );
}
