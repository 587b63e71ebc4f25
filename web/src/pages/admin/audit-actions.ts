/**
 * Every action code the server writes to the audit log, in words (zh-CN and English): the
 * audit page shows these, never the raw code. test/web/audit-actions.spec.ts reads the
 * server's sources and fails when a code is written that has no words here.
 */
export const auditActions: Record<string, { zh: string; en: string }> = {
  'auth.login': { zh: '登录', en: 'Sign-in' },
  'auth.logout': { zh: '退出登录', en: 'Sign-out' },
  'auth.lockout': { zh: '密码错误过多，账号锁定', en: 'Locked after wrong passwords' },
  'auth.refresh_reuse': { zh: '登录令牌被重复使用（会话已结束）', en: 'Refresh token reused (session ended)' },
  'password.change': { zh: '修改密码', en: 'Password changed' },
  'device.bind': { zh: '绑定设备', en: 'Device bound' },
  'device.unbind': { zh: '解绑设备', en: 'Device unbound' },
  'user.create': { zh: '新建用户', en: 'User created' },
  'user.disable': { zh: '停用用户', en: 'User disabled' },
  'user.enable': { zh: '启用用户', en: 'User enabled' },
  'user.password_reset': { zh: '重置密码', en: 'Password reset' },
  'user.unlock': { zh: '解除锁定', en: 'Lockout lifted' },
  'user.role': { zh: '修改角色和单位', en: 'Role and unit changed' },
  'case.create': { zh: '新建案件', en: 'Case opened' },
  'case.create_from_sms': { zh: '短信一键立案', en: 'Case opened from an SMS' },
  'case.locate': { zh: '修改案件位置', en: 'Case location changed' },
  'case.reopen': { zh: '重新开启案件', en: 'Case reopened' },
  'case.archive.export': { zh: '导出归档案件', en: 'Archived case exported' },
  'task.claim': { zh: '认领任务', en: 'Task claimed' },
  'task.unclaim': { zh: '退回任务', en: 'Task given back' },
  'task.reassign': { zh: '转派任务', en: 'Task reassigned' },
  'task.complete': { zh: '办理任务', en: 'Task completed' },
  'photo.upload': { zh: '上传照片', en: 'Photo uploaded' },
  'photo.download': { zh: '查看照片原图', en: 'Photo downloaded' },
  'sms.send': { zh: '发送短信', en: 'SMS sent' },
  'sms.link': { zh: '短信关联案件', en: 'SMS linked to a case' },
  'sms.send_integration': { zh: '外部系统发送短信', en: 'SMS sent by another system' },
  'sms.export': { zh: '外部系统读取短信', en: 'SMS read by another system' },
  'unit.save': { zh: '保存单位', en: 'Unit saved' },
  'officer.save': { zh: '保存执法队员', en: 'Officer saved' },
  'roster.save': { zh: '修改排班', en: 'Roster changed' },
  'unit-lead.save': { zh: '添加单位负责人', en: 'Unit lead added' },
  'unit-lead.remove': { zh: '移除单位负责人', en: 'Unit lead removed' },
  'category.save': { zh: '保存类别', en: 'Category saved' },
  'category.update': { zh: '修改类别', en: 'Category edited' },
  'area.import': { zh: '上传区域', en: 'Areas uploaded' },
  'law.upload': { zh: '上传执法文件', en: 'Law document uploaded' },
  'law.update': { zh: '修改执法文件', en: 'Law document edited' },
  'law.delete': { zh: '删除执法文件', en: 'Law document removed' },
  'law.download': { zh: '下载执法文件原文', en: 'Law document downloaded' },
  'process.deploy': { zh: '部署流程', en: 'Process deployed' },
  'incident.retry': { zh: '重试流程异常', en: 'Incident retried' },
};

/** The filter's groups: every action of one kind (`user.*`). */
export const auditActionGroups: Record<string, { zh: string; en: string }> = {
  'auth.*': { zh: '登录与退出（全部）', en: 'Sign-in and sign-out (all)' },
  'user.*': { zh: '用户管理（全部）', en: 'User administration (all)' },
  'case.*': { zh: '案件（全部）', en: 'Cases (all)' },
  'task.*': { zh: '任务（全部）', en: 'Tasks (all)' },
  'sms.*': { zh: '短信（全部）', en: 'SMS (all)' },
  'category.*': { zh: '类别（全部）', en: 'Categories (all)' },
  'law.*': { zh: '执法文件（全部）', en: 'Law documents (all)' },
};

/** An action in words in the page's language; a code the map lacks is shown as it is. */
export function auditActionLabel(code: string, lang: 'zh-CN' | 'en'): string {
  const words = auditActions[code];
  return words ? (lang === 'en' ? words.en : words.zh) : code;
}
