/**
 * The enforcement case diagram must deploy to Camunda 8.8 as it stands (bpmnlint recommended +
 * camunda-compat 8.8, the rules Camunda Modeler applies, report no error), keep the contract in
 * processes/README.md that forms, workers and tests rely on, and open cleanly in bpmn-js.
 * Broken copies show that each check can fail.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { contractProblems, layoutProblems, lintDiagram, parseDiagram, processOf, readContract } from './checks.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const xml = fs.readFileSync(path.join(here, 'enforcement-case.bpmn'), 'utf8');
const readme = fs.readFileSync(path.join(here, 'README.md'), 'utf8');

/** Replaces exactly one occurrence, so a broken copy is broken the way the test says. */
function breakCopy(source: string, from: string | RegExp, to: string): string {
  const count = typeof from === 'string' ? source.split(from).length - 1 : (source.match(new RegExp(from, 'g')) ?? []).length;
  expect(count, `the diagram contains ${String(from)} once`).to.equal(1);
  return source.replace(from, to);
}

async function lintErrors(source: string): Promise<string[]> {
  const { definitions } = await parseDiagram(source);
  return (await lintDiagram(definitions)).errors;
}

describe('processes/enforcement-case.bpmn', () => {
  it('parses with bpmn-moddle + the Zeebe extension without warnings', async () => {
    const { definitions, warnings } = await parseDiagram(xml);
    expect(warnings).to.deep.equal([]);
    const process = processOf(definitions, 'enforcement-case');
    expect(process).to.include({ name: '城管执法案件', isExecutable: true });
    const attrs = (definitions as unknown as { $attrs: Record<string, string> }).$attrs;
    expect(attrs).to.include({ 'xmlns:zeebe': 'http://camunda.org/schema/zeebe/1.0', 'xmlns:modeler': 'http://camunda.org/schema/modeler/1.0' });
    expect(attrs).to.include({ 'modeler:executionPlatform': 'Camunda Cloud', 'modeler:executionPlatformVersion': '8.8.0' });
  });

  it('passes bpmnlint recommended + camunda-compat for Camunda 8.8 with no error', async () => {
    const { definitions } = await parseDiagram(xml);
    const { errors, warnings } = await lintDiagram(definitions);
    if (warnings.length) console.log(`      bpmnlint warnings:\n        ${warnings.join('\n        ')}`);
    expect(errors, `bpmnlint errors:\n${errors.join('\n')}`).to.deep.equal([]);
  });

  it('the lint can fail: a broken copy reports errors', async () => {
    const noJobType = breakCopy(xml, '<zeebe:taskDefinition type="archive" retries="3" />\n        <zeebe:taskHeaders>\n          <zeebe:header key="outcome" value="resolved" />', '<zeebe:taskHeaders>\n          <zeebe:header key="outcome" value="resolved" />');
    expect((await lintErrors(noJobType)).join('\n')).to.match(/camunda-compat\/implementation <archiveResolved>/);
    const noCondition = breakCopy(xml, '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=review = "approved"</bpmn:conditionExpression>', '');
    expect((await lintErrors(noCondition)).join('\n')).to.match(/flow_approved/);
    const badFeel = breakCopy(xml, '=recheckResult = "fixed"', '=recheckResult = "fixed');
    expect((await lintErrors(badFeel)).join('\n')).to.match(/camunda-compat\/feel <flow_fixed>/);
  });

  it('keeps the contract in processes/README.md (ids, kinds, job types, headers, assignments, forms, conditions, names)', async () => {
    const { definitions } = await parseDiagram(xml);
    const { rows, mergeGateways } = readContract(readme);
    expect(rows.map((r) => r.id)).to.include.members(['caseRegistered', 'verifyReport', 'isSubstantiated', 'isFixed', 'caseClosed']);
    expect(rows).to.have.length(27);
    expect(mergeGateways).to.deep.equal(['joinDispatch', 'joinEnforce', 'joinVerify', 'joinDismiss']);
    const problems = contractProblems(definitions, readme);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('names the steps as users say them', async () => {
    const { definitions } = await parseDiagram(xml);
    const names = new Map((processOf(definitions, 'enforcement-case').flowElements ?? []).map((e) => [e.id, e.name ?? '']));
    const expected: Record<string, string> = {
      assignInspector: '派发核实', verifyReport: '现场核实', dispatchToUnit: '派遣', assignOfficer: '指派', enforce: '执法处置',
      reviewResult: '单位审核', assignRecheck: '派发核查', recheck: '核查',
    };
    for (const [id, name] of Object.entries(expected)) expect(names.get(id), id).to.equal(name);
    for (const id of ['archiveDismissed', 'archiveResolved']) expect(names.get(id), id).to.contain('归档');
    for (const id of ['acknowledgeReport', 'notifyDismissed', 'notifyResolved']) expect(names.get(id), id).to.match(/^短信告知/);
  });

  it('the contract check can fail: broken copies are reported', async () => {
    const check = async (source: string) => contractProblems((await parseDiagram(source)).definitions, readme).join('\n');
    expect(await check(breakCopy(xml, '<zeebe:formDefinition formId="recheck" />', '<zeebe:formDefinition formId="re-check" />'))).to.match(/recheck: form "re-check", README says "recheck"[\s\S]*not a file in forms/);
    expect(await check(breakCopy(xml, '<zeebe:taskDefinition type="unit-assign" retries="3" />\n        <zeebe:taskHeaders>\n          <zeebe:header key="suggest" value="officer" />', '<zeebe:taskDefinition type="officer-assign" retries="3" />\n        <zeebe:taskHeaders>\n          <zeebe:header key="suggest" value="officer" />'))).to.match(/suggestOfficer: job type "officer-assign"[\s\S]*has no worker/);
    expect(await check(breakCopy(xml, '<zeebe:header key="phase" value="enforce" />', '<zeebe:header key="phase" value="verify" />'))).to.match(/checkEnforcePhotos: headers/);
    expect(await check(breakCopy(xml, '<zeebe:assignmentDefinition assignee="=recheckInspector" />', '<zeebe:assignmentDefinition assignee="=inspector" />'))).to.match(/recheck: assignee "=inspector", README says "=recheckInspector"/);
    expect(await check(breakCopy(xml, '=review = "returned"</bpmn:conditionExpression>', '=review = "rejected"</bpmn:conditionExpression>'))).to.match(/isApproved: no outgoing flow with condition =review = "returned"/);
    expect(await check(breakCopy(xml, /<bpmn:userTask id="assignRecheck" name="派发核查">/, '<bpmn:userTask id="assignReCheck" name="派发核查">'))).to.match(/assignRecheck: missing/);
    expect(await check(breakCopy(xml, '<bpmn:exclusiveGateway id="isFixed" name="是否整改到位？">', '<bpmn:exclusiveGateway id="isFixed" name="is fixed?">'))).to.match(/isFixed: needs a Chinese name/);
  });

  it('has a complete, readable left-to-right diagram (every node and flow drawn, nothing through a shape, labels clear)', async () => {
    const { definitions } = await parseDiagram(xml);
    const { problems, loopBacks } = layoutProblems(definitions);
    expect(problems, problems.join('\n')).to.deep.equal([]);
    // only the three loop-backs of the contract run right to left
    expect(loopBacks).to.deep.equal(['flow_not_fixed', 'flow_returned', 'flow_reverify']);
  });

  it('the layout check can fail: broken copies are reported', async () => {
    const check = async (source: string) => layoutProblems((await parseDiagram(source)).definitions).problems.join('\n');
    // the re-check loop drawn straight back through the row
    const through = breakCopy(xml, /(<bpmndi:BPMNEdge id="flow_not_fixed_di" bpmnElement="flow_not_fixed">)[\s\S]*?(<bpmndi:BPMNLabel>)/, '$1\n        <di:waypoint x="2791" y="235" />\n        <di:waypoint x="2791" y="200" />\n        <di:waypoint x="991" y="260" />\n        <di:waypoint x="991" y="235" />\n        $2');
    expect(await check(through)).to.match(/flow_not_fixed: segment 2 is diagonal[\s\S]*flow_not_fixed: passes through/);
    const noShape = breakCopy(xml, /<bpmndi:BPMNShape id="enforce_di"[\s\S]*?<\/bpmndi:BPMNShape>/, '');
    expect(await check(noShape)).to.match(/enforce: no shape/);
    const labelOnShape = breakCopy(xml, /(<bpmndi:BPMNShape id="isApproved_di"[\s\S]*?<bpmndi:BPMNLabel>\s*<dc:Bounds) x="\d+" y="\d+"/, '$1 x="2100" y="250"');
    expect(await check(labelOnShape)).to.match(/label of isApproved overlaps reviewResult/);
  });
});
