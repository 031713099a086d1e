/** The JSON Schema of every contract message, as written to docs/mqtt-schema/<name>.json. */
import { z } from 'zod';
import { contractSchemas } from './index.ts';

/** File name (without .json) → JSON Schema. Keys in a stable order. */
export function contractJsonSchemas(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(contractSchemas)) {
    // io 'input' leaves additionalProperties open: a receiver ignores fields added later within v1.
    out[name] = { $id: `alpr-edge/mqtt/${name}.json`, ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) };
  }
  return out;
}

export function renderJsonSchema(schema: unknown): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
