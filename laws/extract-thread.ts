/**
 * Reading a document's text off the request's event loop: each extraction runs in its own
 * worker thread (pdf.js, mammoth and the inflating are CPU- and memory-heavy), with a heap
 * limit and a time limit; the thread ends afterwards, so its memory is returned. The same file
 * is the worker's code (it runs extractDocument on what it is sent), entered through
 * extract-thread-boot.mjs, which gives the thread tsx's loader.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { DomainError, isDomainError, type ErrorCode } from '../errors/index.js';
import { extractDocument, type ExtractedDocument, type ExtractOptions } from './extract.js';

export interface ThreadLimits {
  /** Longest an extraction may take (default 60 s). */
  timeoutMs?: number;
  /** The thread's heap (default 512 MB). */
  heapMb?: number;
}

type Answer = { ok: true; document: ExtractedDocument } | { ok: false; code: ErrorCode | null; message: string; extra?: Record<string, unknown> };

export function extractOffThread(bytes: Buffer, options: ExtractOptions = {}, limits: ThreadLimits = {}): Promise<ExtractedDocument> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./extract-thread-boot.mjs', import.meta.url), {
      workerData: { bytes, options },
      resourceLimits: { maxOldGenerationSizeMb: limits.heapMb ?? 512 },
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      fn();
    };
    const timer = setTimeout(() => settle(() => reject(new DomainError('law.unreadable', `reading the document took longer than ${limits.timeoutMs ?? 60_000} ms`, { field: 'file' }))), limits.timeoutMs ?? 60_000);
    worker.once('message', (answer: Answer) => settle(() => {
      if (answer.ok) resolve(answer.document);
      else reject(answer.code ? new DomainError(answer.code, answer.message, { field: 'file', ...answer.extra }) : new Error(answer.message));
    }));
    worker.once('error', (error) => settle(() => {
      // the heap limit ends the thread with ERR_WORKER_OUT_OF_MEMORY: the document is too much to read
      const outOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      reject(outOfMemory ? new DomainError('law.too_large', 'reading the document needs more memory than a document may take', { field: 'file', cause: error }) : error);
    }));
    worker.once('exit', (code) => settle(() => reject(new Error(`the extraction thread stopped (exit ${code})`))));
  });
}

if (!isMainThread && parentPort && (workerData as { bytes?: unknown })?.bytes) {
  const { bytes, options } = workerData as { bytes: Uint8Array; options: ExtractOptions };
  extractDocument(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), options).then(
    (document) => parentPort!.postMessage({ ok: true, document } satisfies Answer),
    (error: unknown) => parentPort!.postMessage((isDomainError(error)
      ? { ok: false, code: error.code, message: error.detail ?? error.message, extra: Object.fromEntries(Object.entries(error.extra).filter(([k, v]) => k !== 'cause' && typeof v !== 'object')) }
      : { ok: false, code: null, message: (error as Error).message }) satisfies Answer),
  );
}
