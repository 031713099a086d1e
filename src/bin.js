#!/usr/bin/env node
// Launcher for `npx alpr-edge`: registers tsx so the TypeScript sources run without a build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
