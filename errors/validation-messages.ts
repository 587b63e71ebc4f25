/**
 * One ajv validation error in words, in Chinese and in English: the request schemas' errors
 * (api/src/http/route.ts) and the task forms' (forms/index.ts) read the same. The problem
 * answer picks the language the caller asked for (api/src/http/problem.ts).
 */
import type { ErrorObject } from 'ajv';

export interface Bilingual {
  zh: string;
  en: string;
}

const typeNames: Record<string, string> = { string: '文字', integer: '整数', number: '数字', boolean: '是/否', object: '对象', array: '列表', null: '空值' };

export function describeValidationError(e: ErrorObject): Bilingual {
  const p = e.params as Record<string, unknown>;
  const limit = String(p.limit);
  switch (e.keyword) {
    case 'required': return { zh: '必填', en: 'required' };
    // requiredWhen's "not null" (forms/schema.ts) is the only `not` the schemas use
    case 'not': return { zh: '必填', en: 'required' };
    case 'additionalProperties': return { zh: `不能有此字段（${String(p.additionalProperty)}）`, en: `unknown field "${String(p.additionalProperty)}"` };
    case 'type': {
      const types = String(p.type).split(',');
      return { zh: `类型不正确，应为${types.map((t) => typeNames[t] ?? t).join('或')}`, en: `must be ${String(p.type)}` };
    }
    case 'enum': return { zh: '不是可选的值', en: `must be one of ${((p.allowedValues as unknown[]) ?? []).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const': return { zh: '取值不正确', en: `must be ${JSON.stringify(p.allowedValue)}` };
    case 'maxLength': return { zh: `不能超过 ${limit} 个字`, en: `at most ${limit} characters` };
    case 'minLength': return Number(p.limit) <= 1 ? { zh: '必填', en: 'required' } : { zh: `至少 ${limit} 个字`, en: `at least ${limit} characters` };
    case 'pattern': return p.pattern === '\\S' ? { zh: '必填', en: 'required' } : { zh: '格式不正确', en: `must match ${String(p.pattern)}` };
    case 'format': return { zh: '格式不正确', en: `must be a ${String(p.format)}` };
    case 'minItems': return Number(p.limit) <= 1 ? { zh: '至少需要一项', en: 'at least one is required' } : { zh: `至少 ${limit} 项`, en: `at least ${limit} items` };
    case 'maxItems': return { zh: `最多 ${limit} 项`, en: `at most ${limit} items` };
    case 'uniqueItems': return { zh: '有重复项', en: 'duplicate items' };
    case 'minProperties': return { zh: `至少 ${limit} 项`, en: `at least ${limit} properties` };
    case 'maxProperties': return { zh: `最多 ${limit} 项`, en: `at most ${limit} properties` };
    case 'minimum': return { zh: `不能小于 ${limit}`, en: `must be ≥ ${limit}` };
    case 'maximum': return { zh: `不能大于 ${limit}`, en: `must be ≤ ${limit}` };
    case 'exclusiveMinimum': return { zh: `必须大于 ${limit}`, en: `must be > ${limit}` };
    case 'exclusiveMaximum': return { zh: `必须小于 ${limit}`, en: `must be < ${limit}` };
    case 'oneOf':
    case 'anyOf': return { zh: '不符合任何一种允许的格式', en: e.message ?? 'matches no allowed shape' };
    default: return { zh: '取值不正确', en: e.message ?? 'is invalid' };
  }
}
