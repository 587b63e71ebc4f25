/**
 * The platform's domain errors: a fixed set of stable codes, each with an HTTP status and
 * zh-CN / English messages. Modules throw `DomainError`; the API's one error middleware turns
 * it into application/problem+json (RFC 9457). The original error is kept as `cause`.
 */

export interface ErrorCodeInfo {
  status: number;
  zh: string;
  en: string;
}

export const errorCodes = {
  'request.invalid': { status: 400, zh: '请求参数不正确', en: 'The request is invalid' },
  'auth.required': { status: 401, zh: '请先登录', en: 'Sign-in required' },
  'auth.forbidden': { status: 403, zh: '无权执行此操作', en: 'Not allowed' },
  'not_found': { status: 404, zh: '未找到', en: 'Not found' },
  'case.not_found': { status: 404, zh: '案件不存在', en: 'Case not found' },
  'case.unknown_category': { status: 400, zh: '案件类别不存在或已停用', en: 'No such case category, or it is no longer in use' },
  'sms.case_closed': { status: 409, zh: '该案件已办结：可重新开启原案件（新一轮办理），或以此短信重新立案（关联原案件）', en: 'That case is closed: reopen it for a new round, or open a new case from this message that refers to it' },
  'case.not_closed': { status: 409, zh: '只有已结案或不属实结束的案件可以重新开启', en: 'Only a closed or dismissed case can be reopened' },
  'case.location_forbidden': { status: 403, zh: '只有坐席、管理员或正在办理本案现场核实 / 核查任务的信息员可以修改案件位置', en: 'Only dispatchers, admins and the inspector holding the case\'s open verification or re-check task may change its location' },
  'case.not_open': { status: 409, zh: '案件已办结，不能再修改', en: 'The case is no longer open' },
  'process.not_found': { status: 404, zh: '流程定义不存在', en: 'Process definition not found' },
  'instance.not_found': { status: 404, zh: '流程实例不存在', en: 'Process instance not found' },
  'task.not_found': { status: 404, zh: '任务不存在', en: 'Task not found' },
  'task.already_completed': { status: 409, zh: '任务已完成', en: 'The task is already completed' },
  'task.already_claimed': { status: 409, zh: '任务已被他人认领', en: 'The task is claimed by someone else' },
  'task.not_assigned': { status: 409, zh: '任务尚未认领', en: 'The task must be claimed first' },
  'task.assignee_not_allowed': { status: 422, zh: '不能转派给该人员（不在可选人员中或已停用）', en: 'The task cannot be given to this person (not one of the choices, or disabled)' },
  'task.completion_rejected': { status: 422, zh: '提交的数据无法推进流程', en: 'The submitted variables cannot move the process on' },
  'message.correlation_rejected': { status: 422, zh: '消息携带的数据无法推进流程', en: 'The message variables cannot move the process on' },
  'instance.unrecoverable': { status: 409, zh: '该案件的流程状态无法恢复，已上报流程异常，请联系管理员处理', en: 'The saved process state of this case cannot be recovered: an incident is open for an administrator' },
  'form.invalid': { status: 422, zh: '表单数据不正确', en: 'The form data is invalid' },
  'process.start_failed': { status: 422, zh: '流程无法启动', en: 'The process cannot start with these variables' },
  'deploy.invalid': { status: 422, zh: '流程图无法部署', en: 'The diagram cannot be deployed' },
  'incident.not_found': { status: 404, zh: '异常不存在', en: 'Incident not found' },
  'auth.invalid_credentials': { status: 401, zh: '用户名或密码错误', en: 'Wrong username or password' },
  'auth.locked': { status: 423, zh: '密码错误次数过多，账号已临时锁定，请稍后再试或联系管理员', en: 'Too many wrong passwords: the account is locked for a while, try later or ask an administrator' },
  'auth.rate_limited': { status: 429, zh: '登录尝试过于频繁，请稍后再试', en: 'Too many sign-in attempts from this address, try again later' },
  'auth.password_expired': { status: 403, zh: '密码已过期或已被重置，请先修改密码', en: 'The password has expired or was reset: change it first' },
  'auth.device_mismatch': { status: 403, zh: '该账号已绑定其他设备，不能在此设备登录', en: 'This account is bound to another device' },
  'auth.device_required': { status: 403, zh: '该账号须绑定设备，请使用单位配发的客户端登录', en: 'This account must be bound to a device: sign in from the managed client' },
  'auth.csrf': { status: 403, zh: '页面已过期，请刷新后重试', en: 'Missing or wrong CSRF token' },
  'auth.oidc_failed': { status: 401, zh: '统一身份认证登录失败', en: 'Sign-in through the identity provider failed' },
  'password.policy': { status: 422, zh: '密码不符合安全要求', en: 'The password does not meet the password policy' },
  'user.not_found': { status: 404, zh: '用户不存在', en: 'User not found' },
  'user.exists': { status: 409, zh: '用户名已存在', en: 'The username is taken' },
  'user.self_change': { status: 409, zh: '不能停用自己或取消自己的管理员角色', en: 'You cannot disable yourself or remove your own admin role' },
  'conflict': { status: 409, zh: '数据已被修改，请重试', en: 'Concurrent modification, try again' },
  'payload.too_large': { status: 413, zh: '内容过大', en: 'Payload too large' },
  'media.unsupported': { status: 415, zh: '不支持的内容类型', en: 'Unsupported media type' },
  'photo.unsupported_type': { status: 415, zh: '只能上传 JPEG、PNG、HEIC 或 WebP 格式的照片', en: 'Only JPEG, PNG, HEIC and WebP photos are accepted' },
  'photo.too_large': { status: 413, zh: '照片文件过大', en: 'The photo is too large' },
  'photo.corrupt': { status: 422, zh: '照片文件已损坏或不完整，无法打开', en: 'The photo is damaged or incomplete and cannot be decoded' },
  'photo.too_many_pixels': { status: 422, zh: '照片像素过多（超过手机照片的大小），请压缩后再上传', en: 'The photo has more pixels than a phone photo: shrink it and upload again' },
  'photo.not_found': { status: 404, zh: '照片不存在', en: 'Photo not found' },
  'law.not_found': { status: 404, zh: '执法文件不存在', en: 'Law document not found' },
  'law.unsupported_type': { status: 415, zh: '只能上传 PDF、Word (.docx)、ODT、Markdown 或纯文本格式的文件', en: 'Only PDF, Word (.docx), ODT, Markdown and plain-text files are accepted' },
  'law.too_large': { status: 413, zh: '文件过大', en: 'The file is too large' },
  'law.unreadable': { status: 422, zh: '无法从文件中读取文字（文件损坏、加密或为扫描件）', en: 'No text could be read from the file (damaged, encrypted or scanned)' },
  'law.duplicate': { status: 409, zh: '该文件已上传过', en: 'This file has already been uploaded' },
  'internal': { status: 500, zh: '服务器内部错误', en: 'Internal server error' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof errorCodes;

export interface FieldError {
  /** The failing field: a JSON pointer-ish path such as `verification` or `/location/lat`. */
  field: string;
  /** In English (the API answers `messageZh` instead to a zh-CN caller). */
  message: string;
  messageZh?: string;
}

export class DomainError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    /** A precise, human detail in English (a zh-CN caller gets `extra.detailZh`, else its field errors or the title). */
    readonly detail?: string,
    readonly extra: { field?: string; errors?: FieldError[]; cause?: unknown; detailZh?: string; [key: string]: unknown } = {},
  ) {
    super(detail ?? errorCodes[code].en, extra.cause !== undefined ? { cause: extra.cause } : undefined);
    this.name = 'DomainError';
    this.status = errorCodes[code].status;
  }
}

export function isDomainError(error: unknown, code?: ErrorCode): error is DomainError {
  return error instanceof DomainError && (code === undefined || error.code === code);
}
