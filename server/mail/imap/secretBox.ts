import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Seals short secrets (IMAP passwords) with AES-256-GCM. A sealed value is
 * "v1.<iv>.<tag>.<ciphertext>" in base64url; the 12-byte IV is random per
 * value and the tag authenticates it, so a tampered or wrongly keyed value
 * fails to open instead of yielding garbage.
 */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

export class SecretBoxError extends Error {}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new SecretBoxError('The mail secret key must be 32 bytes');
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
    },
    open(sealed) {
      const [version, iv, tag, data] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || data === undefined) throw new SecretBoxError('Not a sealed secret');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretBoxError('The stored secret cannot be opened with this key (was MAIL_SECRET_KEY changed?)');
      }
    },
  };
}

/**
 * The key from MAIL_SECRET_KEY (64 hex characters or 32 bytes in base64; any
 * other string is stretched with SHA-256), or one generated once into
 * DATA_DIR/mail-secret-key (mode 0600; `wx` makes concurrent first starts agree).
 */
export async function loadMailSecretKey(configured: string | undefined, dataDir: string): Promise<Buffer> {
  if (configured) return keyFromString(configured);
  const file = path.join(dataDir, 'mail-secret-key');
  await fs.mkdir(dataDir, { recursive: true });
  try {
    await fs.writeFile(file, randomBytes(32).toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return keyFromString((await fs.readFile(file, 'utf8')).trim());
}

export function keyFromString(s: string): Buffer {
  if (/^[0-9a-f]{64}$/i.test(s)) return Buffer.from(s, 'hex');
  const b64 = /^[A-Za-z0-9+/_-]{43}=?$/.test(s) ? Buffer.from(s, 'base64') : undefined;
  if (b64?.length === 32) return b64;
  return createHash('sha256').update(s, 'utf8').digest();
}
