import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractSchemas } from '../../../src/mqtt/contract/index.ts';
import { packageRoot } from '../../../src/platform/paths.ts';

/** `<!-- example: NAME -->` followed by a ```json block in docs/mqtt.md. */
function examples(): Array<[string, string]> {
  const text = readFileSync(resolve(packageRoot, 'docs', 'mqtt.md'), 'utf8');
  return [...text.matchAll(/<!-- example: (\w+) -->\s*```json\n([\s\S]*?)```/g)].map((m) => [m[1] as string, m[2] as string]);
}

describe('docs/mqtt.md', () => {
  it('has one example per message, each valid against its schema', () => {
    const found = examples();
    expect(found.map(([name]) => name).sort()).toEqual(Object.keys(contractSchemas).sort());
    for (const [name, json] of found) {
      const r = contractSchemas[name as keyof typeof contractSchemas].safeParse(JSON.parse(json));
      expect(r.success, `${name}: ${JSON.stringify(r.error?.issues)}`).toBe(true);
    }
  });
});
