/**
 * One process instance inside bpmn-engine, rebuilt for an action (instance-store.ts). It knows
 * how to start fresh or recover from a saved state, exposes the process variables and the
 * activities currently waiting, signals them, and snapshots the state for the database.
 * Timers do not run on setTimeout here: the engine's scheduler fires them from the database,
 * so nothing outside holds a reference to a runtime: dropping it is all eviction takes (calling
 * bpmn-engine's `stop()` would cost a quarter of a rebuild, publishing stop messages to nobody).
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Engine } from 'bpmn-engine';
import * as elements from 'bpmn-elements';
import { elementBehaviours, zeebeSchema } from './diagram.js';
import { feelExpressions, type Vars } from './feel.js';

const silentLogger = () => ({ debug() {}, error() {}, warn() {} });
/** bpmn-engine's version, as its own getState() records it (its package.json is not exported). */
const engineVersion = (JSON.parse(fs.readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('bpmn-engine')), '..', 'package.json'), 'utf8')) as { version: string }).version;

interface DefinitionLike {
  getState(): unknown;
}

export interface Waiting {
  elementId: string;
  executionId: string;
  type: string;
}

interface ActivityApi {
  id: string;
  type: string;
  executionId: string;
  content: { parent?: { executionId?: string }; expireAt?: Date | string; error?: { message?: string }; [k: string]: unknown };
  environment: { variables: Vars };
}

interface ProcessLike {
  environment: { variables: Vars };
}

export class InstanceRuntime {
  private engine: Engine;
  private readonly listener = new EventEmitter();
  /** Timer callbacks registered by bpmn-elements, by the timer's execution id. */
  private readonly timerCallbacks = new Map<string, () => void>();
  /** Due dates announced by `activity.timer`, by the waiting activity's execution id. */
  readonly timerDue = new Map<string, Date>();
  /** Errors raised during the current action. */
  errors: string[] = [];
  /** End event reached by the process, once completed. */
  endElementId: string | null = null;
  private readonly timers: InstanceType<typeof elements.Timers>;

  constructor(
    readonly key: string,
    readonly definitionKey: string,
    private readonly sourceContext: unknown,
  ) {
    this.timers = new elements.Timers({
      setTimeout: (callback: () => void, _delay: number, arg?: { executionId?: string }) => {
        const id = arg?.executionId ?? `anon-${this.timerCallbacks.size}`;
        this.timerCallbacks.set(id, callback);
        return { id };
      },
      clearTimeout: (ref?: { id?: string }) => {
        if (ref?.id) this.timerCallbacks.delete(ref.id);
      },
    } as never);
    this.listener.on('activity.timer', (api: ActivityApi) => {
      const owner = api.content.parent?.executionId ?? api.executionId;
      if (api.content.expireAt) this.timerDue.set(owner, new Date(api.content.expireAt));
    });
    this.listener.on('activity.error', (api: ActivityApi) => {
      this.errors.push(`<${api.id}> ${api.content.error?.message ?? 'failed'}`);
    });
    this.listener.on('activity.end', (api: ActivityApi) => {
      if (api.type === 'bpmn:EndEvent') this.endElementId = api.id;
    });
    this.engine = this.newEngine();
  }

  private newEngine(): Engine {
    const engine = new Engine({
      name: this.key,
      sourceContext: this.sourceContext as never,
      moddleOptions: { zeebe: zeebeSchema },
      elements: elementBehaviours,
      expressions: feelExpressions as never,
      timers: this.timers as never,
      Logger: silentLogger as never,
    });
    engine.on('error', (error: Error) => this.errors.push(error.message));
    return engine;
  }

  async start(variables: Vars): Promise<void> {
    await this.engine.execute({ listener: this.listener, variables: { pv: variables } } as never);
  }

  async recover(savedState: unknown): Promise<void> {
    this.engine = this.newEngine();
    this.engine.recover(savedState as never);
    await this.engine.resume({ listener: this.listener } as never);
  }

  private process(): ProcessLike {
    const execution = this.engine.execution as unknown as { definitions: { getProcesses(): ProcessLike[] }[] };
    return execution.definitions[0].getProcesses()[0];
  }

  get variables(): Vars {
    return (this.process().environment.variables.pv as Vars | undefined) ?? {};
  }

  /** Merges variables into the process scope (Zeebe's default propagation). */
  mergeVariables(variables: Vars): void {
    const env = this.process().environment;
    env.variables.pv = { ...this.variables, ...variables };
  }

  get failed(): boolean {
    return this.errors.length > 0 || (this.engine.state as string) === 'error';
  }

  get completed(): boolean {
    return !this.failed && (this.engine.state as string) === 'idle';
  }

  /** Activities waiting for something (user tasks, jobs, timers, messages). */
  waiting(): Waiting[] {
    if (!this.engine.execution) return [];
    const postponed = this.engine.execution.getPostponed() as unknown as ActivityApi[];
    return postponed.map((api) => ({ elementId: api.id, executionId: api.executionId, type: api.type }));
  }

  signal(elementId: string, executionId?: string, message: Vars = {}): void {
    this.errors = [];
    this.engine.execution.signal({ id: elementId, ...(executionId && { executionId }), ...message });
  }

  /** Whether this runtime armed the timer of the waiting activity (bpmn-elements registered its callback). */
  armed(activityExecutionId: string): boolean {
    return this.timerCallback(activityExecutionId) !== undefined;
  }

  /** Fires a timer this runtime armed (see `armed`). */
  fireTimer(activityExecutionId: string): void {
    this.errors = [];
    const id = this.timerCallback(activityExecutionId);
    if (id === undefined) throw new Error(`no timer armed for ${activityExecutionId}`);
    const callback = this.timerCallbacks.get(id) as () => void;
    this.timerCallbacks.delete(id);
    callback();
  }

  private timerCallback(activityExecutionId: string): string | undefined {
    for (const id of this.timerCallbacks.keys()) {
      if (id === activityExecutionId || id.startsWith(`${activityExecutionId}_`)) return id;
    }
    return undefined;
  }

  /**
   * The state to commit, without the diagram source (the deployment holds it once). Built as
   * bpmn-engine's own `getState()` does, minus `source: serialize()`: that re-serializes the
   * whole parsed diagram on every commit (a quarter of a commit's CPU) only to be thrown away.
   */
  snapshot(): string {
    const execution = this.engine.execution as unknown as { definitions: DefinitionLike[]; state: string; stopped: boolean };
    return JSON.stringify({
      name: this.engine.name,
      state: execution.state,
      stopped: execution.stopped,
      engineVersion,
      environment: this.engine.environment.getState(),
      definitions: execution.definitions.map((definition) => definition.getState()),
    });
  }
}
