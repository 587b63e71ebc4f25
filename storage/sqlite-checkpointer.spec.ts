/**
 * WAL checkpoints of a SQLite file run in their own thread (sqlite-checkpointer.ts): what the
 * platform commits reaches the database file without any commit on the event loop doing the
 * copying, and closing the DataSource stops the thread.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { openDatabase } from './data-source.js';
import { fallbackAutoCheckpointPages } from './sqlite-checkpointer.js';
import { eventually } from '../test/support/server.js';

describe('SQLite checkpoints in a worker thread', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paidan-ckpt-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('copies committed pages into the database file while the platform only appends to the WAL', async () => {
    const file = path.join(dir, 'paidan.sqlite');
    const ds = await openDatabase({ url: `sqlite:${file}` });
    try {
      const [{ wal_autocheckpoint: pages }] = await ds.query('PRAGMA wal_autocheckpoint') as { wal_autocheckpoint: number }[];
      expect(pages).to.equal(fallbackAutoCheckpointPages);
      const before = fs.statSync(file).size;
      await ds.transaction(async (tx) => {
        await tx.query('CREATE TABLE ckpt_probe (id INTEGER PRIMARY KEY, body BLOB)');
        // 12 MiB: 3,000 pages, far below the platform connection's own threshold
        for (let i = 0; i < 12; i += 1) await tx.query('INSERT INTO ckpt_probe (body) VALUES (randomblob(1048576))');
      });
      await eventually(async () => fs.statSync(file).size >= before + 12 * 2 ** 20 || undefined, 'the 12 MiB checkpointed into the database file', 30_000);
      const [{ n }] = await ds.query('SELECT COUNT(*) AS n FROM ckpt_probe') as { n: number }[];
      expect(n).to.equal(12);
    } finally {
      await ds.destroy();
    }
    // closed cleanly: the file opens again with everything in it
    const again = await openDatabase({ url: `sqlite:${file}` });
    try {
      const [{ n }] = await again.query('SELECT COUNT(*) AS n FROM ckpt_probe') as { n: number }[];
      expect(n).to.equal(12);
    } finally {
      await again.destroy();
    }
  });
});
