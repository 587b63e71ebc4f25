/**
 * One running process instance inside bpmn-engine, kept in memory between actions. It knows
 * how to start fresh or recover from a saved state, exposes the process variables and the
 * activities currently waiting, signals them, and snapshots the state for the database.
 * Timers do not run on setTimeout here: the adapter's scheduler fires them from the database.
 */
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import * as elements from 'bpmn-elements';
import { elementBehaviours, zeebeSchema } from './diagram.js';
import { feelExpressions, type Vars } from './feel.js';

const silentLogger = () => ({ debug() {}, error() {}, warn() {} });

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
    public revision: number,
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

  /** Fires a due timer: the stored callback when this runtime armed it, else the caller reloads. */
  fireTimer(activityExecutionId: string): boolean {
    this.errors = [];
    for (const [id, callback] of this.timerCallbacks) {
      if (id === activityExecutionId || id.startsWith(`${activityExecutionId}_`)) {
        this.timerCallbacks.delete(id);
        callback();
        return true;
      }
    }
    return false;
  }

  /** The state to commit, without the diagram source (the deployment holds it once). */
  snapshot(): string {
    const state = this.engine.execution.getState() as unknown as { definitions: { source?: unknown }[] };
    for (const definition of state.definitions) delete definition.source;
    return JSON.stringify(state);
  }

  stop(): void {
    try {
      this.engine.stop();
    } catch {
      // already stopped
    }
  }
}
