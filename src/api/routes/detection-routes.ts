/** One stored read and its images (plate crop, reduced full frame); every view is audited. */
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { AuditAction } from '../../audit/actions.ts';
import { DetectionFramesRepo } from '../../store/detection-frames.ts';
import { DetectionsRepo } from '../../store/detections-repo.ts';
import { HitsRepo } from '../../store/hits-repo.ts';
import type { ApiDeps } from '../api-deps.ts';
import { auditAs } from '../audit-as.ts';
import { defineRoute, HttpError, type AnyRoute } from '../route-def.ts';
import { idParam } from './schemas.ts';

/** The file of a stored crop path, or null when the path would leave the data directory (pure). */
export function cropFileIn(dataDir: string, cropPath: string): string | null {
  if (cropPath.includes('\0') || isAbsolute(cropPath)) return null;
  const root = resolve(dataDir);
  const file = resolve(root, ...cropPath.split('/'));
  const rel = relative(root, file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? null : file;
}

export function detectionRoutes(deps: ApiDeps): AnyRoute[] {
  const detections = new DetectionsRepo(deps.db);
  const hits = new HitsRepo(deps.db);
  const frames = new DetectionFramesRepo(deps.db);
  const found = (id: string) => {
    const d = detections.get(id);
    if (!d) throw new HttpError(404, `no detection ${id} (unknown, or already purged)`);
    return d;
  };
  const jpeg = (reply: Parameters<AnyRoute['handler']>[0]['reply'], bytes: Buffer) =>
    reply.header('content-type', 'image/jpeg').header('cache-control', 'no-store').send(bytes);
  return [
    defineRoute({
      method: 'GET',
      url: '/api/detections/:id',
      access: 'detections:read',
      changesState: false,
      summary: 'One stored read: plate, time, camera, position and its hits (audited).',
      schemas: { params: idParam },
      handler: ({ params, session }) => {
        const detection = found(params.id);
        auditAs(deps, session, { action: AuditAction.viewDetection, target: params.id });
        return { detection, hits: hits.byDetection(params.id), hasFrame: frames.has(params.id) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/detections/:id/crop',
      access: 'images:view',
      changesState: false,
      summary: 'The plate crop JPEG (audited).',
      schemas: { params: idParam },
      handler: async ({ params, session, reply }) => {
        const d = found(params.id);
        const file = d.cropPath === null ? null : cropFileIn(deps.dataDir, d.cropPath);
        if (file === null) throw new HttpError(404, `detection ${params.id} has no stored crop`);
        let bytes: Buffer;
        try {
          bytes = await readFile(file);
        } catch {
          throw new HttpError(404, `the crop of detection ${params.id} is not on disk (purged?)`);
        }
        auditAs(deps, session, { action: AuditAction.viewImage, target: params.id, detail: { image: 'crop' } });
        return jpeg(reply, bytes);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/detections/:id/frame',
      access: 'images:view',
      changesState: false,
      summary: 'The reduced full frame JPEG stored with a hit (audited).',
      schemas: { params: idParam },
      handler: ({ params, session, reply }) => {
        found(params.id);
        const frame = frames.get(params.id);
        if (!frame) throw new HttpError(404, `detection ${params.id} has no stored frame`);
        auditAs(deps, session, { action: AuditAction.viewImage, target: params.id, detail: { image: 'frame' } });
        return jpeg(reply, frame.jpeg);
      },
    }),
  ];
}
