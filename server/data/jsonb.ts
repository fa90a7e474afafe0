/**
 * JSON text for a jsonb (or json-extracted text) parameter. PostgreSQL holds
 * no NUL (\u0000) in either, and a model or a tool may still write one (in
 * its text, a tool call's arguments, a tool's result): such strings are
 * stored with U+FFFD in its place rather than failing the whole statement.
 */
export function jsonForPostgres(value: unknown): string {
  const json = JSON.stringify(value);
  // Also true for an escaped backslash followed by "u0000", which the replacer then leaves as it is.
  if (!json.includes('\\u0000')) return json;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.replaceAll('\0', '\uFFFD') : v));
}
