/**
 * A camera's region of interest and motion gate, from its config, for its CameraPipeline.
 * Stills cameras have no `motion` (consecutive stills are unrelated pictures).
 */
import { roiFromConfig, type Roi, type RoiConfig } from '../track/roi.ts';
import { FrameMotionGate, type FrameMotionOptions } from './frame-motion.ts';

export interface SceneConfig {
  roi?: (RoiConfig & { crop?: boolean | undefined }) | undefined;
  motion?: (FrameMotionOptions & { enabled: boolean }) | undefined;
}

export function sceneGatingFor(cam: SceneConfig): { roi?: Roi; roiCrop?: boolean; motion?: FrameMotionGate } {
  const out: { roi?: Roi; roiCrop?: boolean; motion?: FrameMotionGate } = {};
  if (cam.roi) {
    out.roi = roiFromConfig(cam.roi);
    out.roiCrop = cam.roi.crop ?? false;
  }
  if (cam.motion?.enabled) {
    const { threshold, pixelDelta, maxSkipMs, thumbWidth } = cam.motion;
    out.motion = new FrameMotionGate({ threshold, pixelDelta, maxSkipMs, thumbWidth }, out.roi);
  }
  return out;
}
