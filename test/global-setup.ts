// Builds the client and the server once before the run if a build is missing or older than its
// sources, so tests always exercise the current code the way `npm start` runs it.
import { ensureClientBuild, ensureServerBuild } from '../scripts/builds.js';

export default function setup(): void {
  ensureClientBuild();
  ensureServerBuild();
}
