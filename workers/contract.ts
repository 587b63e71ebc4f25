/**
 * The job-worker contract shared by every service-task type. A worker is engine-agnostic:
 * a declared task type, an ajv schema for the variables it reads, and a plain async
 * function from those variables to result variables. The engine adapters (embedded and
 * Zeebe) run it through `runJob`, which validates input and turns thrown errors into
 * failures (retried with backoff) and `BpmnError`s into business outcomes.
 */
import type { JSONSchemaType, ValidateFunction } from 'ajv';
import { ajv } from '../api/src/validation/ajv.js';

/** What a worker knows about the job it runs (the same on both engines). */
export interface JobContext {
  /** Unique, stable key of this job: use it to make side effects idempotent. */
  jobKey: string;
  type: string;
  processInstanceKey: string;
  bpmnProcessId: string;
  processVersion: number;
  elementId: string;
  /** Static `zeebe:taskHeaders` of the service task. */
  headers: Record<string, string>;
  /** Retries left, counting this attempt. */
  retries: number;
}

/** A business outcome the process models (an error boundary event catches it by code). */
export class BpmnError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly variables: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'BpmnError';
  }
}

/** A transient failure: the job is retried after `retryBackoffMs` while retries remain. */
export class JobFailure extends Error {
  constructor(
    message: string,
    readonly retryBackoffMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'JobFailure';
  }
}

export interface Worker<Input, Output extends Record<string, unknown> = Record<string, unknown>> {
  /** The `zeebe:taskDefinition type` this worker serves. */
  readonly type: string;
  /** Schema of the process variables the worker reads; extra variables are ignored. */
  readonly inputSchema: JSONSchemaType<Input> | Record<string, unknown>;
  /** Retries a job of this type gets before it raises an incident (default 3). */
  readonly retries?: number;
  handle(variables: Input, job: JobContext): Promise<Output>;
}

export type JobResult =
  | { kind: 'complete'; variables: Record<string, unknown> }
  | { kind: 'bpmnError'; code: string; message: string; variables: Record<string, unknown> }
  | { kind: 'fail'; message: string; retryBackoffMs: number; permanent: boolean };

const validators = new WeakMap<object, ValidateFunction>();

function validatorFor(worker: Worker<unknown>): ValidateFunction {
  let validate = validators.get(worker);
  if (!validate) {
    validate = ajv.compile(worker.inputSchema as object);
    validators.set(worker, validate);
  }
  return validate;
}

/** Default backoff for the n-th failed attempt: 1 s, 2 s, 4 s … capped at 5 minutes. */
export function defaultBackoffMs(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 300_000);
}

/**
 * Runs one job through a worker and classifies the outcome. Invalid input is a permanent
 * failure (retrying cannot fix the variables): it raises an incident at once.
 */
export async function runJob(
  worker: Worker<unknown>,
  variables: Record<string, unknown>,
  job: JobContext,
  attempt = 1,
): Promise<JobResult> {
  const validate = validatorFor(worker);
  if (!validate(variables)) {
    const detail = (validate.errors ?? [])
      .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
      .join('; ');
    return { kind: 'fail', message: `invalid input for ${worker.type}: ${detail}`, retryBackoffMs: 0, permanent: true };
  }
  try {
    const output = await worker.handle(variables, job);
    return { kind: 'complete', variables: output };
  } catch (error) {
    if (error instanceof BpmnError) {
      return { kind: 'bpmnError', code: error.code, message: error.message, variables: error.variables };
    }
    const message = error instanceof Error ? error.message : String(error);
    const backoff = error instanceof JobFailure && error.retryBackoffMs !== undefined ? error.retryBackoffMs : defaultBackoffMs(attempt);
    return { kind: 'fail', message, retryBackoffMs: backoff, permanent: false };
  }
}
