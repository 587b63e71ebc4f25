/**
 * Builds the pages with Vite when web/dist is missing or older than their sources — run by
 * `npm start` (prestart) and by the browser tests, so a fresh clone needs no separate step.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const webDist = path.join(repo, 'web', 'dist');
const sources = ['web/src', 'web-modeler/src', 'web/index.html', 'web/public', 'web/vite.config.ts', 'processes/enforcement-case.bpmn', 'package-lock.json'].map((p) => path.join(repo, p));

function newest(p: string): number {
  const stat = fs.statSync(p, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(p).map((f) => newest(path.join(p, f))));
}

export function webBuildIsStale(): boolean {
  const built = fs.statSync(path.join(webDist, 'index.html'), { throwIfNoEntry: false });
  return !built || Math.max(...sources.map(newest)) > built.mtimeMs;
}

/** Builds when stale; answers whether it built. */
export async function ensureWebBuild(log: (line: string) => void = console.log): Promise<boolean> {
  if (!webBuildIsStale()) return false;
  log('building the web pages (vite build) …');
  const started = Date.now();
  const { build } = await import('vite');
  await build({ configFile: path.join(repo, 'web', 'vite.config.ts'), logLevel: 'warn' });
  log(`web pages built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureWebBuild().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
