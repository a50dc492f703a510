/**
 * A small YAML writer for `logDict`: plain JSON data (objects, arrays, strings, numbers, booleans,
 * null) in block style, as MLflow writes dictionaries. Strings are quoted whenever plain style could
 * be read back as something else.
 */

const PLAIN = /^[A-Za-z_][\w ./-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|~|y|n)$/i;

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  const s = String(value);
  // Plain only when it cannot be read back as another type, and has no trailing/leading space.
  return PLAIN.test(s) && !RESERVED.test(s) && s.trim() === s ? s : JSON.stringify(s);
}

const isContainer = (v: unknown): v is object => typeof v === 'object' && v !== null;
const isEmpty = (v: object) => (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0);

function lines(value: unknown, indent: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (isContainer(item) && !isEmpty(item)) {
        const [first, ...rest] = lines(item, `${indent}  `);
        return [`${indent}- ${first!.trimStart()}`, ...rest];
      }
      return [`${indent}- ${inline(item)}`];
    });
  }
  return Object.entries(value as Record<string, unknown>).map(([k, v]) => {
    const key = scalar(k);
    if (isContainer(v) && !isEmpty(v)) return [`${indent}${key}:`, ...lines(v, `${indent}  `)].join('\n');
    return `${indent}${key}: ${inline(v)}`;
  });
}

function inline(v: unknown): string {
  if (isContainer(v)) return Array.isArray(v) ? '[]' : '{}';
  return scalar(v);
}

/** `value` as a YAML document. */
export function toYaml(value: unknown): string {
  if (!isContainer(value) || isEmpty(value)) return `${inline(value)}\n`;
  return `${lines(value, '').join('\n')}\n`;
}
