/** The lockout of names without a usable account: the same rules as an account's, and a bounded table. */
import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../test/support/database.js';
import { NameLockoutEntity } from './entities.js';
import { NameLockouts, nameLockoutKey } from './name-lockout.js';

describe('identity: name lockout (unknown and disabled names)', function () {
  this.timeout(30_000);
  let db: TestDatabase;
  let clock: number;
  const now = () => new Date(clock);

  beforeEach(async () => {
    db = await createTestDatabase();
    clock = Date.parse('2031-03-02T08:00:00Z');
  });
  afterEach(() => db.drop());

  const fail = (lockouts: NameLockouts, name: string) => db.dataSource.transaction((tx) => lockouts.fail(tx, name));

  it('locks at the threshold, does not count while locked, and counts afresh once the lock runs out', async () => {
    const lockouts = new NameLockouts({ threshold: 3, lockMs: 60_000, now });
    expect([await fail(lockouts, 'ghost'), await fail(lockouts, 'ghost'), await fail(lockouts, 'ghost'), await fail(lockouts, 'ghost')])
      .to.deep.equal(['counted', 'counted', 'now-locked', 'locked']);
    clock += 60_001;
    expect([await fail(lockouts, 'ghost'), await fail(lockouts, 'ghost'), await fail(lockouts, 'ghost')]).to.deep.equal(['counted', 'counted', 'now-locked']);
    // only the hash of the name is stored
    const rows = await db.dataSource.getRepository(NameLockoutEntity).find();
    expect(rows.map((r) => r.nameHash)).to.deep.equal([nameLockoutKey('ghost')]);
    expect(rows[0].nameHash).to.match(/^[0-9a-f]{64}$/).and.not.include('ghost');
  });

  it('keeps at most maxNames rows, forgetting idle names before locked ones', async () => {
    const lockouts = new NameLockouts({ threshold: 2, lockMs: 3_600_000, now, maxNames: 10 });
    await fail(lockouts, 'locked-one');
    clock += 1;
    expect(await fail(lockouts, 'locked-one')).to.equal('now-locked');
    for (let i = 0; i < 30; i += 1) {
      clock += 1_000;
      await fail(lockouts, `spray-${i}`);
    }
    const count = await db.dataSource.getRepository(NameLockoutEntity).count();
    expect(count).to.be.at.most(10);
    expect(await fail(lockouts, 'locked-one'), 'the locked name was kept').to.equal('locked');
    expect(await db.dataSource.getRepository(NameLockoutEntity).findOneBy({ nameHash: nameLockoutKey('spray-29') }), 'the newest name was kept').to.not.equal(null);
  });
});
