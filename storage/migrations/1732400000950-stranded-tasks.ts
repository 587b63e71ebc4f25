/**
 * Before tasks given back went to whoever assigned them (tasks/supervision.ts), a 现场核实, 执法处置
 * or 核查 given back was left with no assignee and no candidate: nobody could claim it and its
 * case stayed 办理中 for ever. This offers each such task to the groups of the task that chose
 * its person (the last group task of its case completed before it), or to the dispatchers.
 * Data only, so there is nothing to undo.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class StrandedTasks1732400000950 implements MigrationInterface {
  name = 'StrandedTasks1732400000950';

  async up(q: QueryRunner): Promise<void> {
    const stranded = await q.query(
      `SELECT t.id AS id, t.case_id AS caseId, t.created_at AS createdAt FROM task_record t
       WHERE t.state = 'created' AND t.assignee IS NULL AND NOT EXISTS (SELECT 1 FROM task_candidate c WHERE c.task_id = t.id)`,
    ) as { id: string; caseId: string; createdAt: unknown }[];
    for (const task of stranded) {
      const offers = await q.query(
        `SELECT p.id AS id, c.candidate AS candidate FROM task_record p JOIN task_candidate c ON c.task_id = p.id
         WHERE p.case_id = ? AND p.state = 'completed' AND p.completed_at <= ? AND p.id <> ? AND c.candidate LIKE 'group:%'
         ORDER BY p.completed_at DESC`,
        [task.caseId, task.createdAt, task.id],
      ) as { id: string; candidate: string }[];
      const groups = offers.length ? offers.filter((o) => o.id === offers[0].id).map((o) => o.candidate) : ['group:dispatcher'];
      for (const candidate of groups) {
        await q.query('INSERT INTO task_candidate (task_id, candidate, open, created_at) VALUES (?, ?, 1, ?)', [task.id, candidate, task.createdAt]);
      }
    }
  }

  async down(): Promise<void> {}
}
