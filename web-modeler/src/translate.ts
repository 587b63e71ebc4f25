/**
 * The modeler in Chinese: bpmn-js, the properties panel and its Zeebe (Camunda 8) groups look up
 * every text through the `translate` service; the community dictionaries of bpmn-js-i18n-zh
 * (MIT) give the Chinese, with the platform's own additions where they have none.
 */
import bpmn from 'bpmn-js-i18n-zh/lib/bpmn-js';
import panel from 'bpmn-js-i18n-zh/lib/properties-panel';
import zeebe from 'bpmn-js-i18n-zh/lib/zeebe-properties-panel';

const ours: Record<string, string> = {
  'Assignment': '分配',
  'Candidate groups': '候选组',
  'Candidate users': '候选用户',
  'Assignee': '办理人',
  'Form': '表单',
  'Task definition': '任务定义',
  'Headers': '任务头',
  'Inputs': '输入',
  'Outputs': '输出',
  'Execution listeners': '执行监听器',
  'Task listeners': '任务监听器',
  'Extension properties': '扩展属性',
  'Implementation': '实现方式',
  'Priority': '优先级',
  'Due date': '到期时间',
  'Follow up date': '跟进时间',
  'Process': '流程',
  'Job priority': '作业优先级',
  'Example data': '示例数据',
  'ID': '编号',
  'Version tag': '版本标签',
  'Create': '创建',
  'Example output': '示例输出',
};

const dictionary: Record<string, string> = { ...(bpmn as Record<string, string>), ...(panel as Record<string, string>), ...(zeebe as Record<string, string>), ...ours };

export function translate(template: string, replacements: Record<string, unknown> = {}): string {
  const text = dictionary[template] ?? template;
  return text.replace(/{([^}]+)}/g, (whole, key: string) => (key in replacements ? String(replacements[key]) : whole));
}

export const translateModule = { translate: ['value', translate] };
