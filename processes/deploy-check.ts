/**
 * What a diagram must pass before POST /api/processes deploys it (issue 13 F9): bpmnlint with the
 * repository's .bpmnlintrc, and for `enforcement-case` the platform's contract — processes/
 * README.md, read by checks.ts — so a one-node stub can never become every new case's process.
 * Elements the contract does not list may be added (a timer, a task with a known form), but they
 * too need a Chinese name, a known form or job type, and one flow in and out. Each problem names
 * the element, in Chinese and English.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FieldError } from '../errors/index.js';
import { contractProblems, lintDiagram, parseDiagram } from './checks.js';
import { lintMessageZh } from './lint-messages.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const readme = fs.readFileSync(path.join(here, 'README.md'), 'utf8');

export const contractedProcessId = 'enforcement-case';

/** The gist of a contract problem in Chinese (checks.ts words them in English). */
export function contractProblemZh(problem: string): string {
  const rules: [RegExp, string][] = [
    [/: missing \(README lists it as a (.+)\)$/, '缺少平台要求的元素'],
    [/: is a .+, README says/, '元素类型与平台约定不符'],
    [/: job type .+ has no worker/, '任务类型没有对应的处理程序'],
    [/: job type/, '任务类型与平台约定不符'],
    [/: headers/, '任务头与平台约定不符'],
    [/: not a Camunda user task/, '不是 Camunda 用户任务'],
    [/: form .+ is not a file in forms/, '表单不存在'],
    [/: form/, '表单与平台约定不符'],
    [/: (assignee|candidate)/, '办理人或候选组与平台约定不符'],
    [/outgoing flows, README lists/, '分支数量与平台约定不符'],
    [/has a default flow/, '网关不应有默认流'],
    [/no outgoing flow with condition/, '缺少平台要求的条件分支'],
    [/ leads to .+, README says/, '条件分支去向与平台约定不符'],
    [/needs a Chinese name/, '需要中文名称'],
    [/exactly one incoming and one outgoing/, '任务须只有一条入线和一条出线'],
    [/expected an exclusive gateway/, '应为排他网关（汇合）'],
    [/another id/, '表单文件编号不一致'],
  ];
  return rules.find(([pattern]) => pattern.test(problem))?.[1] ?? '不符合平台的流程约定';
}

export async function deployProblems(xml: string): Promise<FieldError[]> {
  let parsed: Awaited<ReturnType<typeof parseDiagram>>;
  try {
    parsed = await parseDiagram(xml);
  } catch (error) {
    return [{ field: 'xml', message: `not BPMN 2.0 XML: ${(error as Error).message}`, messageZh: '不是有效的 BPMN 2.0 XML' }];
  }
  const problems: FieldError[] = [];
  const { errors } = await lintDiagram(parsed.definitions);
  for (const line of errors) {
    const match = /^(\S+) <([^>]*)> (.*)$/.exec(line);
    const [rule, id, message] = match ? [match[1], match[2], match[3]] : ['bpmnlint', '', line];
    problems.push({ field: id || 'xml', message: `${rule}: ${message}`, messageZh: `${lintMessageZh(rule)}（${rule}）` });
  }
  const contracted = parsed.definitions.rootElements.some((e) => e.$type === 'bpmn:Process' && e.id === contractedProcessId);
  if (contracted) {
    for (const problem of contractProblems(parsed.definitions, readme, contractedProcessId)) {
      // additions the contract does not list are allowed; the rest of their checks still apply
      if (/: in the diagram but not in the README$/.test(problem)) continue;
      const id = /^([A-Za-z_][\w.-]*):/.exec(problem)?.[1] ?? 'xml';
      problems.push({ field: id, message: problem, messageZh: `${id}：${contractProblemZh(problem)}` });
    }
  }
  return problems;
}
