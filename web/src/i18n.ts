/** The message catalog: zh-CN by default, English switchable; the choice is kept in localStorage. */
const zh = {
  appName: '派单 · 城管执法', signIn: '登录', signOut: '退出', username: '用户名', password: '密码', signInFailed: '登录失败',
  tabTodo: '待办', tabDone: '已办', tabClosed: '办结', tabSearch: '案件查询', newCase: '新建案件', smsInbox: '投诉短信', admin: '管理',
  modeler: '流程建模', users: '用户', language: 'English', loading: '加载中…', empty: '暂无记录', open: '打开', claim: '认领', unclaim: '取消认领',
  submit: '提交办理', submitting: '正在提交…', submitted: '已办理', back: '返回', caseNumber: '案件编号', address: '地址', description: '问题描述',
  category: '类别', source: '来源', reporterPhone: '举报人电话', status: '状态', currentStep: '当前环节', round: '轮次', timeline: '办理记录',
  photos: '照片', addPhoto: '拍照 / 选择照片', uploading: '正在上传…', uploadFailed: '上传失败，请重试', listFailed: '列表暂时无法更新，稍后自动重试', diagram: '流程图', map: '位置',
  fixErrors: '请修正标记的字段', claimFirst: '请先认领此任务', search: '搜索', searchPlaceholder: '编号、电话、地址或描述', searchFailed: '查询失败', all: '全部',
  statusOpen: '办理中', statusClosed: '已结案', statusDismissed: '不属实', statusCanceled: '已撤销', create: '立案', created: '已立案',
  sourceSms: '短信', sourceHotline: '市长热线', sourceLeader: '领导交办', sourcePatrol: '巡查', sourceWeb: '网页',
  sender: '发送号码', receivedAt: '接收时间', text: '内容', openCase: '一键立案', linkCase: '关联案件', handled: '已处理', unhandled: '未处理',
  compose: '撰写新短信', to: '接收号码', send: '发送', sent: '已提交发送', smsOfCase: '往来短信', verification: '核验', passed: '通过', flagged: '存疑',
  assignee: '办理人', createdAt: '创建时间', completedAt: '完成时间', role: '角色', locked: '已锁定', disabled: '已停用', device: '绑定设备',
  by: '办理人', systemActor: '系统', noTasks: '暂无任务', skip: '跳到内容', total: '共', items: '条', caseOf: '案件', newTasks: '有新任务',
  eventCreated: '立案', eventTaskCreated: '任务生成', eventTaskCompleted: '任务办理', eventTaskClaimed: '认领', eventClosed: '结案', eventJob: '自动处理',
  units: '单位', areas: '区域', categories: '类别', auditLog: '审计日志', mapFailed: '地图加载失败', showMap: '显示地图', openInMapApp: '在地图应用中打开',
  save: '保存', saved: '已保存', edit: '编辑', remove: '删除', add: '添加', cancel: '取消', none: '无', confirmRemove: '确定删除？', name: '名称', kind: '类型',
  newUnit: '新建单位', unitId: '单位编号', kindStreet: '街道中队', kindSpecialist: '专业中队', phone: '电话', active: '启用', officers: '执法队员',
  displayName: '姓名', dutyDays: '常规值班日', unitLeads: '单位负责人', roster: '排班', onDuty: '值班', offDuty: '休息', selectUnit: '选择一个单位以管理队员、负责人和排班',
  uploadAreas: '上传区域（GeoJSON）', replaceAreas: '替换：删除文件中没有的区域', upload: '上传', importCreated: '新增', importUpdated: '更新', importRemoved: '删除',
  notJson: '文件不是有效的 JSON', mapOfAreas: '区域地图', defaultUnit: '默认单位', overrideUnit: '指定单位（不论区域）', timeLimit: '办理时限（小时）',
  categoryUnits: '分类别单位', newCategory: '新建类别', code: '代码', nameZh: '中文名称', nameEn: '英文名称', actor: '操作人', action: '操作', target: '对象',
  outcome: '结果', from: '起始时间', until: '截止时间', filter: '筛选', time: '时间', detail: '详情', older: '更早', newest: '最新', pages: '翻页',
  outcomeSuccess: '成功', outcomeFailure: '失败', outcomeRefused: '拒绝',
  eventTaskUnclaimed: '退回', eventTaskReassigned: '转派', reassign: '转派', reassignTo: '转派给', reassignReason: '转派原因', reassignConfirm: '确认转派',
  unclaimReason: '退回原因', unclaimConfirm: '确认退回', unclaimHint: '退回后，任务回到派发人（或原候选人）的待办，由其重新派发。', reason: '原因', returnedTo: '退回至',
  previousAssignee: '原办理人', groupDispatcher: '坐席', groupUnitLead: '单位负责人', givenBack: '任务已退回', reassignedTo: '已转派给', noReassignTargets: '暂无可转派的人员', required: '必填', evidence: '前序办理与现场照片', showDiagram: '显示流程图', goToTask: '去办理', draftSaved: '草稿已保存', draftNotSaved: '草稿未能保存，请检查网络', draftRestored: '已恢复草稿，保存于', kindGrid: '单元网格', kindStreetArea: '街道', removePhoto: '移除', photoRequired: '请至少上传一张照片', chooseCategory: '请选择类别', unitOf: '单位', unlock: '解锁', roleDispatcher: '坐席', roleInspector: '信息员', roleUnitLead: '单位负责人', roleOfficer: '执法队员', roleAdmin: '系统管理员', markHandled: '标记已处理', markUnhandled: '标记未处理', openRelatedCase: '重新立案，关联原案件', relatedCase: '关联原案件', sentMessages: '已发短信',
  myPart: '我办理：', lastDone: '最近办理', noCases: '暂无案件', listSep: '、',
  smsQueued: '待发送', smsSubmitted: '已发送', smsDelivered: '已送达', smsFailed: '发送失败', smsReceived: '收到的短信',
  laws: '执法文件', lawSearch: '搜索法规条文', lawSearchHint: '如：占道经营、罚款、LED', lawTitle: '标题', lawIssuer: '发布机关', lawDocNumber: '文号', lawEffectiveDate: '施行日期', lawEffective: '现行有效', lawRepealed: '已废止', lawUpload: '上传执法文件', lawFile: '文件（PDF、Word .docx、ODT、Markdown 或文本）', lawUploaded: '已上传', lawDownload: '下载原文', lawNoResults: '没有找到相关文件', lawMatches: '处匹配', lawNextMatch: '下一处', lawPrevMatch: '上一处', lawBackToResults: '返回搜索结果', lawMarkRepealed: '标记为已废止', lawMarkEffective: '恢复为现行有效',
  newUser: '新建用户',
  mobile: '手机号码',
  temporaryPassword: '临时密码',
  generatePassword: '自动生成临时密码',
  typePassword: '自行设定临时密码',
  passwordShownOnce: '临时密码只显示这一次：请当面或电话告知本人，首次登录后须修改。',
  passwordFor: '的临时密码',
  userCreated: '已新建用户',
  resetPassword: '重置密码',
  disableUser: '停用',
  enableUser: '启用',
  changeRole: '修改角色',
  unbindDevice: '解绑设备',
  confirm: '确定',
  close: '关闭',
  confirmReset: '将为 {name} 生成新的临时密码，其所有登录会话立即结束，下次登录须修改密码。',
  confirmDisable: '停用后 {name} 的所有登录会话立即结束，且不能再登录（执法队员不再出现在指派名单中）。',
  confirmEnable: '启用后 {name} 可以重新登录。',
  confirmUnbind: '解绑后 {name} 的登录会话立即结束；如账号须绑定设备，下次登录时绑定新设备。',
  confirmUnlock: '解除 {name} 的登录锁定？',
  confirmRole: '修改角色或单位后，{name} 的登录会话立即结束，重新登录后按新角色使用。',
  roleChanged: '角色已修改',
  mustChangeUser: '须改密码',
  chooseUnit: '请选择单位',
  unitNeeded: '单位负责人和执法队员须选择所属单位',
  actions: '操作',
  changePassword: '修改密码',
  currentPassword: '当前密码',
  newPassword: '新密码',
  repeatPassword: '再次输入新密码',
  passwordsDiffer: '两次输入的新密码不一致',
  mustChangeHint: '您的密码是管理员设置的临时密码或已过期，请先修改密码，然后才能使用其他功能。',
  passwordRules: '密码要求：{min}–{max} 个字符，须同时包含字母和数字，不能包含用户名或手机号码，不能是常见密码，不能与最近 {history} 次用过的密码相同。',
  passwordChanged: '密码已修改',
  auditTargetUser: '用户',
  searchUsers: '搜索用户名、姓名或手机号',
  passwordExpiresAt: '密码到期',
  reopenCase: '重新开启',
  reopenOriginal: '重新开启原案件（新一轮）',
  reopenTitle: '重新开启案件 {number}',
  reopenReason: '重新开启原因',
  reopenHint: '案件将按现行流程开始新一轮办理：先派发核实、现场核实，属实再派遣。此前各轮的办理记录和归档保留不变。',
  reopenWithSms: '这条短信将关联到该案件，并标记为已处理。',
  reopenConfirm: '确认重新开启',
  caseClosedChoice: '该案件已办结，可选择：',
  eventReopened: '重新开启（新一轮）',
  eventDismissed: '不属实结束',
} as const;

type Key = keyof typeof zh;
const en: Record<Key, string> = {
  appName: 'Paidan · Enforcement', signIn: 'Sign in', signOut: 'Sign out', username: 'Username', password: 'Password', signInFailed: 'Sign-in failed',
  tabTodo: 'To do', tabDone: 'Handled', tabClosed: 'Closed', tabSearch: 'Search cases', newCase: 'New case', smsInbox: 'Complaint SMS', admin: 'Admin',
  modeler: 'Process modeler', users: 'Users', language: '中文', loading: 'Loading…', empty: 'Nothing here', open: 'Open', claim: 'Claim', unclaim: 'Unclaim',
  submit: 'Complete', submitting: 'Submitting…', submitted: 'Completed', back: 'Back', caseNumber: 'Case number', address: 'Address', description: 'Description',
  category: 'Category', source: 'Source', reporterPhone: 'Reporter phone', status: 'Status', currentStep: 'Current step', round: 'Round', timeline: 'History',
  photos: 'Photos', addPhoto: 'Take / choose photo', uploading: 'Uploading…', uploadFailed: 'Upload failed, try again', listFailed: 'The list cannot be updated right now; retrying shortly', diagram: 'Diagram', map: 'Location',
  fixErrors: 'Please fix the marked fields', claimFirst: 'Claim this task first', search: 'Search', searchPlaceholder: 'Number, phone, address or text', searchFailed: 'Search failed', all: 'All',
  statusOpen: 'Open', statusClosed: 'Closed', statusDismissed: 'Not substantiated', statusCanceled: 'Canceled', create: 'Open case', created: 'Case opened',
  sourceSms: 'SMS', sourceHotline: 'Hotline', sourceLeader: 'Leader', sourcePatrol: 'Patrol', sourceWeb: 'Web',
  sender: 'From', receivedAt: 'Received', text: 'Text', openCase: 'Open a case', linkCase: 'Link to case', handled: 'Handled', unhandled: 'New',
  compose: 'Compose SMS', to: 'To', send: 'Send', sent: 'Queued for sending', smsOfCase: 'SMS exchanged', verification: 'Checks', passed: 'passed', flagged: 'flagged',
  assignee: 'Assignee', createdAt: 'Created', completedAt: 'Completed', role: 'Role', locked: 'Locked', disabled: 'Disabled', device: 'Bound device',
  by: 'By', systemActor: 'System', noTasks: 'No tasks', skip: 'Skip to content', total: 'Total', items: '', caseOf: 'Case', newTasks: 'New tasks',
  eventCreated: 'Case opened', eventTaskCreated: 'Task created', eventTaskCompleted: 'Task completed', eventTaskClaimed: 'Claimed', eventClosed: 'Closed', eventJob: 'Automatic step',
  units: 'Units', areas: 'Areas', categories: 'Categories', auditLog: 'Audit log', mapFailed: 'The map could not be loaded', showMap: 'Show map', openInMapApp: 'Open in map app',
  save: 'Save', saved: 'Saved', edit: 'Edit', remove: 'Remove', add: 'Add', cancel: 'Cancel', none: 'None', confirmRemove: 'Remove it?', name: 'Name', kind: 'Kind',
  newUnit: 'New unit', unitId: 'Unit code', kindStreet: 'Street squad', kindSpecialist: 'Specialist squad', phone: 'Phone', active: 'Active', officers: 'Officers',
  displayName: 'Name', dutyDays: 'Regular duty days', unitLeads: 'Unit leads', roster: 'Duty roster', onDuty: 'On duty', offDuty: 'Off', selectUnit: 'Select a unit to manage its officers, leads and roster',
  uploadAreas: 'Upload areas (GeoJSON)', replaceAreas: 'Replace: remove areas not in the file', upload: 'Upload', importCreated: 'created', importUpdated: 'updated', importRemoved: 'removed',
  notJson: 'The file is not valid JSON', mapOfAreas: 'Map of the areas', defaultUnit: 'Default unit', overrideUnit: 'Override unit (any area)', timeLimit: 'Time limit (hours)',
  categoryUnits: 'Units by category', newCategory: 'New category', code: 'Code', nameZh: 'Chinese name', nameEn: 'English name', actor: 'Actor', action: 'Action', target: 'Target',
  outcome: 'Outcome', from: 'From', until: 'Until', filter: 'Filter', time: 'Time', detail: 'Detail', older: 'Older', newest: 'Newest', pages: 'Pages',
  outcomeSuccess: 'success', outcomeFailure: 'failure', outcomeRefused: 'refused',
  eventTaskUnclaimed: 'Given back', eventTaskReassigned: 'Reassigned', reassign: 'Reassign', reassignTo: 'Reassign to', reassignReason: 'Reason for reassigning', reassignConfirm: 'Reassign',
  unclaimReason: 'Reason for giving back', unclaimConfirm: 'Give back', unclaimHint: 'The task goes back to whoever assigned it (or its candidates) to assign again.', reason: 'Reason', returnedTo: 'Back to',
  previousAssignee: 'Previously', groupDispatcher: 'Dispatchers', groupUnitLead: 'Unit lead', givenBack: 'The task was given back', reassignedTo: 'Reassigned to', noReassignTargets: 'Nobody to reassign to', required: 'required', evidence: 'Earlier steps and site photos', showDiagram: 'Show the diagram', goToTask: 'Handle', draftSaved: 'Draft saved', draftNotSaved: 'The draft could not be saved: check the connection', draftRestored: 'Draft restored, saved', kindGrid: 'Grid cell', kindStreetArea: 'Street', removePhoto: 'Remove', photoRequired: 'Add at least one photo', chooseCategory: 'Choose a category', unitOf: 'Unit', unlock: 'Unlock', roleDispatcher: 'Dispatcher', roleInspector: 'Inspector', roleUnitLead: 'Unit lead', roleOfficer: 'Officer', roleAdmin: 'Administrator', markHandled: 'Mark handled', markUnhandled: 'Mark not handled', openRelatedCase: 'Open a new case referring to', relatedCase: 'Refers to case', sentMessages: 'Messages sent',
  myPart: 'My part: ', lastDone: 'Last handled', noCases: 'No cases', listSep: ', ',
  smsQueued: 'queued', smsSubmitted: 'sent', smsDelivered: 'delivered', smsFailed: 'failed', smsReceived: 'Messages received',
  laws: 'Law documents', lawSearch: 'Search the regulations', lawSearchHint: 'e.g. 占道经营, 罚款, LED', lawTitle: 'Title', lawIssuer: 'Issued by', lawDocNumber: 'Document number', lawEffectiveDate: 'Effective from', lawEffective: 'In force', lawRepealed: 'Repealed', lawUpload: 'Upload a law document', lawFile: 'File (PDF, Word .docx, ODT, Markdown or text)', lawUploaded: 'Uploaded', lawDownload: 'Download original', lawNoResults: 'No matching documents', lawMatches: 'matches', lawNextMatch: 'Next', lawPrevMatch: 'Previous', lawBackToResults: 'Back to results', lawMarkRepealed: 'Mark as repealed', lawMarkEffective: 'Mark as in force',
  newUser: 'New user',
  mobile: 'Mobile',
  temporaryPassword: 'Temporary password',
  generatePassword: 'Generate a temporary password',
  typePassword: 'Type a temporary password',
  passwordShownOnce: 'The temporary password is shown only this once: tell the person directly; they must change it at first sign-in.',
  passwordFor: 'temporary password of',
  userCreated: 'User created',
  resetPassword: 'Reset password',
  disableUser: 'Disable',
  enableUser: 'Enable',
  changeRole: 'Change role',
  unbindDevice: 'Unbind device',
  confirm: 'Confirm',
  close: 'Close',
  confirmReset: 'A new temporary password will be made for {name}; their sessions end at once and they must change it at the next sign-in.',
  confirmDisable: 'Disabling ends every session of {name} at once and blocks sign-in (an officer is no longer offered for assignment).',
  confirmEnable: 'Once enabled, {name} can sign in again.',
  confirmUnbind: 'Unbinding ends the sessions of {name}; if binding is required, the next sign-in binds the new device.',
  confirmUnlock: 'Lift the lockout of {name}?',
  confirmRole: 'Changing the role or unit ends the sessions of {name}; they sign in again with the new role.',
  roleChanged: 'Role changed',
  mustChangeUser: 'Must change password',
  chooseUnit: 'Choose a unit',
  unitNeeded: 'Unit leads and officers belong to a unit',
  actions: 'Actions',
  changePassword: 'Change password',
  currentPassword: 'Current password',
  newPassword: 'New password',
  repeatPassword: 'New password again',
  passwordsDiffer: 'The two new passwords differ',
  mustChangeHint: 'Your password is a temporary one from an administrator or has expired: change it before anything else.',
  passwordRules: 'Password rules: {min}–{max} characters with letters and digits, not your username or mobile number, not a common password, not one of your last {history}.',
  passwordChanged: 'Password changed',
  auditTargetUser: 'User',
  searchUsers: 'Search username, name or mobile',
  passwordExpiresAt: 'Password expires',
  reopenCase: 'Reopen',
  reopenOriginal: 'Reopen the case (new round)',
  reopenTitle: 'Reopen case {number}',
  reopenReason: 'Reason for reopening',
  reopenHint: 'The case starts a new round on the current process: verification first (assign an inspector, on-site check), then dispatch if true. The earlier rounds\' records and archive stay as they are.',
  reopenWithSms: 'This message is linked to the case and marked handled.',
  reopenConfirm: 'Reopen',
  caseClosedChoice: 'That case is closed. You can:',
  eventReopened: 'Reopened (new round)',
  eventDismissed: 'Not substantiated, ended',
};

export type Lang = 'zh-CN' | 'en';
let lang: Lang = (localStorage.getItem('paidan.lang') as Lang) || 'zh-CN';
document.documentElement.lang = lang;

export function currentLang(): Lang {
  return lang;
}

export function setLang(next: Lang): void {
  lang = next;
  localStorage.setItem('paidan.lang', next);
  document.documentElement.lang = next;
}

export function t(key: Key, values?: Record<string, string | number>): string {
  const text = lang === 'en' ? en[key] : zh[key];
  return values ? text.replace(/\{(\w+)\}/g, (all, name: string) => (name in values ? String(values[name]) : all)) : text;
}

/** Times are stored in UTC and shown in Asia/Shanghai. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

const roleKeys: Record<string, Key> = { dispatcher: 'roleDispatcher', inspector: 'roleInspector', 'unit-lead': 'roleUnitLead', officer: 'roleOfficer', admin: 'roleAdmin' };
/** A role in words (坐席, 单位负责人 …), never its key. */
export function roleLabel(role: string): string {
  return roleKeys[role] ? t(roleKeys[role]) : role;
}

export function statusLabel(status: string): string {
  const keys: Record<string, Key> = { open: 'statusOpen', closed: 'statusClosed', dismissed: 'statusDismissed', canceled: 'statusCanceled' };
  return keys[status] ? t(keys[status]) : status;
}

export function sourceLabel(source: string): string {
  const keys: Record<string, Key> = { sms: 'sourceSms', hotline: 'sourceHotline', leader: 'sourceLeader', patrol: 'sourcePatrol', web: 'sourceWeb' };
  return keys[source] ? t(keys[source]) : source;
}
