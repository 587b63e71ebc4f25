/**
 * form-js's own texts (validation messages, the taglist's 搜索, paging) in Chinese: form-js
 * looks every text up through its `translate` service, which a module replaces. English stays
 * form-js's own. The keys are form-js 1.x's templates, with `{value}`-style placeholders.
 */
import { currentLang } from '../i18n.js';

const zh: Record<string, string> = {
  'Field is required.': '必填',
  'Field must match pattern {value}.': '格式不正确',
  'Field must have minimum value of {value}.': '不能小于 {value}',
  'Field must have maximum value of {value}.': '不能大于 {value}',
  'Field must have minimum length of {value}.': '至少 {value} 个字',
  'Field must have maximum length of {value}.': '不能超过 {value} 个字',
  'Field must be a valid email.': '请输入有效的电子邮箱',
  'Field must be a valid international phone number. (e.g. +4930664040900)': '请输入有效的国际电话号码（如 +8613800000000）',
  'Value is not a number.': '请输入数字',
  'Value is expected to be an integer.': '请输入整数',
  'Value is expected to have at most 1 decimal digit.': '最多 1 位小数',
  'Value is expected to have at most {value} decimal digits.': '最多 {value} 位小数',
  'Please select a valid value, the two nearest valid values are {previousValue} and {nextValue}.': '请选择有效的值，最接近的是 {previousValue} 和 {nextValue}',
  'Min validation value is not a valid number.': '最小值设置不是有效数字',
  'Max validation value is not a valid number.': '最大值设置不是有效数字',
  'Date and time must both be entered.': '日期和时间都要填写',
  'Search': '搜索',
  'Skip to search': '跳到搜索',
  'Remove tag': '移除',
  'No results': '没有匹配项',
  'All values selected': '已全部选择',
  'No content to show.': '没有内容',
  "External content couldn't be loaded.": '外部内容无法加载',
  'Nothing to show.': '暂无内容',
  '{page} of {total}': '第 {page} / {total} 页',
  'Previous page': '上一页',
  'Next page': '下一页',
  'Increment': '加一',
  'Decrement': '减一',
  'No files selected': '未选择文件',
  '{value} files selected': '已选择 {value} 个文件',
  'Add new': '添加',
  'Collapse': '收起',
  'Expand all ({value})': '全部展开（{value}）',
  'Click to remove sorting': '点击取消排序',
  'Click to sort by {value} ascending': '点击按 {value} 升序排列',
  'Click to sort by {value} descending': '点击按 {value} 降序排列',
  'Document reference is not defined.': '未指定文档',
  'Unable to download document': '文档无法下载',
  'Download {fileName}': '下载 {fileName}',
};

export function translateForm(template: string, replacements: Record<string, unknown> = {}): string {
  const text = currentLang() === 'en' ? template : zh[template] ?? template;
  return text.replace(/{([^}]+)}/g, (whole, key: string) => (key in replacements ? String(replacements[key]) : whole));
}

/** The module to hand form-js (`additionalModules`). */
export const formTranslationModule = { translate: ['value', translateForm] };
