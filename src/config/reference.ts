/**
 * Renders the config reference (docs/config-reference.md) from the JSON Schema, so the
 * documentation of every field, its limits and default comes from the one zod schema.
 */
interface JsonSchema {
  type?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
}

function typeOf(s: JsonSchema): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  if (s.type === 'array' && s.items) return `array of ${typeOf(s.items)}`;
  return s.type ?? 'object';
}

function limitsOf(s: JsonSchema): string {
  const parts: string[] = [];
  if (s.minimum !== undefined) parts.push(`>= ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) parts.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined) parts.push(`<= ${s.maximum}`);
  if (s.minLength !== undefined || s.maxLength !== undefined) parts.push(`length ${s.minLength ?? 0}..${s.maxLength ?? '∞'}`);
  if (s.minItems !== undefined || s.maxItems !== undefined) parts.push(`${s.minItems ?? 0}..${s.maxItems ?? '∞'} items`);
  if (s.pattern) parts.push(`pattern \`${s.pattern.replace(/\|/g, '\\|')}\``);
  return parts.join(', ');
}

function rows(schema: JsonSchema, prefix: string, out: string[]): void {
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const variants = prop.oneOf ?? prop.anyOf;
    const itemVariants = prop.items?.oneOf ?? prop.items?.anyOf;
    const required = schema.required?.includes(key) && prop.default === undefined ? 'yes' : '';
    const dflt = prop.default === undefined || typeof prop.default === 'object' ? '' : `\`${JSON.stringify(prop.default)}\``;
    out.push(`| \`${path}\` | ${typeOf(prop)} | ${required} | ${dflt} | ${limitsOf(prop)} | ${prop.description ?? ''} |`);
    if (prop.properties) rows(prop, path, out);
    for (const v of itemVariants ?? variants ?? []) {
      const tag = v.properties?.type?.const;
      rows(v, `${path}[]${tag !== undefined ? `(type=${String(tag)})` : ''}`, out);
    }
  }
}

export function renderConfigReference(schema: unknown): string {
  const out = [
    '# Configuration reference',
    '',
    'Generated from the zod schema in `src/config/schema.ts` by `npm run gen:schema`; do not edit by hand.',
    'Config files are YAML (or JSON). Unknown keys are errors. Relative paths are resolved against the',
    "config file's folder. Check a file with `npx alpr-edge validate-config FILE`.",
    '',
    '| key | type | required | default | limits | description |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  rows(schema as JsonSchema, '', out);
  return `${out.join('\n')}\n`;
}
