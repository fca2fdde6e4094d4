import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';

/** Debian's dovecot (package dovecot-imapd); `.ci/run` installs it. */
export const DOVECOT = '/usr/sbin/dovecot';
export const dovecotInstalled = (): boolean => existsSync(DOVECOT);

/** A free TCP port on 127.0.0.1: bound on port 0, then released for dovecot (which needs a number). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether the server on `port` greets with an IMAP `* OK`. */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let text = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('\r\n')) done(text.startsWith('* OK'));
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}

export interface Dovecot {
  host: string;
  port: number;
  user: string;
  password: string;
  dir: string;
  running: boolean;
  /** Starts (or starts again) the server on the same port and mail directory; resolves once it greets. */
  start(): Promise<void>;
  /** Stops the server; resolves once it has exited. */
  stop(): Promise<void>;
  /** A logged-in client (the test's own view of the mailbox); log it out when done. */
  client(): Promise<ImapFlow>;
  /** Appends messages to a mailbox (created when missing), as another mail system would deliver them. */
  append(raws: Array<string | Buffer>, mailbox?: string): Promise<void>;
  /** The server's log, for a failing test's message. */
  log(): string;
  /** Stops the server and removes its directory. */
  cleanup(): Promise<void>;
}

/**
 * A throwaway dovecot IMAP server: its own config, sockets, state and maildir under a temp dir, run as the
 * current user, cleartext LOGIN with one passwd-file user, listening on 127.0.0.1 on a free port. Not
 * started until `start()` (a test may first point abusedesk at a server that is down).
 */
export async function createDovecot(o: { user?: string; password?: string } = {}): Promise<Dovecot> {
  const user = o.user ?? 'abuse';
  const password = o.password ?? 'imap-test-secret';
  const dir = mkdtempSync(join(tmpdir(), 'abusedesk-dovecot-'));
  const port = await freePort();
  const me = userInfo();
  // Dovecot refuses to run its login and internal processes as root: as root (CI containers) they run as the
  // package's own dovecot and dovenull users, which must be able to reach the sockets under the temp dir.
  const asRoot = me.uid === 0;
  const internalUser = asRoot ? 'dovecot' : me.username;
  const loginUser = asRoot ? 'dovenull' : me.username;
  const group = asRoot ? 'dovecot' : (readGroupName(me.gid) ?? me.username);
  // …and mail may not be read as root either: the mailbox then belongs to the dovecot user.
  const mailUid = asRoot ? uidOf('dovecot') : me.uid;
  const mailGid = asRoot ? gidOf('dovecot') : me.gid;
  if (asRoot) chmodSync(dir, 0o755);
  for (const d of ['run', 'state', 'mail']) mkdirSync(join(dir, d));
  if (asRoot) chownSync(join(dir, 'mail'), mailUid, mailGid);
  writeFileSync(
    join(dir, 'users'),
    `${user}:{PLAIN}${password}:${mailUid}:${mailGid}::${join(dir, 'mail', user)}::\n`,
  );
  writeFileSync(
    join(dir, 'dovecot.conf'),
    `# throwaway test server
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# a refused login is answered at once (the default waits 2 s to slow down guessing)
auth_failure_delay = 0
default_internal_user = ${internalUser}
default_internal_group = ${group}
default_login_user = ${loginUser}
first_valid_uid = ${mailUid}
first_valid_gid = ${mailGid}
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/users
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`,
  );
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const log = (): string => {
    try {
      return readFileSync(join(dir, 'dovecot.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const d: Dovecot = {
    host: '127.0.0.1',
    port,
    user,
    password,
    dir,
    running: false,
    async start() {
      if (child) return;
      const proc = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      proc.stdout.on('data', (b: Buffer) => (output += b.toString()));
      proc.stderr.on('data', (b: Buffer) => (output += b.toString()));
      child = proc;
      exited = new Promise((resolve) => proc.once('exit', () => resolve()));
      let gone = false;
      void exited.then(() => {
        gone = true;
        if (child === proc) child = null;
        d.running = false;
      });
      const deadline = Date.now() + 15_000;
      while (!(await greets(port))) {
        if (gone) throw new Error(`dovecot exited at start:\n${output}\n${log()}`);
        if (Date.now() > deadline) {
          await d.stop();
          throw new Error(`dovecot did not greet on port ${port}:\n${output}\n${log()}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      d.running = true;
    },
    async stop() {
      if (!child) return;
      child.kill('SIGTERM');
      await exited;
      child = null;
      d.running = false;
    },
    async client() {
      const c = new ImapFlow({
        host: '127.0.0.1',
        port,
        secure: false,
        doSTARTTLS: false,
        auth: { user, pass: password },
        logger: false,
        disableAutoIdle: true,
      });
      c.on('error', () => undefined);
      await c.connect();
      return c;
    },
    async append(raws, mailbox = 'INBOX') {
      const c = await d.client();
      try {
        if (mailbox !== 'INBOX' && !(await c.list()).some((b) => b.path === mailbox))
          await c.mailboxCreate(mailbox);
        for (const raw of raws) await c.append(mailbox, raw);
      } finally {
        await c.logout();
      }
    },
    log,
    async cleanup() {
      await d.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return d;
}

/** A system user's uid and gid from /etc/passwd. */
function passwdEntry(name: string): string[] {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no ${name} user: is dovecot-imapd installed?`);
  return line.split(':');
}
const uidOf = (name: string): number => Number(passwdEntry(name)[2]);
const gidOf = (name: string): number => Number(passwdEntry(name)[3]);

/** The name of a group id from /etc/group (dovecot wants names), or null. */
function readGroupName(gid: number): string | null {
  try {
    const line = readFileSync('/etc/group', 'utf8')
      .split('\n')
      .find((l) => l.split(':')[2] === String(gid));
    return line ? line.split(':')[0]! : null;
  } catch {
    return null;
  }
}
