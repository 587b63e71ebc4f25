// Extraction in its own worker thread: the same text as in-process, refusals with their codes,
// and the main thread's memory untouched by what the thread inflates.
import { expect } from 'chai';
import { isDomainError } from '../errors/index.js';
import { extractDocument } from './extract.js';
import { extractOffThread } from './extract-thread.js';
import { buildDocx } from './fixtures/office-files.js';
import { sampleParagraphs, sampleTitle } from './fixtures/sample.js';

describe('law extraction in a worker thread', function () {
  this.timeout(60_000);

  it('reads the same text as in-process', async () => {
    const docx = buildDocx(sampleTitle, sampleParagraphs);
    const [inThread, inProcess] = await Promise.all([extractOffThread(docx), extractDocument(docx)]);
    expect(inThread).to.deep.equal(inProcess);
  });

  it('refuses with the code the extraction gave, and the main thread stays small', async () => {
    const big = buildDocx(sampleTitle, ['第一条　' + 'x'.repeat(16 * 1024 * 1024)]);
    const before = process.memoryUsage().heapUsed;
    try {
      await extractOffThread(big, { maxInflatedBytes: 1024 * 1024 });
      expect.fail('accepted');
    } catch (error) {
      expect(isDomainError(error, 'law.too_large'), String(error)).to.equal(true);
      expect((error as { extra: { field?: string } }).extra.field).to.equal('file');
    }
    expect(process.memoryUsage().heapUsed - before, 'main-thread heap growth').to.be.below(32 * 1024 * 1024);
    try {
      await extractOffThread(Buffer.from([0, 1, 2, 3, 0xff]));
      expect.fail('accepted');
    } catch (error) {
      expect(isDomainError(error, 'law.unsupported_type'), String(error)).to.equal(true);
    }
  });
});
