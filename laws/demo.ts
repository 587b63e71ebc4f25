/**
 * Demo regulations for the embedded default (SEED_DEMO): four short rules of the 城东区 demo
 * district, written for the demo (not real legal texts), kept as Markdown and plain-text files
 * in laws/demo/ and loaded through the library like any upload. Idempotent: a file already
 * in the library (same bytes) is skipped.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LawDocumentEntity } from './entities.js';
import type { LawLibrary, LawMetadata } from './library.js';

const demoDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'demo');

export const demoLaws: (LawMetadata & { file: string })[] = [
  { file: 'shirong.md', title: '城东区市容和环境卫生管理规定', issuer: '城东区人民政府', docNumber: '城东政发〔2023〕12号', effectiveDate: '2023-07-01' },
  { file: 'zhandao.txt', title: '城东区占道经营管理办法', issuer: '城东区人民政府', docNumber: '城东政发〔2022〕8号', effectiveDate: '2022-10-01' },
  { file: 'guanggao.md', title: '城东区户外广告和招牌设置规范', issuer: '城东区城市管理局', docNumber: '城东城管〔2024〕3号', effectiveDate: '2024-03-01' },
  { file: 'lvhua-2015.txt', title: '城东区园林绿化管理暂行规定', issuer: '城东区人民政府', docNumber: '城东政发〔2015〕21号', effectiveDate: '2015-05-01', status: 'repealed' },
];

/** Loads the demo regulations that are not in the library yet; returns how many were added. */
export async function seedDemoLaws(library: LawLibrary, options: { uploadedBy?: string } = {}): Promise<number> {
  const repository = library.dataSource.getRepository(LawDocumentEntity);
  let added = 0;
  for (const { file, ...metadata } of demoLaws) {
    const bytes = await readFile(path.join(demoDir, file));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (await repository.existsBy({ sha256 })) continue;
    await library.add(await library.stage(bytes), metadata, { uploadedBy: options.uploadedBy ?? 'admin', originalName: file });
    added += 1;
  }
  return added;
}
