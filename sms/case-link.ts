/**
 * A complaint SMS linked to a case inside another module's transaction: the repeat that brought
 * a closed case back (重新开启, cases/routes.ts) is linked and marked handled in the reopening's
 * own transaction, so there is never a reopened case without its message or the reverse.
 */
import type { DataSource } from 'typeorm';
import { DomainError } from '../errors/index.js';
import type { CaseMessageLinks } from '../cases/routes.js';
import { InboxEntity } from './entities.js';

export function createCaseMessageLinks(dataSource: DataSource): CaseMessageLinks {
  const check = (row: { id: number; caseId: string | null } | null, messageId: number, caseId: string) => {
    if (!row) throw new DomainError('not_found', `no inbox message ${messageId}`, { field: 'messageId', detailZh: `短信不存在：${messageId}` });
    if (row.caseId && row.caseId !== caseId) {
      throw new DomainError('conflict', `message ${messageId} already belongs to another case`, { field: 'messageId', caseId: row.caseId, detailZh: '该短信已关联到其他案件' });
    }
  };
  return {
    async assertLinkable(messageId, caseId) {
      check(await dataSource.getRepository(InboxEntity).findOne({ where: { id: messageId }, select: { id: true, caseId: true } }), messageId, caseId);
    },
    async link(tx, messageId, caseId, by) {
      const now = new Date();
      const result = await tx.getRepository(InboxEntity).createQueryBuilder().update()
        .set({ caseId, handled: true, handledAt: now, handledBy: by })
        .where('id = :id AND (case_id IS NULL OR case_id = :caseId)', { id: messageId, caseId }).execute();
      if (result.affected !== 1) check(await tx.getRepository(InboxEntity).findOne({ where: { id: messageId }, select: { id: true, caseId: true } }), messageId, caseId);
      if (result.affected !== 1) throw new DomainError('conflict', `message ${messageId} could not be linked`, { field: 'messageId' });
    },
  };
}
