/**
 * A throwaway Dovecot IMAP server for tests: its own config, passwd-file users
 * and maildirs in a temp dir, on a free port, plaintext IMAP on 127.0.0.1.
 * Mail is delivered by writing maildir files directly (as an MTA does), so
 * thousands of messages take a moment. Mail processes run as `nobody`
 * (Dovecot refuses root), so the temp tree is world-writable.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const DOVECOT_BIN = process.env.DOVECOT_BIN ?? '/usr/sbin/dovecot';
const DOVEADM_BIN = process.env.DOVEADM_BIN ?? '/usr/bin/doveadm';

/** Why the dovecot tests cannot run here, or null when they can. */
export function dovecotUnavailable(): string | null {
  if (!existsSync(DOVECOT_BIN)) return `${DOVECOT_BIN} is not installed (apt-get install dovecot-imapd; .ci/run installs it)`;
  if (process.getuid?.() !== 0) return 'the throwaway Dovecot needs root (it switches to the nobody user for mail)';
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dovecot exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('data', (d) => {
        sock.destroy();
        resolve(d.toString().startsWith('* OK'));
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`dovecot did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface DovecotUser {
  username: string;
  password: string;
}

export interface Dovecot {
  host: string;
  port: number;
  dir: string;
  /** A new user with an empty INBOX and Sent (one made at start while they last). */
  addUser(name?: string, password?: string): Promise<DovecotUser>;
  /** Writes one message file into a folder's maildir `new/` (the next UID). Returns the file path. */
  deliver(user: string, raw: string | Buffer, mailbox?: string): Promise<string>;
  /** Writes many messages quickly (files in `cur/`, marked seen). */
  deliverMany(user: string, raws: (string | Buffer)[], mailbox?: string): Promise<void>;
  /** Runs doveadm against this server's config. */
  doveadm(args: string[]): { status: number | null; stdout: string; stderr: string };
  /** Kills the server and every connection (the port is freed); `start` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

export async function startDovecot(opts: { users?: number } = {}): Promise<Dovecot> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'aw-dovecot-'));
  await fs.chmod(dir, 0o755);
  const port = await freePort();
  const users = new Map<string, string>();
  const conf = path.join(dir, 'dovecot.conf');
  const passwd = path.join(dir, 'passwd');
  await fs.mkdir(path.join(dir, 'run'), { mode: 0o755 });
  await fs.mkdir(path.join(dir, 'home'), { mode: 0o777 });
  await fs.chmod(path.join(dir, 'home'), 0o777);
  // Users made up front: Dovecot may not notice a passwd-file rewritten within the same second.
  const spare: DovecotUser[] = Array.from({ length: opts.users ?? 12 }, (_, i) => ({
    username: `user${i + 1}`,
    password: `pw-${randomBytes(6).toString('hex')}`,
  }));
  for (const u of spare) users.set(u.username, u.password);
  await fs.writeFile(passwd, [...users].map(([u, p]) => `${u}:{PLAIN}${p}::::::`).join('\n') + '\n');
  await fs.writeFile(
    conf,
    `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/run
instance_name = aw-${path.basename(dir)}
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = 1
mail_location = maildir:${dir}/home/%u/Maildir
mailbox_idle_check_interval = 1 secs
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${passwd}
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${dir}/home/%u
}
namespace inbox {
  inbox = yes
  mailbox Sent {
    special_use = \\Sent
    auto = create
  }
}
protocol imap {
  imap_idle_notify_interval = 1 mins
}
`,
  );

  let child: ChildProcess | undefined;
  const start = async () => {
    // Its own process group, so stopping it takes the login and imap processes with it.
    child = spawn(DOVECOT_BIN, ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    try {
      await waitForPort(port, child);
    } catch (err) {
      const log = await fs.readFile(path.join(dir, 'dovecot.log'), 'utf8').catch(() => '');
      throw new Error(`${(err as Error).message}\n${stderr}\n${log}`);
    }
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    // SIGKILL to the group: open IMAP connections drop at once, as when a server dies.
    process.kill(-c.pid!, 'SIGKILL');
    await exited;
  };
  await start();

  const maildir = (user: string, mailbox = 'INBOX') =>
    path.join(dir, 'home', user, 'Maildir', mailbox === 'INBOX' ? '' : `.${mailbox}`);
  const ensureMaildir = async (user: string, mailbox?: string) => {
    const base = maildir(user, mailbox);
    for (const sub of ['', 'new', 'cur', 'tmp']) await fs.mkdir(path.join(base, sub), { recursive: true, mode: 0o777 });
  };
  const fileName = () => `${Math.floor(Date.now() / 1000)}.M${++counter}P${process.pid}R${randomBytes(4).toString('hex')}.aw`;
  const chownTree = (p: string) => spawnSync('chown', ['-R', 'nobody:nogroup', p]);

  return {
    host: '127.0.0.1',
    port,
    dir,
    async addUser(name?: string, password = `pw-${randomBytes(6).toString('hex')}`) {
      const pre = name === undefined ? spare.shift() : undefined;
      if (pre) {
        await ensureMaildir(pre.username);
        await ensureMaildir(pre.username, 'Sent');
        chownTree(path.join(dir, 'home', pre.username));
        return pre;
      }
      name ??= `u${randomBytes(4).toString('hex')}`;
      users.set(name, password);
      await fs.writeFile(passwd, [...users].map(([u, p]) => `${u}:{PLAIN}${p}::::::`).join('\n') + '\n');
      // Dovecot re-reads the file when its mtime or size changed: same-size writes within a second need a new mtime.
      const stamp = Math.floor(Date.now() / 1000) + users.size * 10;
      await fs.utimes(passwd, stamp, stamp);
      await ensureMaildir(name);
      await ensureMaildir(name, 'Sent');
      chownTree(path.join(dir, 'home', name));
      return { username: name, password };
    },
    async deliver(user, raw, mailbox = 'INBOX') {
      await ensureMaildir(user, mailbox);
      const name = fileName();
      const tmp = path.join(maildir(user, mailbox), 'tmp', name);
      const dest = path.join(maildir(user, mailbox), 'new', name);
      await fs.writeFile(tmp, raw, { mode: 0o666 });
      await fs.rename(tmp, dest);
      return dest;
    },
    async deliverMany(user, raws, mailbox = 'INBOX') {
      await ensureMaildir(user, mailbox);
      const cur = path.join(maildir(user, mailbox), 'cur');
      const chunk = 200;
      for (let i = 0; i < raws.length; i += chunk) {
        await Promise.all(raws.slice(i, i + chunk).map((raw) => fs.writeFile(path.join(cur, `${fileName()}:2,S`), raw, { mode: 0o666 })));
      }
      // Let Dovecot number them now, so mail delivered afterwards gets higher UIDs (as on a live server).
      spawnSync(DOVEADM_BIN, ['-c', conf, 'mailbox', 'status', '-u', user, 'messages', mailbox]);
      chownTree(path.join(dir, 'home', user));
    },
    doveadm(args) {
      const r = spawnSync(DOVEADM_BIN, ['-c', conf, ...args], { encoding: 'utf8' });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    stop,
    start,
    async close() {
      await stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A small RFC 5322 message. */
export function rawEmail(o: {
  messageId: string;
  from?: string;
  to?: string;
  subject: string;
  body: string;
  date?: Date;
  inReplyTo?: string;
}): string {
  const headers = [
    `From: ${o.from ?? 'Sender <sender@example.com>'}`,
    `To: ${o.to ?? 'me@example.com'}`,
    `Subject: ${o.subject}`,
    `Date: ${(o.date ?? new Date()).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${o.messageId}`,
    ...(o.inReplyTo ? [`In-Reply-To: ${o.inReplyTo}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  return headers.join('\r\n') + '\r\n\r\n' + o.body.replace(/\r?\n/g, '\r\n') + '\r\n';
}
