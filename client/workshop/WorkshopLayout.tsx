// The workshop screen. Feature panels plug in here; each lives in its own folder.
import type { SessionInfo } from '../api';
import { ConnectionBadge } from './ConnectionBadge';
import { ParticipantsPanel } from '../presence/ParticipantsPanel';

export function WorkshopLayout({ info }: { info: SessionInfo }) {
  return (
    <div className="workshop">
      <header className="topbar">
        <h1>{info.title}</h1>
        <span className="role-badge">{info.role}</span>
        <ConnectionBadge />
      </header>
      <div className="workspace">
        <main className="main-area">
          <section aria-label="Board" className="panel board" />
        </main>
        <aside className="sidebar">
          <ParticipantsPanel />
        </aside>
      </div>
    </div>
  );
}
