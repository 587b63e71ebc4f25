/**
 * The check a diagram passes before POST /api/processes deploys it: bpmnlint for every diagram,
 * and for enforcement-case the contract of processes/README.md; compatible changes pass; each
 * problem names the element in Chinese and English.
 */
import { expect } from 'chai';
import type { FieldError } from '../errors/index.js';
import { deployProblems } from './deploy-check.js';
import { cosmeticChange, realDiagram, replaceOnce, stubDiagram, withExtraTimer, withExtraUserTask } from '../test/support/diagrams.js';

const show = (problems: FieldError[]) => problems.map((p) => `${p.field}: ${p.message} / ${p.messageZh}`).join('\n');

describe('processes/deploy-check', () => {
  it('passes the real diagram and compatible changes of it', async () => {
    for (const [what, xml] of Object.entries({ real: realDiagram, cosmetic: cosmeticChange(), timer: withExtraTimer(), 'extra user task': withExtraUserTask('assign-inspector') })) {
      const problems = await deployProblems(xml);
      expect(problems, `${what}:\n${show(problems)}`).to.deep.equal([]);
    }
  });

  it('refuses the one-node stub as enforcement-case, naming every missing element in both languages', async () => {
    const problems = await deployProblems(stubDiagram());
    expect(problems.map((p) => p.field)).to.include.members(['assignInspector', 'verifyReport', 'dispatchToUnit', 'enforce', 'recheck', 'acknowledgeReport', 'caseClosed', 'caseDismissed']);
    for (const p of problems) {
      expect(p.message, p.field).to.match(/[a-z]{3}/);
      expect(p.messageZh, p.field).to.match(/[\u4e00-\u9fff]/);
    }
    expect(problems.find((p) => p.field === 'verifyReport')?.messageZh).to.equal('verifyReport：缺少平台要求的元素');
  });

  it('checks only bpmnlint for another process id', async () => {
    expect(await deployProblems(stubDiagram('inspection-drill'))).to.deep.equal([]);
    const unnamed = await deployProblems(stubDiagram('inspection-drill').replace(' name="结束"', ''));
    expect(unnamed.map((p) => [p.field, p.messageZh])).to.deep.include(['end', '元素缺少名称（label-required）']);
  });

  it('names what is wrong on a contract element, on an addition, and in the XML', async () => {
    const form = await deployProblems(replaceOnce(realDiagram, '<zeebe:formDefinition formId="recheck" />', '<zeebe:formDefinition formId="review-result" />'));
    expect(form.map((p) => [p.field, p.messageZh])).to.deep.include(['recheck', 'recheck：表单与平台约定不符']);
    const assignee = await deployProblems(replaceOnce(realDiagram, '<zeebe:assignmentDefinition assignee="=recheckInspector" />', '<zeebe:assignmentDefinition assignee="=inspector" />'));
    expect(show(assignee)).to.match(/recheck: assignee "=inspector", README says "=recheckInspector"/);
    const unknownForm = await deployProblems(withExtraUserTask('no-such-form'));
    expect(unknownForm.map((p) => [p.field, p.messageZh])).to.deep.include(['preCheck', 'preCheck：表单不存在']);
    const noCondition = await deployProblems(replaceOnce(realDiagram, '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=review = "approved"</bpmn:conditionExpression>', ''));
    expect(noCondition.map((p) => p.field)).to.include('flow_approved');
    expect((await deployProblems('<not-bpmn'))[0]).to.include({ field: 'xml', messageZh: '不是有效的 BPMN 2.0 XML' });
  });
});
