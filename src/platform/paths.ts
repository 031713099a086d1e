/** Locations inside the installed package (not the working directory). */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

export const packageRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
export const bundledModelsDir = resolve(packageRoot, 'models');
