/** Writes firmware-config/config.schema.json from the zod schema (a test checks it is current). */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configJsonSchema } from '../src/config/schema.ts';
import { packageRoot } from '../src/platform/paths.ts';

const out = resolve(packageRoot, 'firmware-config', 'config.schema.json');
writeFileSync(out, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${out}\n`);
