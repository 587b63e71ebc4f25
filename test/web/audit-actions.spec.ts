/**
 * The audit page's words cover every action code the server writes: the codes are read from
 * the sources (route `audit:` names, `action:` fields, and the identity module's audit calls),
 * so a new audited action without Chinese words fails here instead of showing its code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { auditActions, auditActionLabel } from '../../web/src/pages/admin/audit-actions.js';

const root = path.resolve('.');
const skipped = new Set(['node_modules', 'web', 'test', 'bench', 'data', 'dist', '.git']);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return skipped.has(entry.name) || entry.name.startsWith('.') ? [] : sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.startsWith('test-support') ? [full] : [];
  });
}

/** Lines that name an audit action, and the dotted codes quoted on them. */
const auditing = /\baudit: '|\baction[:,]? '|\bauditAs\(|\blog\(origin, '|\bcountFailure\(account, origin, '/;
const code = /'([a-z][a-z-]*(?:\.[a-z_]+)+)'/g;

describe('web: audit action words', () => {
  const written = new Set<string>();
  for (const file of sources(root)) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!auditing.test(line)) continue;
      for (const m of line.matchAll(code)) written.add(m[1]);
    }
  }

  it('finds the codes the server writes', () => {
    for (const known of ['auth.login', 'user.role', 'user.password_reset', 'device.unbind', 'password.change', 'task.complete', 'category.update']) expect(written, known).to.include(known);
  });

  it('has zh-CN and English words for every one of them', () => {
    const missing = [...written].filter((c) => !auditActions[c]);
    expect(missing).to.deep.equal([]);
    for (const c of written) expect(auditActionLabel(c, 'zh-CN'), c).to.match(/\p{Script=Han}/u).and.not.include('.');
  });
});
