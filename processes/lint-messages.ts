/**
 * bpmnlint's findings in Chinese, by rule: the rules' own messages are English. A rule without
 * an entry reads as its generic category; its English message stays in the tooltip.
 */
const byRule: Record<string, string> = {
  'label-required': '元素缺少名称',
  'start-event-required': '流程缺少开始事件',
  'end-event-required': '流程缺少结束事件',
  'no-disconnected': '元素未与流程连接',
  'no-implicit-split': '任务有多条带条件或无条件的出线：请用网关分支',
  'no-implicit-end': '元素没有出线，也不是结束事件',
  'no-implicit-start': '元素没有入线，也不是开始事件',
  'fake-join': '任务有多条入线：请用汇合网关',
  'conditional-flows': '网关分支缺少条件或默认流',
  'no-complex-gateway': '不支持复杂网关',
  'no-inclusive-gateway': '不支持包容网关',
  'no-gateway-join-fork': '网关不能同时汇合和分支',
  'superfluous-gateway': '网关多余（只有一条入线和一条出线）',
  'superfluous-termination': '终止结束事件多余',
  'superfluous-label': '元素不应有名称',
  'no-duplicate-sequence-flows': '重复的连线',
  'no-overlapping-elements': '元素重叠',
  'no-bpmndi': '元素没有图形信息',
  'single-blank-start-event': '只能有一个空开始事件',
  'single-event-definition': '事件只能有一个定义',
  'event-sub-process-typed-start-event': '事件子流程的开始事件必须有类型',
  'sub-process-blank-start-event': '子流程的开始事件必须为空',
  'link-event': '链接事件不成对',
  'ad-hoc-sub-process': '临时子流程不符合要求',
  'event-based-gateway': '事件网关不符合要求',
  'feel': 'FEEL 表达式语法有误',
  'feel-compatibility': 'FEEL 表达式与 Camunda 8.8 不兼容',
  'executable-process': '流程必须可执行',
  'implementation': '服务任务缺少任务类型（job type）',
  'user-task-form': '用户任务的表单设置不正确',
  'user-task-definition': '用户任务的设置不正确',
  'zeebe-user-task': '用户任务须为 Camunda 用户任务',
  'sequence-flow-condition': '连线条件不正确',
  'message-reference': '消息引用缺失或不正确',
  'error-reference': '错误引用缺失或不正确',
  'escalation-reference': '升级引用缺失或不正确',
  'signal-reference': '信号引用缺失或不正确',
  'timer': '定时器设置不正确',
  'io-mapping': '输入/输出映射不正确',
  'duplicate-task-headers': '任务头重复',
  'element-type': 'Camunda 8.8 不支持此元素类型',
  'called-element': '调用活动缺少被调用的流程',
  'loop-characteristics': '多实例设置不正确',
  'subscription': '消息订阅缺少关联键',
  'variable-name': '变量名不正确',
  'no-loop': '流程中有无出口的循环',
  'collapsed-subprocess': '不支持折叠的子流程',
  'secrets': '密钥引用格式不正确',
};

/** A finding in Chinese: its rule's meaning (the rule name is `plugin/rule` or `rule`). */
export function lintMessageZh(rule: string): string {
  const name = rule.replace(/^.*\//, '');
  return byRule[name] ?? '不符合流程检查规则';
}
