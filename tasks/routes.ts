/**
 * Task routes: my lists (待办 / 已办 / 办结) with counts, a task with its case, its form with the
 * options the form's selects need, claim, give back (with a reason; see supervision.ts for where
 * it goes), reassign (转派), and complete with server-side validation of the form data (the
 * form's JSON Schema, then the dynamic options). Each handler loads, authorizes, acts, presents.
 */
import type { DataSource } from 'typeorm';
import { requestChangeVersion, type ApiRegistry } from '../api/src/http/route.js';
import type { WorkflowEngine, Variables } from '../engine/port.js';
import { DomainError, type FieldError } from '../errors/index.js';
import { CaseEntity } from '../cases/entities.js';
import { presentCase } from '../cases/presenter.js';
import { peopleNames } from '../cases/names.js';
import { TaskEntity, type TaskRow } from './entities.js';
import { assertCanClaim, assertCanComplete, assertCanReassign, assertCanUnclaim, loadVisibleTask, mayReassign, mayUnclaim } from './policy.js';
import { supervisorGroups } from './supervision.js';
import type { TaskView } from './queries.js';
import { createTaskLists } from './list-cache.js';

export interface FormCatalog {
  /** The form-js JSON of a form id (throws for an unknown one). */
  get(formId: string): Record<string, unknown>;
  /** Field-level errors of the submitted data against the form's JSON Schema; empty when valid. */
  validate(formId: string, data: unknown): FieldError[];
  /** Every form field's label (and its options' labels) by key, for showing submitted data. */
  labels(): Record<string, { label: string; options?: Record<string, string> }>;
}

export interface FormOption {
  label: string;
  value: string;
  /** The platform's suggestion: a form opens with it chosen. */
  suggested?: boolean;
}

/** Options for the forms' dynamic selects (`valuesKey`), given the task and its variables. */
export type FormOptionsProvider = (task: TaskRow, variables: Variables) => Promise<Record<string, FormOption[]>>;

/**
 * Who an open task may be reassigned to (转派): for a task offered to groups, their members; for
 * a task given to one person, the people its assigning form could have chosen.
 */
/** The task each of these photo ids was uploaded to (ids naming no photo are absent); photos/ provides it. */
export type PhotoOwners = (ids: string[]) => Promise<Map<string, string>>;

export type ReassignTargets = (task: TaskRow, variables: Variables, ownGroups: readonly string[]) => Promise<FormOption[]>;

/** A person's words for giving a task back or reassigning it: required, at most 500 characters. */
const reasonSchema = { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S', description: '原因 — why the task is given back or reassigned' } as const;

const problem = { description: 'problem', contentType: 'application/problem+json', schema: { $ref: '#/components/schemas/Problem' } };
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', minLength: 1, maxLength: 36 } } };

export const taskSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, caseId: { type: 'string' }, elementId: { type: 'string' }, name: { type: ['string', 'null'] },
    formId: { type: ['string', 'null'] }, assignee: { type: ['string', 'null'] }, state: { type: 'string', enum: ['created', 'completed', 'canceled'] },
    round: { type: 'integer' }, createdAt: { type: 'string', format: 'date-time' }, completedAt: { type: ['string', 'null'] },
    completedBy: { type: ['string', 'null'] },
  },
} as const;

const viewCounts = (type: 'integer' | 'boolean') => ({
  type: 'object', required: ['todo', 'done', 'closed'],
  properties: Object.fromEntries(['todo', 'done', 'closed'].map((v) => [v, type === 'integer' ? { type, minimum: 0, maximum: 1000 } : { type }])),
});
const nullableTime = { type: ['string', 'null'], format: 'date-time' };

/** An item of 待办: an open task with its case. */
const taskListItemSchema = {
  type: 'object',
  required: ['id', 'caseId', 'caseNumber', 'caseStatus', 'category', 'address', 'description', 'elementId', 'name', 'formId', 'assignee', 'state', 'round', 'createdAt', 'completedAt'],
  properties: {
    id: { type: 'string' }, caseId: { type: 'string' }, caseNumber: { type: 'string' }, caseStatus: { type: 'string' }, category: { type: 'string' },
    address: { type: 'string' }, description: { type: 'string' }, elementId: { type: 'string' }, name: { type: ['string', 'null'] },
    formId: { type: ['string', 'null'] }, assignee: { type: ['string', 'null'] }, state: { type: 'string', enum: ['created', 'completed', 'canceled'] },
    round: { type: 'integer' }, createdAt: { type: 'string', format: 'date-time' }, completedAt: nullableTime,
  },
} as const;

/** An item of 已办 / 办结: a case I worked on, and my part in it. */
const caseListItemSchema = {
  type: 'object',
  required: ['caseId', 'caseNumber', 'caseStatus', 'category', 'address', 'description', 'currentStep', 'currentStepName', 'rounds', 'closedAt', 'lastDoneAt', 'myTaskCount', 'mySteps'],
  properties: {
    caseId: { type: 'string' }, caseNumber: { type: 'string' }, caseStatus: { type: 'string', enum: ['open', 'closed', 'dismissed', 'canceled'] },
    category: { type: 'string' }, address: { type: 'string' }, description: { type: 'string' },
    currentStep: { type: ['string', 'null'], description: "the user task the case stands at (its element id); null once it ended" },
    currentStepName: { type: ['string', 'null'], description: "that step's name (执法处置 …)" },
    rounds: { type: 'integer', description: 'dispatch rounds so far' },
    closedAt: nullableTime,
    lastDoneAt: { type: 'string', format: 'date-time', description: 'when I last completed a task of the case (the order of the list)' },
    myTaskCount: { type: 'integer', minimum: 1, description: 'how many of its tasks I completed' },
    mySteps: {
      type: 'array', minItems: 1, description: 'the steps I did, in the order I first did each; `count` > 1 when a step came back (a failed re-check)',
      items: { type: 'object', required: ['elementId', 'name', 'count'], properties: { elementId: { type: 'string' }, name: { type: ['string', 'null'] }, count: { type: 'integer', minimum: 1 } } },
    },
  },
} as const;

/** The answer of GET /api/tasks. */
export const taskListSchema = {
  type: 'object',
  required: ['kind', 'items', 'total', 'totalCapped', 'limit', 'offset', 'names'],
  properties: {
    kind: { type: 'string', enum: ['task', 'case'], description: 'what `items` holds: tasks (待办) or cases (已办 / 办结)' },
    items: { type: 'array', items: { oneOf: [taskListItemSchema, caseListItemSchema] } },
    total: { type: 'integer', minimum: 0, maximum: 1000, description: 'the size of this list, counted up to 1,000' },
    totalCapped: { type: 'boolean', description: 'the list holds more than `total`' },
    limit: { type: 'integer' }, offset: { type: 'integer' },
    counts: { ...viewCounts('integer'), description: 'with `counts=true`: the size of every list (待办 tasks, 已办 / 办结 cases), each up to 1,000' },
    countsCapped: { ...viewCounts('boolean'), description: 'with `counts=true`: which lists hold more than their count' },
    names: { type: 'object', additionalProperties: { type: 'string' }, description: "the display names of the tasks' assignees by username" },
  },
} as const;

function presentTask(row: TaskRow) {
  return {
    id: row.id, caseId: row.caseId, elementId: row.elementId, name: row.name, formId: row.formId, assignee: row.assignee, state: row.state,
    round: row.round, createdAt: row.createdAt, completedAt: row.completedAt, completedBy: row.completedBy,
  };
}

/** Variables a form may show (prefill and templated text): the case's, never internal ones. */
const formDataKeys = [
  'caseNumber', 'category', 'description', 'address', 'location', 'reporterPhone', 'inspector', 'assignNotes', 'verification', 'verifyNotes', 'verifyPhotos',
  'verifyPhotoCheck', 'suggestedUnitId', 'unitCandidates', 'unitSuggestionReason', 'unitId', 'dispatchNotes', 'suggestedOfficer',
  'officerCandidates', 'officerSuggestionReason', 'officer', 'assignOfficerNotes', 'enforceResult', 'enforcePhotos', 'enforcePhotoCheck', 'review', 'reviewNotes', 'recheckInspector', 'recheckNotes',
  'recheckResult', 'recheckFindings', 'recheckPhotos', 'recheckPhotoCheck', 'dismissalDecision', 'dismissalNotes', 'reopenReason',
];

export function registerTaskRoutes(registry: ApiRegistry, deps: { dataSource: DataSource; engine: WorkflowEngine; forms: FormCatalog; options: FormOptionsProvider; reassignTargets: ReassignTargets; photoOwners: PhotoOwners }): void {
  const { dataSource, engine, forms, options, reassignTargets, photoOwners } = deps;
  const listTasks = createTaskLists(dataSource);

  /** The task's own groups in the diagram, and the groups that stand behind it (supervision.ts). */
  async function supervisionOf(task: TaskRow): Promise<{ ownGroups: string[]; supervisors: string[] }> {
    const { candidateGroups, candidateUsers } = await engine.getUserTask(task.id);
    const supervisors = await supervisorGroups(dataSource.manager, { id: task.id, caseId: task.caseId, createdAt: task.createdAt, candidateGroups, candidateUsers });
    return { ownGroups: candidateGroups, supervisors };
  }

  registry.add<Record<string, never>, { view: TaskView; limit: number; offset: number; counts: boolean }, unknown>({
    method: 'get', path: '/tasks', summary: '待办 / 已办 / 办结 — my tasks to do, and the cases I worked on', tags: ['tasks'],
    query: {
      type: 'object', additionalProperties: false,
      properties: {
        view: { type: 'string', enum: ['todo', 'done', 'closed'], default: 'todo', description: 'todo 待办 (tasks), done 已办 (my cases still open), closed 办结 (my cases that ended)' },
        limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
        offset: { type: 'integer', minimum: 0, maximum: 100000, default: 0 },
        counts: { type: 'boolean', default: false, description: 'also answer the sizes of all three lists (for the tabs)' },
      },
    },
    responses: {
      200: {
        description: '待办: a page of tasks (`kind` "task"); 已办 / 办结: a page of cases (`kind` "case"), one per case I completed a task of, with my part in it, '
          + 'the most recent of my actions first. With `counts`, the sizes of every list (待办 in tasks, 已办 / 办结 in cases); `total` and the counts stop at 1,000, '
          + 'and `totalCapped` / `countsCapped` say when there are more',
        schema: taskListSchema,
      },
      400: problem, 401: problem,
    },
    async handler(ctx, { query, principal }) {
      const page = await listTasks(principal, query.view, { ...query, withCounts: query.counts }, requestChangeVersion(ctx));
      // the cards show who holds a task by name
      const items = (page as { items?: { assignee?: string | null }[] }).items ?? [];
      ctx.body = { ...(page as object), names: await peopleNames(dataSource, items.map((t) => t.assignee)) };
    },
  });

  const labels = forms.labels();
  registry.add({
    method: 'get', path: '/forms/labels', summary: "the forms' field labels by key (to show submitted data in a case's history)", tags: ['tasks'],
    responses: {
      200: {
        description: 'labels by field key',
        schema: { type: 'object', additionalProperties: { type: 'object', properties: { label: { type: 'string' }, options: { type: 'object', additionalProperties: { type: 'string' } }, names: { type: 'string', enum: ['person', 'unit'], description: "the field's values are usernames or unit ids (see a case's `names`)" } } } },
      },
      401: problem,
    },
    async handler(ctx) {
      ctx.body = labels;
    },
  });

  registry.add<{ id: string }, Record<string, never>, unknown>({
    method: 'get', path: '/tasks/:id', summary: 'a task and its case', tags: ['tasks'], params: idParams,
    responses: {
      200: {
        description: 'the task',
        schema: { type: 'object', properties: { task: taskSchema, case: {}, canClaim: { type: 'boolean' }, canComplete: { type: 'boolean' }, canUnclaim: { type: 'boolean' }, canReassign: { type: 'boolean' } } },
      },
      401: problem, 404: problem,
    },
    async handler(ctx, { params, principal }) {
      const { task, candidate } = await loadVisibleTask(dataSource, principal, params.id);
      const row = await dataSource.getRepository(CaseEntity).findOneOrFail({ where: { id: task.caseId } });
      const open = task.state === 'created';
      const { supervisors } = open ? await supervisionOf(task) : { supervisors: [] };
      ctx.body = {
        task: presentTask(task),
        case: presentCase(row),
        canClaim: open && !task.assignee && candidate,
        canComplete: open && (task.assignee === principal.username || (!task.assignee && candidate)),
        canUnclaim: mayUnclaim(principal, task, supervisors),
        canReassign: mayReassign(principal, task, supervisors),
      };
    },
  });

  registry.add<{ id: string }, Record<string, never>, unknown>({
    method: 'get', path: '/tasks/:id/form', summary: "the task's form (form-js JSON), its data and the options of its selects", tags: ['tasks'], params: idParams,
    responses: { 200: { description: 'form, data and options' }, 401: problem, 404: problem },
    async handler(ctx, { params, principal }) {
      const { task } = await loadVisibleTask(dataSource, principal, params.id);
      if (!task.formId) throw new DomainError('not_found', `task ${task.id} has no form`);
      const variables = await engine.getVariables(task.processInstanceKey);
      const data: Variables = {};
      for (const key of formDataKeys) if (key in variables) data[key] = variables[key];
      if (task.formData) Object.assign(data, task.formData);
      const selectOptions = await options(task, variables);
      const schema = forms.get(task.formId);
      ctx.body = { formId: task.formId, schema, data: { ...preselectSuggested(schema, data, selectOptions), ...selectOptions }, options: selectOptions };
    },
  });

  registry.add<{ id: string }, Record<string, never>, unknown>({
    method: 'post', path: '/tasks/:id/claim', audit: 'task.claim', summary: 'claim a task (认领)', tags: ['tasks'], params: idParams,
    responses: { 200: { description: 'the claimed task', schema: taskSchema }, 401: problem, 403: problem, 404: problem, 409: problem },
    async handler(ctx, { params, principal }) {
      const { task, candidate } = await loadVisibleTask(dataSource, principal, params.id);
      assertCanClaim(principal, task, candidate);
      await engine.claimUserTask(task.id, principal.username, { actor: principal });
      ctx.body = presentTask(await dataSource.getRepository(TaskEntity).findOneOrFail({ where: { id: task.id } }));
    },
  });

  const draftSchema = {
    type: 'object', additionalProperties: false, required: ['data', 'photos'],
    properties: {
      data: { type: 'object', maxProperties: 100 },
      photos: { type: 'object', maxProperties: 20, additionalProperties: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 64 } } },
    },
  } as const;
  /** A draft larger than this is refused: a form's answers are far smaller. */
  const maxDraftChars = 200_000;

  registry.add<{ id: string }, Record<string, never>, unknown>({
    method: 'get', path: '/tasks/:id/draft', summary: "my draft of the task's form (草稿): the answers typed so far and the photos uploaded", tags: ['tasks'], params: idParams,
    responses: { 200: { description: '`draft`: mine, or null', schema: { type: 'object', properties: { draft: { type: ['object', 'null'] } } } }, 401: problem, 404: problem },
    async handler(ctx, { params, principal }) {
      const { task } = await loadVisibleTask(dataSource, principal, params.id);
      const row = await dataSource.getRepository(TaskEntity).findOne({ where: { id: task.id }, select: { id: true, draft: true } });
      ctx.body = { draft: task.state === 'created' && row?.draft?.by === principal.username ? row.draft : null };
    },
  });

  registry.add<{ id: string }, Record<string, never>, { data: Record<string, unknown>; photos: Record<string, string[]> }>({
    method: 'put', path: '/tasks/:id/draft', summary: "save my draft of the task's form (kept until the task is submitted)", tags: ['tasks'], params: idParams,
    body: draftSchema,
    responses: { 200: { description: 'saved', schema: { type: 'object', properties: { savedAt: { type: 'string' } } } }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 413: problem },
    async handler(ctx, { params, body, principal }) {
      const { task, candidate } = await loadVisibleTask(dataSource, principal, params.id);
      assertCanComplete(principal, task, candidate);
      if (JSON.stringify(body).length > maxDraftChars) throw new DomainError('payload.too_large', `a draft holds at most ${maxDraftChars} characters`, { field: 'data' });
      const savedAt = new Date().toISOString();
      const result = await dataSource.getRepository(TaskEntity).update({ id: task.id, state: 'created' }, { draft: { by: principal.username, savedAt, data: body.data, photos: body.photos } as never });
      if (!result.affected) throw new DomainError('task.already_completed', `task ${task.id} is no longer open`);
      ctx.body = { savedAt };
    },
  });

  registry.add<{ id: string }, Record<string, never>, { reason: string }>({
    method: 'post', path: '/tasks/:id/unclaim', audit: 'task.unclaim', summary: 'give a task back (取消认领), saying why; a task given to one person goes back to whoever assigned it',
    tags: ['tasks'], params: idParams,
    body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: reasonSchema } },
    responses: { 200: { description: 'the task', schema: taskSchema }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
    async handler(ctx, { params, body, principal }) {
      const { task } = await loadVisibleTask(dataSource, principal, params.id);
      assertCanUnclaim(principal, task, task.state === 'created' ? (await supervisionOf(task)).supervisors : []);
      await engine.unclaimUserTask(task.id, { actor: principal, reason: body.reason.trim() });
      ctx.body = presentTask(await dataSource.getRepository(TaskEntity).findOneOrFail({ where: { id: task.id } }));
    },
  });

  const optionSchema = { type: 'object', properties: { value: { type: 'string' }, label: { type: 'string' } } } as const;
  registry.add<{ id: string }, Record<string, never>, unknown>({
    method: 'get', path: '/tasks/:id/reassign-options', summary: 'who an open task may be reassigned to (转派)', tags: ['tasks'], params: idParams,
    responses: { 200: { description: 'the choices', schema: { type: 'object', properties: { options: { type: 'array', items: optionSchema } } } }, 401: problem, 403: problem, 404: problem, 409: problem },
    async handler(ctx, { params, principal }) {
      const { task } = await loadVisibleTask(dataSource, principal, params.id);
      const { ownGroups, supervisors } = task.state === 'created' ? await supervisionOf(task) : { ownGroups: [], supervisors: [] };
      assertCanReassign(principal, task, supervisors);
      const choices = await reassignTargets(task, await engine.getVariables(task.processInstanceKey), ownGroups);
      ctx.body = { options: choices.filter((o) => o.value !== task.assignee) };
    },
  });

  registry.add<{ id: string }, Record<string, never>, { assignee: string; reason: string }>({
    method: 'post', path: '/tasks/:id/reassign', audit: 'task.reassign', summary: 'give an open task to someone else (转派), saying why', tags: ['tasks'], params: idParams,
    body: {
      type: 'object', additionalProperties: false, required: ['assignee', 'reason'],
      properties: { assignee: { type: 'string', minLength: 1, maxLength: 128 }, reason: reasonSchema },
    },
    responses: { 200: { description: 'the task', schema: taskSchema }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 422: problem },
    async handler(ctx, { params, body, principal }) {
      const { task } = await loadVisibleTask(dataSource, principal, params.id);
      const { ownGroups, supervisors } = task.state === 'created' ? await supervisionOf(task) : { ownGroups: [], supervisors: [] };
      assertCanReassign(principal, task, supervisors);
      const choices = await reassignTargets(task, await engine.getVariables(task.processInstanceKey), ownGroups);
      if (!choices.some((o) => o.value === body.assignee)) {
        throw new DomainError('task.assignee_not_allowed', `${body.assignee} is not one of the people this task can be given to`, { field: 'assignee' });
      }
      await engine.reassignUserTask(task.id, body.assignee, { actor: principal, reason: body.reason.trim() });
      ctx.body = presentTask(await dataSource.getRepository(TaskEntity).findOneOrFail({ where: { id: task.id } }));
    },
  });

  registry.add<{ id: string }, Record<string, never>, { variables: Variables }>({
    method: 'post', path: '/tasks/:id/complete', audit: 'task.complete', summary: 'complete a task with its form data (办理)', tags: ['tasks'], params: idParams,
    body: { type: 'object', additionalProperties: false, required: ['variables'], properties: { variables: { type: 'object' } } },
    responses: { 200: { description: 'the completed task', schema: taskSchema }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 422: problem },
    async handler(ctx, { params, body, principal }) {
      const { task, candidate } = await loadVisibleTask(dataSource, principal, params.id);
      assertCanComplete(principal, task, candidate);
      if (task.formId) {
        const errors = forms.validate(task.formId, body.variables);
        if (errors.length) throw new DomainError('form.invalid', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors, field: errors[0].field });
        const variables = await engine.getVariables(task.processInstanceKey);
        const selectOptions = await options(task, variables);
        const form = forms.get(task.formId);
        const optionErrors = [...checkOptions(form, body.variables, selectOptions), ...(await checkPhotos(form, body.variables, task.id, photoOwners))];
        if (optionErrors.length) throw new DomainError('form.invalid', optionErrors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors: optionErrors, field: optionErrors[0].field });
      }
      if (!task.assignee) await engine.claimUserTask(task.id, principal.username, { actor: principal });
      await engine.completeUserTask(task.id, body.variables, { actor: principal });
      ctx.body = presentTask(await dataSource.getRepository(TaskEntity).findOneOrFail({ where: { id: task.id } }));
    },
  });
}

interface FormComponent {
  type?: string;
  key?: string;
  valuesKey?: string;
  components?: FormComponent[];
}

/**
 * A photo field (a form-js `filepicker`) lists photos uploaded to this very task, each once:
 * not an id that names no photo, nor a photo of another task or case (the photo-verify worker
 * would only flag it after the case had moved on). An empty list is the form schema's business.
 */
export async function checkPhotos(
  form: Record<string, unknown>, data: Variables, taskId: string, photoTasksOf: (ids: string[]) => Promise<Map<string, string>>,
): Promise<FieldError[]> {
  const fields: Array<{ key: string; ids: string[] }> = [];
  const visit = (components: FormComponent[] | undefined) => {
    for (const component of components ?? []) {
      if (component.type === 'filepicker' && component.key && Object.hasOwn(data, component.key) && Array.isArray(data[component.key])) {
        fields.push({ key: component.key, ids: (data[component.key] as unknown[]).map(String) });
      }
      visit(component.components);
    }
  };
  visit(form.components as FormComponent[] | undefined);
  const ids = [...new Set(fields.flatMap((f) => f.ids))];
  if (!ids.length) return [];
  const owners = await photoTasksOf(ids);
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const { key, ids: listed } of fields) {
    for (const id of listed) {
      const shown = JSON.stringify(id.slice(0, 64));
      let zh: string | null = null;
      let en = '';
      if (seen.has(id)) [zh, en] = [`照片 ${shown} 重复`, `photo ${shown} is listed more than once`];
      else if (!owners.has(id)) [zh, en] = [`照片 ${shown} 不存在`, `no photo ${shown}`];
      else if (owners.get(id) !== taskId) [zh, en] = [`照片 ${shown} 不是本任务上传的`, `photo ${shown} was not uploaded to this task`];
      seen.add(id);
      if (zh) {
        errors.push({ field: key, message: en, messageZh: zh });
        break; // one error per field, as the schema's errors
      }
    }
  }
  return errors;
}

/** A select fed by `valuesKey` and not answered yet opens with the suggested option chosen. */
export function preselectSuggested(form: Record<string, unknown>, data: Variables, selectOptions: Record<string, FormOption[]>): Variables {
  const out: Variables = { ...data };
  const visit = (components: FormComponent[] | undefined) => {
    for (const component of components ?? []) {
      const suggested = component.valuesKey ? selectOptions[component.valuesKey]?.find((o) => o.suggested) : undefined;
      if (component.key && suggested && (out[component.key] === undefined || out[component.key] === null || out[component.key] === '')) out[component.key] = suggested.value;
      visit(component.components);
    }
  };
  visit(form.components as FormComponent[] | undefined);
  return out;
}

/** A select fed by `valuesKey` must get one of the options the server offered. */
export function checkOptions(form: Record<string, unknown>, data: Variables, selectOptions: Record<string, FormOption[]>): FieldError[] {
  const errors: FieldError[] = [];
  const visit = (components: FormComponent[] | undefined) => {
    for (const component of components ?? []) {
      if (component.key && component.valuesKey && component.key in data && data[component.key] !== null && data[component.key] !== '') {
        const allowed = (selectOptions[component.valuesKey] ?? []).map((o) => o.value);
        const values = Array.isArray(data[component.key]) ? (data[component.key] as unknown[]) : [data[component.key]];
        for (const value of values) if (!allowed.includes(String(value))) errors.push({ field: component.key, message: `"${String(value)}" is not one of the offered choices`, messageZh: `“${String(value)}”不在可选范围内` });
      }
      visit(component.components);
    }
  };
  visit(form.components as FormComponent[] | undefined);
  return errors;
}
