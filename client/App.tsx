// Two pages: the landing page (create a workshop) and a workshop at /w/<id>#token=<token>.
import { Landing } from './landing/Landing';
import { WorkshopPage } from './workshop/WorkshopPage';

export function App() {
  const match = /^\/w\/([A-Za-z0-9_-]+)\/?$/.exec(window.location.pathname);
  if (match) {
    const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
    return <WorkshopPage workshopId={match[1]!} token={token} />;
  }
  return <Landing />;
}
