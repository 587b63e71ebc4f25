/**
 * A task draft's identity for "has anything changed": the answers and the photo ids as JSON with
 * the object keys sorted, so the same answers in another key order are the same draft. form-js
 * reports `changed` for more than typing (the first validation of restored values, a blur); those
 * must neither save again nor replace 已恢复草稿 with 草稿已保存.
 */
export function draftKey(data: Record<string, unknown>, photos: Record<string, string[]>): string {
  return JSON.stringify({ data, photos }, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value);
}
