/**
 * Checks of a BPMN diagram against what Paidan needs: bpmnlint with the repository's
 * .bpmnlintrc (Camunda 8.8 compatibility), the contract table in processes/README.md, and a
 * readable BPMNDI layout. Each returns a list of problems, empty when the diagram is fine.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { BpmnModdle } from 'bpmn-moddle';
import { listFormIds, loadForm } from '../forms/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

interface LintReport { id?: string; message: string; category: string }
type LinterClass = new (options: { config: object; resolver: unknown }) => { lint(root: unknown): Promise<Record<string, LintReport[]>> };
const Linter = require('bpmnlint/lib/linter') as LinterClass;
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver') as new (options?: unknown) => unknown;
const zeebe = require('zeebe-bpmn-moddle/resources/zeebe.json') as object;

/** A parsed BPMN element, as bpmn-moddle gives it (only what the checks read). */
export interface Element {
  $type: string;
  id: string;
  name?: string;
  [key: string]: unknown;
}
interface ExtensionValue { $type: string; [key: string]: unknown }
interface FlowNode extends Element { extensionElements?: { values: ExtensionValue[] }; incoming?: Element[]; outgoing?: SequenceFlow[] }
interface SequenceFlow extends Element { sourceRef: FlowNode; targetRef: FlowNode; conditionExpression?: { body?: string } }
interface Bounds { x: number; y: number; width: number; height: number }
interface DiElement { $type: string; bpmnElement: Element; bounds?: Bounds; waypoint?: { x: number; y: number }[]; label?: { bounds?: Bounds } }
export interface Definitions { rootElements: Element[]; diagrams: { plane: { bpmnElement: Element; planeElement: DiElement[] } }[] }

export const bpmnlintConfig = JSON.parse(fs.readFileSync(path.join(here, '../.bpmnlintrc'), 'utf8')) as object;

/** Parses BPMN XML with the Zeebe extension; `warnings` are what bpmn-moddle could not read. */
export async function parseDiagram(xml: string): Promise<{ definitions: Definitions; warnings: string[] }> {
  const { rootElement, warnings } = await BpmnModdle({ zeebe }).fromXML(xml);
  return { definitions: rootElement as unknown as Definitions, warnings: warnings.map((w) => w.message) };
}

/** bpmnlint with the repository's configuration: error-level and warning-level reports as text. */
export async function lintDiagram(definitions: Definitions): Promise<{ errors: string[]; warnings: string[] }> {
  const linter = new Linter({ config: bpmnlintConfig, resolver: new NodeResolver({ requireLib: require }) });
  const reports = await linter.lint(definitions);
  const as = (category: string) => Object.entries(reports).flatMap(([rule, list]) => list.filter((r) => r.category === category).map((r) => `${rule} <${r.id ?? ''}> ${r.message}`));
  return { errors: as('error'), warnings: as('warn') };
}

export function processOf(definitions: Definitions, processId: string): Element & { flowElements?: Element[] } {
  const process = definitions.rootElements.find((e) => e.$type === 'bpmn:Process' && e.id === processId);
  if (!process) throw new Error(`no process "${processId}" in the diagram`);
  return process;
}

const ext = (node: Element, type: string) => ((node as FlowNode).extensionElements?.values ?? []).filter((v) => v.$type === type);

const kinds: Record<string, string> = {
  'start event': 'bpmn:StartEvent', 'service task': 'bpmn:ServiceTask', 'user task': 'bpmn:UserTask',
  'exclusive gateway': 'bpmn:ExclusiveGateway', 'end event': 'bpmn:EndEvent',
};
export const jobTypes = ['photo-verify', 'unit-assign', 'sms-notify', 'archive'];

/** A row of the README's element table. */
export interface ContractRow { id: string; kind: string; who: string; form: string }

/** The element table of processes/README.md, and the other ids its text names (`joinDispatch` …). */
export function readContract(readme: string): { rows: ContractRow[]; mergeGateways: string[] } {
  const rows = [...readme.matchAll(/^\| `(\w+)` \| ([a-z ]+) \|([^|]*)\|([^|]*)\|/gm)]
    .map((m) => ({ id: m[1], kind: m[2].trim(), who: m[3].trim(), form: m[4].trim() }))
    .filter((row) => row.kind in kinds);
  const mergeGateways = [...readme.matchAll(/converging gateways[\s\S]*?(?=\n\n)/g)].flatMap((m) => [...m[0].matchAll(/`(join\w+)`/g)].map((j) => j[1]));
  return { rows, mergeGateways };
}

const ticks = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

/** Everything the README's contract says about the diagram, checked; problems as text. */
export function contractProblems(definitions: Definitions, readme: string, processId = 'enforcement-case', formIds = listFormIds()): string[] {
  const problems: string[] = [];
  const process = processOf(definitions, processId);
  const byId = new Map((process.flowElements ?? []).map((e) => [e.id, e]));
  const { rows, mergeGateways } = readContract(readme);
  if (rows.length < 20) problems.push(`README: only ${rows.length} element rows found`);
  const described = new Set([...rows.map((r) => r.id), ...mergeGateways]);
  for (const id of mergeGateways) if (byId.get(id)?.$type !== 'bpmn:ExclusiveGateway') problems.push(`${id}: expected an exclusive gateway (README: converging gateways)`);

  for (const row of rows) {
    const node = byId.get(row.id);
    if (!node) { problems.push(`${row.id}: missing (README lists it as a ${row.kind})`); continue; }
    if (node.$type !== kinds[row.kind]) problems.push(`${row.id}: is a ${node.$type}, README says ${row.kind}`);
    if (row.kind === 'service task') {
      const [type] = ticks(row.who);
      const def = ext(node, 'zeebe:TaskDefinition')[0] as { type?: string } | undefined;
      if (def?.type !== type) problems.push(`${row.id}: job type "${String(def?.type)}", README says "${type}"`);
      const headers = Object.fromEntries(((ext(node, 'zeebe:TaskHeaders')[0] as { values?: { key: string; value: string }[] } | undefined)?.values ?? []).map((h) => [h.key, h.value]));
      const expected = Object.fromEntries(ticks(row.form).map((t) => t.split('=') as [string, string]));
      if (JSON.stringify(headers) !== JSON.stringify(expected)) problems.push(`${row.id}: headers ${JSON.stringify(headers)}, README says ${JSON.stringify(expected)}`);
    }
    if (row.kind === 'user task') {
      const [who] = ticks(row.who);
      const assignment = ext(node, 'zeebe:AssignmentDefinition')[0] as { assignee?: string; candidateGroups?: string } | undefined;
      const actual = row.who.startsWith('assignee') ? assignment?.assignee : assignment?.candidateGroups;
      if (actual !== who) problems.push(`${row.id}: ${row.who.split(' `')[0]} "${String(actual)}", README says "${who}"`);
      if (ext(node, 'zeebe:UserTask').length !== 1) problems.push(`${row.id}: not a Camunda user task (zeebe:userTask missing)`);
      const [formId] = ticks(row.form);
      const form = ext(node, 'zeebe:FormDefinition')[0] as { formId?: string } | undefined;
      if (form?.formId !== formId) problems.push(`${row.id}: form "${String(form?.formId)}", README says "${formId}"`);
    }
    if (row.kind === 'exclusive gateway') {
      const outgoing = (node as FlowNode).outgoing ?? [];
      const expected = row.form.split(/;|\//).map((part) => ({ condition: ticks(part)[0], target: part.includes('→') ? ticks(part).at(-1) : undefined }));
      if (outgoing.length !== expected.length) problems.push(`${row.id}: ${outgoing.length} outgoing flows, README lists ${expected.length} conditions`);
      if ((node as { default?: unknown }).default) problems.push(`${row.id}: has a default flow (README: none)`);
      for (const { condition, target } of expected) {
        const flow = outgoing.find((f) => f.conditionExpression?.body?.trim() === condition);
        if (!flow) problems.push(`${row.id}: no outgoing flow with condition ${condition}`);
        else if (target && flow.targetRef?.id !== target && !(flow.targetRef?.$type === 'bpmn:ExclusiveGateway' && flow.targetRef.outgoing?.some((f) => f.targetRef?.id === target))) {
          problems.push(`${row.id}: ${condition} leads to ${String(flow.targetRef?.id)}, README says ${target}`);
        }
      }
    }
  }

  for (const node of byId.values()) {
    if (node.$type === 'bpmn:SequenceFlow') continue;
    if (!described.has(node.id)) problems.push(`${node.id}: in the diagram but not in the README`);
    if (!/[\u4e00-\u9fff]/.test(node.name ?? '')) problems.push(`${node.id}: needs a Chinese name`);
    if (node.$type === 'bpmn:UserTask') {
      const formId = (ext(node, 'zeebe:FormDefinition')[0] as { formId?: string } | undefined)?.formId ?? '';
      if (!formIds.includes(formId)) problems.push(`${node.id}: form "${formId}" is not a file in forms/`);
      else if (loadForm(formId).id !== formId) problems.push(`${node.id}: forms/${formId}.form has another id`);
    }
    if (node.$type === 'bpmn:ServiceTask') {
      const type = (ext(node, 'zeebe:TaskDefinition')[0] as { type?: string } | undefined)?.type ?? '';
      if (!jobTypes.includes(type)) problems.push(`${node.id}: job type "${type}" has no worker (${jobTypes.join(', ')})`);
    }
    const flowNode = node as FlowNode;
    if (node.$type.endsWith('Task') && ((flowNode.incoming?.length ?? 0) !== 1 || (flowNode.outgoing?.length ?? 0) !== 1)) problems.push(`${node.id}: a task needs exactly one incoming and one outgoing flow`);
  }
  return problems;
}

// ----- layout -----

const onBorder = (b: Bounds, px: number, py: number) =>
  ((Math.abs(px - b.x) <= 1 || Math.abs(px - b.x - b.width) <= 1) && py >= b.y - 1 && py <= b.y + b.height + 1) ||
  ((Math.abs(py - b.y) <= 1 || Math.abs(py - b.y - b.height) <= 1) && px >= b.x - 1 && px <= b.x + b.width + 1);
const overlap = (a: Bounds, b: Bounds) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Does the axis-parallel segment pass through the rectangle's inside (shrunk by `margin`)? */
function crosses(b: Bounds, p: { x: number; y: number }, q: { x: number; y: number }, margin = 1): boolean {
  const r = { x: b.x + margin, y: b.y + margin, width: b.width - 2 * margin, height: b.height - 2 * margin };
  const seg = { x: Math.min(p.x, q.x), y: Math.min(p.y, q.y), width: Math.abs(p.x - q.x) || 0.001, height: Math.abs(p.y - q.y) || 0.001 };
  return overlap(r, seg);
}

/**
 * A diagram that opens cleanly in bpmn-js: every flow node drawn once, every flow drawn with
 * axis-parallel segments from its source's border to its target's border, no flow through a
 * shape, labels for named events, gateways and flows clear of shapes, flows and each other,
 * and left to right except the loop-backs (which are listed).
 */
export function layoutProblems(definitions: Definitions, processId = 'enforcement-case'): { problems: string[]; loopBacks: string[] } {
  const problems: string[] = [];
  const process = processOf(definitions, processId);
  const plane = definitions.diagrams[0]?.plane;
  if (!plane || plane.bpmnElement?.id !== process.id) return { problems: ['no BPMNDI plane for the process'], loopBacks: [] };
  const shapes = new Map<string, Bounds>();
  const edges = new Map<string, { x: number; y: number }[]>();
  const labels: { owner: string; bounds: Bounds }[] = [];
  for (const di of plane.planeElement) {
    const id = di.bpmnElement?.id;
    if (!id) { problems.push(`a DI element points at nothing`); continue; }
    if (di.$type === 'bpmndi:BPMNShape' && di.bounds) {
      if (shapes.has(id)) problems.push(`${id}: drawn twice`);
      shapes.set(id, di.bounds);
    }
    if (di.$type === 'bpmndi:BPMNEdge') {
      if (edges.has(id)) problems.push(`${id}: drawn twice`);
      edges.set(id, di.waypoint ?? []);
    }
    if (di.label?.bounds) labels.push({ owner: id, bounds: di.label.bounds });
  }
  const elements = process.flowElements ?? [];
  const loopBacks: string[] = [];
  for (const el of elements) {
    if (el.$type !== 'bpmn:SequenceFlow') {
      if (!shapes.has(el.id)) problems.push(`${el.id}: no shape`);
      const named = Boolean(el.name) && !el.$type.endsWith('Task');
      if (named && !labels.some((l) => l.owner === el.id)) problems.push(`${el.id}: named but its label has no bounds`);
      continue;
    }
    const flow = el as SequenceFlow;
    const points = edges.get(flow.id);
    if (!points || points.length < 2) { problems.push(`${flow.id}: no edge with waypoints`); continue; }
    const source = shapes.get(flow.sourceRef.id), target = shapes.get(flow.targetRef.id);
    if (!source || !target) continue;
    if (!onBorder(source, points[0].x, points[0].y)) problems.push(`${flow.id}: does not start on ${flow.sourceRef.id}'s border`);
    const last = points[points.length - 1];
    if (!onBorder(target, last.x, last.y)) problems.push(`${flow.id}: does not end on ${flow.targetRef.id}'s border`);
    for (let i = 1; i < points.length; i++) {
      const p = points[i - 1], q = points[i];
      if (p.x !== q.x && p.y !== q.y) problems.push(`${flow.id}: segment ${i} is diagonal`);
      for (const [id, b] of shapes) if (crosses(b, p, q)) problems.push(`${flow.id}: passes through ${id}`);
    }
    if (flow.name && !labels.some((l) => l.owner === flow.id)) problems.push(`${flow.id}: named but its label has no bounds`);
    if (target.x + target.width / 2 < source.x + source.width / 2) loopBacks.push(flow.id);
  }
  for (const [i, label] of labels.entries()) {
    for (const [id, b] of shapes) if (overlap(label.bounds, b)) problems.push(`label of ${label.owner} overlaps ${id}`);
    for (const other of labels.slice(i + 1)) if (overlap(label.bounds, other.bounds)) problems.push(`label of ${label.owner} overlaps label of ${other.owner}`);
    for (const [id, points] of edges) {
      for (let k = 1; k < points.length; k++) if (crosses(label.bounds, points[k - 1], points[k], 0)) { problems.push(`flow ${id} crosses the label of ${label.owner}`); break; }
    }
  }
  for (const [id, b] of shapes) if (b.x < 0 || b.y < 0) problems.push(`${id}: drawn outside the positive quadrant`);
  return { problems, loopBacks: loopBacks.sort() };
}
