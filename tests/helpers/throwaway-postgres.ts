import { execFileSync } from 'node:child_process';
import { appendFileSync, readdirSync } from 'node:fs';

// The installed major version, as .ci/run finds it.
const VERSION = readdirSync('/etc/postgresql').sort()[0];

/**
 * A Postgres cluster of its own for a test that stops and starts it (never the shared one): created,
 * trust auth, listening on 127.0.0.1 only, with durability off (a test database). Debian's
 * pg_createcluster tools; run as root or postgres.
 */
export function throwawayPostgres(name: string, port: number) {
  const run = (command: string, ...args: string[]) => execFileSync(command, args, { stdio: 'pipe' }).toString();
  // Straight to pg_ctl, not through systemctl, like .ci/run.
  const ctl = (action: 'start' | 'stop') => run('pg_ctlcluster', '--skip-systemctl-redirect', VERSION, name, action);
  const exists = () => run('pg_lsclusters', '--no-header').split('\n').some((line) => line.split(/\s+/)[1] === name);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    create() {
      // A cluster left by an aborted run goes first.
      if (exists()) run('pg_dropcluster', VERSION, name, '--stop');
      run('pg_createcluster', VERSION, name, '-p', String(port), '--', '--auth=trust');
      appendFileSync(`/etc/postgresql/${VERSION}/${name}/postgresql.conf`, "listen_addresses = '127.0.0.1'\nfsync = off\nsynchronous_commit = off\n");
      ctl('start');
    },
    start: () => ctl('start'),
    // Fast shutdown: open connections are cut, as when the database host goes away.
    stop: () => ctl('stop'),
    drop() {
      if (exists()) run('pg_dropcluster', VERSION, name, '--stop');
    },
  };
}
