/**
 * Writes docs/mqtt-schema/<message>.json from the zod schemas of the MQTT contract
 * (src/mqtt/contract); a test checks the committed files are current.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { contractJsonSchemas, renderJsonSchema } from '../src/mqtt/contract/json-schema.ts';
import { packageRoot } from '../src/platform/paths.ts';

const dir = resolve(packageRoot, 'docs', 'mqtt-schema');
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(contractJsonSchemas())) {
  const file = resolve(dir, `${name}.json`);
  writeFileSync(file, renderJsonSchema(schema));
  process.stdout.write(`wrote ${file}\n`);
}
