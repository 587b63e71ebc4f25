/**
 * Uploads are received into `<folder>/.tmp/<uuid>.part` and renamed into place once checked
 * (photos, law documents). A request that ends removes its own part file; one the process was
 * killed in the middle of stays behind, so each store sweeps its folder at start-up, before the
 * server takes uploads.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';

/** Removes every `*.part` file in `tmpDir` (none of them can be in use yet); returns how many. */
export async function sweepPartFiles(tmpDir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(tmpDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  const parts = names.filter((name) => name.endsWith('.part'));
  await Promise.all(parts.map((name) => rm(path.join(tmpDir, name), { force: true })));
  return parts.length;
}
