/**
 * Reads a Zeebe-modelled BPMN file for the embedded engine: parses it with bpmn-moddle and the
 * Zeebe schema, validates what the embedded engine will need (one executable process, a job
 * type on every service-like task, parseable FEEL everywhere), extracts the Zeebe extension
 * elements into a plain model, and prepares the serialized context bpmn-engine runs.
 * Everything wrong is reported at deploy time, naming the element: nothing is half-deployed.
 */
import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';
import * as elements from 'bpmn-elements';
import Serializer, { TypeResolver } from 'moddle-context-serializer';
import { DomainError } from '../../errors/index.js';
import { feelSyntaxError } from './feel.js';

const require = createRequire(import.meta.url);
export const zeebeSchema = require('zeebe-bpmn-moddle/resources/zeebe.json') as object;

type ModdleElement = { $type: string; id?: string; name?: string; [key: string]: unknown };

export interface Mapping {
  source: string;
  target: string;
}

export interface JobElement {
  kind: 'job';
  id: string;
  name: string | null;
  type: string;
  retries: number;
  headers: Record<string, string>;
  inputs: Mapping[];
  outputs: Mapping[];
}

export interface UserTaskElement {
  kind: 'userTask';
  id: string;
  name: string | null;
  assignee?: string;
  candidateGroups?: string;
  candidateUsers?: string;
  formId: string | null;
  outputs: Mapping[];
}

export interface MessageCatchElement {
  kind: 'message';
  id: string;
  name: string | null;
  /** id of the bpmn:Message element (what bpmn-engine is signalled with). */
  messageId: string;
  messageName: string;
  correlationKey: string;
}

export interface TimerElement {
  kind: 'timer';
  id: string;
  name: string | null;
}

export type WaitElement = JobElement | UserTaskElement | MessageCatchElement | TimerElement;

export interface DiagramModel {
  bpmnProcessId: string;
  processName: string | null;
  /** Wait-state elements by id: what the adapter turns into tasks, jobs, timers, subscriptions. */
  waits: Map<string, WaitElement>;
  /** End events by id, with their names (the case outcome). */
  endEvents: Map<string, string | null>;
  jobTypes: Set<string>;
}

/** Service-like tasks all run as jobs (a SignalTask waiting for the worker's result). */
export const elementBehaviours = {
  ...elements,
  ServiceTask: elements.SignalTask,
  SendTask: elements.SignalTask,
  BusinessRuleTask: elements.SignalTask,
  ScriptTask: elements.SignalTask,
};

const typeResolver = TypeResolver(elementBehaviours as unknown as Record<string, CallableFunction>);
const jobTaskTypes = new Set(['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask', 'bpmn:ScriptTask']);

function invalid(detail: string, elementId?: string): DomainError {
  return new DomainError('deploy.invalid', detail, { field: elementId ?? 'resource', elementId });
}

function extension<T extends ModdleElement>(element: ModdleElement, type: string): T | undefined {
  const ext = element.extensionElements as { values?: ModdleElement[] } | undefined;
  return ext?.values?.find((v) => v.$type === type) as T | undefined;
}

function mappings(element: ModdleElement, kind: 'inputParameters' | 'outputParameters'): Mapping[] {
  const io = extension<ModdleElement>(element, 'zeebe:IoMapping');
  const list = (io?.[kind] as { source?: string; target?: string }[] | undefined) ?? [];
  return list.map((m) => ({ source: m.source ?? '', target: m.target ?? '' }));
}

function checkFeel(expression: string | undefined, elementId: string, what: string): void {
  if (!expression) return;
  const error = feelSyntaxError(expression);
  if (error) throw invalid(`${what} of <${elementId}> is not valid FEEL (${expression}): ${error}`, elementId);
}

function flowElementsOf(container: ModdleElement): ModdleElement[] {
  const list = (container.flowElements as ModdleElement[] | undefined) ?? [];
  const nested = list.filter((e) => e.$type === 'bpmn:SubProcess').flatMap(flowElementsOf);
  return [...list, ...nested];
}

export interface ParsedDiagram {
  model: DiagramModel;
  /** Serialized context handed to bpmn-engine (built once per deployed version). */
  sourceContext: unknown;
}

/**
 * Parses and validates a diagram. `knownJobTypes` are the registered workers' types: a service
 * task of another type is refused (nothing would ever run it).
 */
export async function parseDiagram(xml: string, knownJobTypes: ReadonlySet<string> | undefined): Promise<ParsedDiagram> {
  if (typeof xml !== 'string' || !xml.trim()) throw invalid('the resource is empty');
  const moddle = BpmnModdle({ zeebe: zeebeSchema });
  let parsed: { rootElement: ModdleElement; warnings: { message: string; element?: ModdleElement }[] };
  try {
    parsed = (await moddle.fromXML(xml)) as unknown as typeof parsed;
  } catch (error) {
    throw invalid(`the resource is not a BPMN 2.0 XML document: ${(error as Error).message}`);
  }
  if (parsed.warnings.length) {
    const w = parsed.warnings[0];
    const where = w.element?.id ? ` at <${w.element.id}>` : '';
    throw invalid(`malformed BPMN${where}: ${w.message}${parsed.warnings.length > 1 ? ` (and ${parsed.warnings.length - 1} more)` : ''}`, w.element?.id);
  }
  const definitions = parsed.rootElement;
  if (definitions.$type !== 'bpmn:Definitions') throw invalid('the root element is not bpmn:definitions');
  const rootElements = (definitions.rootElements as ModdleElement[] | undefined) ?? [];
  const processes = rootElements.filter((e) => e.$type === 'bpmn:Process');
  const executable = processes.filter((p) => p.isExecutable === true);
  if (executable.length === 0) throw invalid('the diagram has no executable process (isExecutable="true")');
  if (executable.length > 1 || processes.length > 1) {
    throw invalid(`the embedded engine deploys one process per file; found ${processes.map((p) => p.id).join(', ')}`);
  }
  const process = executable[0];
  const bpmnProcessId = process.id as string;
  if (!/^[A-Za-z_][\w.-]{0,254}$/.test(bpmnProcessId)) throw invalid(`invalid process id "${bpmnProcessId}"`, bpmnProcessId);

  const waits = new Map<string, WaitElement>();
  const endEvents = new Map<string, string | null>();
  const jobTypes = new Set<string>();
  const messages = new Map(rootElements.filter((e) => e.$type === 'bpmn:Message').map((m) => [m.id as string, m]));

  for (const element of flowElementsOf(process)) {
    const id = element.id as string;
    const name = (element.name as string | undefined) ?? null;
    if (element.$type === 'bpmn:SequenceFlow') {
      const condition = element.conditionExpression as { body?: string } | undefined;
      if (condition?.body !== undefined) checkFeel(condition.body.trim(), id, 'the condition');
      continue;
    }
    if (element.$type === 'bpmn:EndEvent') endEvents.set(id, name);
    if (jobTaskTypes.has(element.$type)) {
      const definition = extension<ModdleElement>(element, 'zeebe:TaskDefinition');
      const type = definition?.type as string | undefined;
      if (!type) throw invalid(`${element.$type.slice(5)} <${id}> has no zeebe:taskDefinition type`, id);
      if (knownJobTypes && !knownJobTypes.has(type)) {
        throw invalid(`${element.$type.slice(5)} <${id}> has task type "${type}", which no worker serves (known: ${[...knownJobTypes].sort().join(', ') || 'none'})`, id);
      }
      const retriesText = (definition?.retries as string | undefined) ?? '3';
      const retries = Number(retriesText);
      if (!Number.isInteger(retries) || retries < 0) throw invalid(`<${id}> has invalid retries "${retriesText}"`, id);
      const headerList = (extension<ModdleElement>(element, 'zeebe:TaskHeaders')?.values as { key: string; value: string }[] | undefined) ?? [];
      const inputs = mappings(element, 'inputParameters');
      const outputs = mappings(element, 'outputParameters');
      for (const m of [...inputs, ...outputs]) checkFeel(m.source, id, `the mapping to "${m.target}"`);
      jobTypes.add(type);
      waits.set(id, { kind: 'job', id, name, type, retries, headers: Object.fromEntries(headerList.map((h) => [h.key, h.value])), inputs, outputs });
      continue;
    }
    if (element.$type === 'bpmn:UserTask') {
      const assignment = extension<ModdleElement>(element, 'zeebe:AssignmentDefinition');
      const form = extension<ModdleElement>(element, 'zeebe:FormDefinition');
      const task: UserTaskElement = {
        kind: 'userTask',
        id,
        name,
        assignee: assignment?.assignee as string | undefined,
        candidateGroups: assignment?.candidateGroups as string | undefined,
        candidateUsers: assignment?.candidateUsers as string | undefined,
        formId: (form?.formId as string | undefined) ?? null,
        outputs: mappings(element, 'outputParameters'),
      };
      checkFeel(task.assignee, id, 'the assignee');
      checkFeel(task.candidateGroups, id, 'the candidate groups');
      checkFeel(task.candidateUsers, id, 'the candidate users');
      for (const m of task.outputs) checkFeel(m.source, id, `the mapping to "${m.target}"`);
      waits.set(id, task);
      continue;
    }
    const eventDefinitions = (element.eventDefinitions as ModdleElement[] | undefined) ?? [];
    const isCatch = element.$type === 'bpmn:IntermediateCatchEvent' || element.$type === 'bpmn:BoundaryEvent' || element.$type === 'bpmn:StartEvent';
    for (const definition of eventDefinitions) {
      if (definition.$type === 'bpmn:TimerEventDefinition' && isCatch) {
        for (const key of ['timeDuration', 'timeDate', 'timeCycle']) {
          const body = (definition[key] as { body?: string } | undefined)?.body;
          if (body !== undefined) checkFeel(body.trim(), id, `the timer ${key}`);
        }
        if (element.$type !== 'bpmn:StartEvent') waits.set(id, { kind: 'timer', id, name });
      }
      if (definition.$type === 'bpmn:MessageEventDefinition' && isCatch && element.$type !== 'bpmn:StartEvent') {
        waits.set(id, messageCatch(element, definition.messageRef as ModdleElement | undefined, messages));
      }
    }
    if (element.$type === 'bpmn:ReceiveTask') {
      waits.set(id, messageCatch(element, element.messageRef as ModdleElement | undefined, messages));
    }
  }

  const moddleContext = parsed as unknown as Parameters<typeof Serializer>[0];
  let sourceContext: unknown;
  try {
    sourceContext = Serializer(moddleContext, typeResolver as never);
  } catch (error) {
    throw invalid(`the diagram cannot be prepared for execution: ${(error as Error).message}`);
  }
  return {
    model: { bpmnProcessId, processName: (process.name as string | undefined) ?? null, waits, endEvents, jobTypes },
    sourceContext,
  };
}

function messageCatch(element: ModdleElement, messageRef: ModdleElement | undefined, messages: Map<string, ModdleElement>): MessageCatchElement {
  const id = element.id as string;
  const message = messageRef?.id ? messages.get(messageRef.id) ?? messageRef : undefined;
  if (!message?.name) throw invalid(`<${id}> catches a message that has no name`, id);
  const subscription = extension<ModdleElement>(message, 'zeebe:Subscription');
  const correlationKey = subscription?.correlationKey as string | undefined;
  if (!correlationKey) throw invalid(`message "${message.name}" caught by <${id}> has no zeebe:subscription correlationKey`, id);
  checkFeel(correlationKey, id, 'the correlation key');
  return { kind: 'message', id, name: (element.name as string | undefined) ?? null, messageId: message.id as string, messageName: message.name as string, correlationKey };
}
