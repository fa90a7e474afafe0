import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVersions, tokenStillValid } from '../../server/auth/tokenVersions.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

async function newUser(name: string, tokenVersion = 0): Promise<string> {
  const user = await t.db.user.create({ data: { email: `${name}-${Math.random()}@example.com`, name, passwordHash: 'x', tokenVersion } });
  return user.id;
}

describe('token versions, read for many users at once', () => {
  it('gives each user their own version, and null for an account that is gone', async () => {
    const versions = createTokenVersions(t.db);
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => newUser(`u${i}`, i % 4)));
    const gone = await newUser('gone');
    await t.db.user.delete({ where: { id: gone } });
    const read = await Promise.all([...ids, gone].map((id) => versions.current(id)));
    expect(read).toEqual([...ids.map((_, i) => i % 4), null]);
    // A token from before the version is refused; one of the version passes; none passes for a deleted account.
    expect(await tokenStillValid(versions, ids[3]!, 2)).toBe(false);
    expect(await tokenStillValid(versions, ids[3]!, 3)).toBe(true);
    expect(await tokenStillValid(versions, gone, 0)).toBe(false);
  });

  it('a bump made while a read is in flight wins over what the read saw', async () => {
    const versions = createTokenVersions(t.db);
    const id = await newUser('bumped');
    const before = versions.current(id);
    const bumped = await versions.bump(id);
    expect(bumped).toBe(1);
    await before;
    expect(await versions.current(id)).toBe(1);
    expect(await tokenStillValid(versions, id, 0)).toBe(false);
  });

  it('another process’s bump is seen once the cache expires', async () => {
    let clock = 1_000_000;
    const versions = createTokenVersions(t.db, () => clock);
    const id = await newUser('elsewhere');
    expect(await versions.current(id)).toBe(0);
    await t.db.user.update({ where: { id }, data: { tokenVersion: 5 } });
    expect(await versions.current(id)).toBe(0);
    clock += 1_001;
    expect(await versions.current(id)).toBe(5);
  });
});
