import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findContactMentions, loadKnowledge } from '../../agents/mail/local/knowledge.ts';
import { createLogger } from '../../server/logger.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

describe("the offline model's own addresses", () => {
  it('are the sign-in address and every mail account’s: none of them is a contact a question names', async () => {
    const user = await t.db.user.create({ data: { email: 'Me@Example.com', name: 'Alex Chen', passwordHash: 'x' } });
    await t.db.mailAccount.create({
      data: { userId: user.id, label: 'Work', emailAddress: 'Alex.Chen@northwind.example', imapHost: 'imap.northwind.example', imapUser: 'alex' },
    });
    await t.db.contact.createMany({
      data: [
        { userId: user.id, address: 'alex.chen@northwind.example', names: ['Alex Chen'], emailCount: 40 },
        { userId: user.id, address: 'alex.kim@contoso.example', names: ['Alex Kim'], emailCount: 3 },
      ],
    });
    const k = await loadKnowledge({ db: t.db, userId: user.id, timezone: 'UTC', now: () => Date.now(), log: createLogger('silent') });
    expect([...k.ownAddresses].sort()).toEqual(['alex.chen@northwind.example', 'me@example.com']);
    const named = findContactMentions('emails from Alex Kim about the rollout', k.contacts, k.ownAddresses);
    expect(named.map((m) => m.address)).toEqual(['alex.kim@contoso.example']);
    // The user's own name, from their work account's sent mail, is not someone to search by.
    expect(findContactMentions('emails from Alex Chen', k.contacts, k.ownAddresses).map((m) => m.address)).not.toContain('alex.chen@northwind.example');
  });
});
