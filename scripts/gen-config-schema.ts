/**
 * Writes firmware-config/config.schema.json and docs/config-reference.md from the zod schema
 * (a test checks both are current).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderConfigReference } from '../src/config/reference.ts';
import { configJsonSchema } from '../src/config/schema.ts';
import { packageRoot } from '../src/platform/paths.ts';

const schema = configJsonSchema();
const targets: Array<[string, string]> = [
  [resolve(packageRoot, 'firmware-config', 'config.schema.json'), `${JSON.stringify(schema, null, 2)}\n`],
  [resolve(packageRoot, 'docs', 'config-reference.md'), renderConfigReference(schema)],
];
for (const [file, text] of targets) {
  writeFileSync(file, text);
  process.stdout.write(`wrote ${file}\n`);
}
