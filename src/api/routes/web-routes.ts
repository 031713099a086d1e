/**
 * The officer's page: plain files from src/web (no build step, no CDN), read once at start-up.
 * Only the files named here are served; nothing is looked up from the request path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { packageRoot } from '../../platform/paths.ts';
import { defineRoute, type AnyRoute } from '../route-def.ts';

export const WEB_FILES = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'index.html': 'text/html; charset=utf-8',
} as const;
type WebFile = keyof typeof WEB_FILES;

export function webRoutes(webDir = join(packageRoot, 'src', 'web')): AnyRoute[] {
  const files = new Map<WebFile, Buffer>();
  for (const name of Object.keys(WEB_FILES) as WebFile[]) files.set(name, readFileSync(join(webDir, name)));
  const send = (reply: Parameters<AnyRoute['handler']>[0]['reply'], name: WebFile) =>
    reply.header('content-type', WEB_FILES[name]).header('cache-control', 'no-cache').send(files.get(name));
  return [
    defineRoute({
      method: 'GET',
      url: '/',
      access: 'public',
      changesState: false,
      summary: "The officer's page.",
      schemas: {},
      handler: ({ reply }) => send(reply, 'index.html'),
    }),
    defineRoute({
      method: 'GET',
      url: '/web/:file',
      access: 'public',
      changesState: false,
      summary: "The page's script and style sheet.",
      schemas: { params: z.strictObject({ file: z.enum(['app.js', 'app.css']) }) },
      handler: ({ params, reply }) => send(reply, params.file),
    }),
  ];
}
