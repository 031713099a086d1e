/**
 * A thin wrapper over one onnxruntime-node CPU session with one float32 input and one output.
 * Shared by the text detector and the recogniser; all pre/post-processing lives elsewhere.
 */
import ort from 'onnxruntime-node';
import { AlprError } from '../errors.ts';

export interface TensorOut {
  data: Float32Array;
  dims: readonly number[];
}

export interface OnnxSession {
  readonly inputName: string;
  readonly outputName: string;
  run(data: Float32Array, dims: readonly number[]): Promise<TensorOut>;
  close(): Promise<void>;
}

export async function createOnnxSession(path: string, threads: number): Promise<OnnxSession> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // No memory pattern: ONNX Runtime plans and keeps one allocation pattern per input shape,
      // and the detector sees a new shape with nearly every frame size or window. Without it the
      // reader's peak RSS over the US scenes fell from 850 to 629 MB at the same CPU per image
      // (docs/benchmarks.md, 2026-11-29).
      enableMemPattern: false,
      // Idle intra-op threads sleep instead of spinning: on 2 cores shared with ffmpeg's decoding
      // and the crop encoding, spinning burnt 17 % more CPU per frame (412 vs 344 ms) and left
      // the one-camera hit latency 80-150 ms higher (docs/benchmarks.md, 2026-11-29).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
  } catch (err) {
    throw new AlprError('MODEL_MISSING', `cannot load ONNX model ${path}: ${(err as Error).message}`, { cause: err });
  }
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  if (!inputName || !outputName) {
    await session.release();
    throw new AlprError('MANIFEST_INVALID', `ONNX model ${path} has no input or output`);
  }
  return {
    inputName,
    outputName,
    async run(data, dims) {
      const feeds = { [inputName]: new ort.Tensor('float32', data, dims) };
      const result = await session.run(feeds);
      const out = result[outputName];
      if (!out || out.type !== 'float32') throw new Error(`ONNX model ${path}: output ${outputName} is not float32`);
      return { data: out.data as Float32Array, dims: out.dims };
    },
    close: () => session.release(),
  };
}
