/** IMAP passwords at rest: AES-256-GCM, a fresh IV per value, tampering and a wrong key detected, the key kept in DATA_DIR. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretBox, keyFromString, loadMailSecretKey, SecretBoxError } from '../../server/mail/imap/secretBox.ts';

describe('the mail secret box', () => {
  const box = createSecretBox(keyFromString('a'.repeat(64)));

  it('seals so that the password does not show and two seals differ, and opens what it sealed', () => {
    const a = box.seal('hunter2-密码');
    const b = box.seal('hunter2-密码');
    expect(a).not.toContain('hunter2');
    expect(a).not.toBe(b);
    expect(box.open(a)).toBe('hunter2-密码');
  });

  it('refuses a tampered value and a value sealed under another key', () => {
    const sealed = box.seal('secret');
    const parts = sealed.split('.');
    const data = Buffer.from(parts[3]!, 'base64url');
    data[0]! ^= 1;
    expect(() => box.open([...parts.slice(0, 3), data.toString('base64url')].join('.'))).toThrow(SecretBoxError);
    expect(() => createSecretBox(keyFromString('b'.repeat(64))).open(sealed)).toThrow(/MAIL_SECRET_KEY/);
  });

  it('generates one key into DATA_DIR (mode 0600) and reuses it; MAIL_SECRET_KEY wins', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'aw-key-'));
    const [k1, k2] = await Promise.all([loadMailSecretKey(undefined, dir), loadMailSecretKey(undefined, dir)]);
    expect(k1.equals(k2)).toBe(true);
    expect(k1).toHaveLength(32);
    expect((await fs.stat(path.join(dir, 'mail-secret-key'))).mode & 0o777).toBe(0o600);
    expect(await loadMailSecretKey(undefined, dir)).toEqual(k1);
    const configured = await loadMailSecretKey('configured-key-of-some-length', dir);
    expect(configured.equals(k1)).toBe(false);
    await fs.rm(dir, { recursive: true, force: true });
  });
});
