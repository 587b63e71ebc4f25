/**
 * Diagrams for the deploy checks: the real enforcement-case diagram, a one-node stub, and
 * compatible changes of the real one (moved shapes, renamed labels, an extra timer, an extra
 * user task with a known form). Each change is checked to apply exactly once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const realDiagram = fs.readFileSync(path.join(here, '../../processes/enforcement-case.bpmn'), 'utf8');

/** Replaces exactly one occurrence, so a changed copy is changed the way the test says. */
export function replaceOnce(source: string, from: string, to: string): string {
  const count = source.split(from).length - 1;
  if (count !== 1) throw new Error(`expected "${from.slice(0, 80)}" once, found it ${count} times`);
  return source.replace(from, () => to);
}

/** Start event → end event, named and drawn (bpmnlint-clean), as process `processId`. */
export function stubDiagram(processId = 'enforcement-case'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_stub" targetNamespace="http://paidan.example/bpmn" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">
  <bpmn:process id="${processId}" name="占位流程" isExecutable="true">
    <bpmn:startEvent id="start" name="开始">
      <bpmn:outgoing>flow_start_end</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:endEvent id="end" name="结束">
      <bpmn:incoming>flow_start_end</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="flow_start_end" sourceRef="start" targetRef="end" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_stub">
    <bpmndi:BPMNPlane id="BPMNPlane_stub" bpmnElement="${processId}">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="160" y="100" width="36" height="36" />
        <bpmndi:BPMNLabel><dc:Bounds x="165" y="143" width="26" height="14" /></bpmndi:BPMNLabel>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="end">
        <dc:Bounds x="300" y="100" width="36" height="36" />
        <bpmndi:BPMNLabel><dc:Bounds x="305" y="143" width="26" height="14" /></bpmndi:BPMNLabel>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="flow_start_end_di" bpmnElement="flow_start_end">
        <di:waypoint x="196" y="118" />
        <di:waypoint x="300" y="118" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

/** Every shape and waypoint moved 10 px right, and a task renamed: what the platform does not read. */
export function cosmeticChange(xml = realDiagram): string {
  const moved = xml.replace(/ x="(\d+(?:\.\d+)?)"/g, (_, x: string) => ` x="${Number(x) + 10}"`);
  return replaceOnce(moved, 'name="短信告知受理"', 'name="短信告知受理（自动）"');
}

/** A 1-minute timer between the start event and the first SMS. */
export function withExtraTimer(xml = realDiagram): string {
  let out = replaceOnce(xml, '<bpmn:outgoing>flow_caseRegistered_acknowledgeReport</bpmn:outgoing>', '<bpmn:outgoing>flow_caseRegistered_wait</bpmn:outgoing>');
  out = replaceOnce(out, '<bpmn:serviceTask id="acknowledgeReport" name="短信告知受理">', `<bpmn:intermediateCatchEvent id="waitBeforeSms" name="稍候">
      <bpmn:incoming>flow_caseRegistered_wait</bpmn:incoming>
      <bpmn:outgoing>flow_caseRegistered_acknowledgeReport</bpmn:outgoing>
      <bpmn:timerEventDefinition id="waitBeforeSms_timer">
        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1M</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="flow_caseRegistered_wait" sourceRef="caseRegistered" targetRef="waitBeforeSms" />
    <bpmn:serviceTask id="acknowledgeReport" name="短信告知受理">`);
  out = replaceOnce(out, 'sourceRef="caseRegistered" targetRef="acknowledgeReport"', 'sourceRef="waitBeforeSms" targetRef="acknowledgeReport"');
  return replaceOnce(out, '<bpmndi:BPMNShape id="caseRegistered_di" bpmnElement="caseRegistered">', `<bpmndi:BPMNShape id="waitBeforeSms_di" bpmnElement="waitBeforeSms">
        <dc:Bounds x="203" y="160" width="36" height="36" />
        <bpmndi:BPMNLabel><dc:Bounds x="208" y="140" width="26" height="14" /></bpmndi:BPMNLabel>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="flow_caseRegistered_wait_di" bpmnElement="flow_caseRegistered_wait">
        <di:waypoint x="178" y="242" />
        <di:waypoint x="178" y="178" />
        <di:waypoint x="203" y="178" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNShape id="caseRegistered_di" bpmnElement="caseRegistered">`);
}

/** A second dispatcher task (form `formId`) between 核实汇合 and 派发核实. */
export function withExtraUserTask(formId = 'assign-inspector', xml = realDiagram): string {
  let out = replaceOnce(xml, '<bpmn:outgoing>flow_joinVerify_assignInspector</bpmn:outgoing>', '<bpmn:outgoing>flow_joinVerify_preCheck</bpmn:outgoing>');
  out = replaceOnce(out, '<bpmn:userTask id="assignInspector" name="派发核实">', `<bpmn:userTask id="preCheck" name="预审">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:assignmentDefinition candidateGroups="dispatcher" />
        <zeebe:formDefinition formId="${formId}" />
      </bpmn:extensionElements>
      <bpmn:incoming>flow_joinVerify_preCheck</bpmn:incoming>
      <bpmn:outgoing>flow_joinVerify_assignInspector</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="flow_joinVerify_preCheck" sourceRef="joinVerify" targetRef="preCheck" />
    <bpmn:userTask id="assignInspector" name="派发核实">`);
  out = replaceOnce(out, 'sourceRef="joinVerify" targetRef="assignInspector"', 'sourceRef="preCheck" targetRef="assignInspector"');
  return replaceOnce(out, '<bpmndi:BPMNShape id="caseRegistered_di" bpmnElement="caseRegistered">', `<bpmndi:BPMNShape id="preCheck_di" bpmnElement="preCheck">
        <dc:Bounds x="320" y="60" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="flow_joinVerify_preCheck_di" bpmnElement="flow_joinVerify_preCheck">
        <di:waypoint x="331" y="235" />
        <di:waypoint x="331" y="140" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNShape id="caseRegistered_di" bpmnElement="caseRegistered">`);
}
