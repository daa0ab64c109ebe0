// Loads @vladmandic/face-api (TensorFlow.js on its WebAssembly backend, weights inside the npm
// package) once per process with the nets asked for; both engines use it (the ONNX engine only for
// its 68-point landmarks, which pose and liveness checks read).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FaceApi } from './face-api-types.js';

export type FaceApiNet = keyof FaceApi['nets'];

let api: Promise<FaceApi> | null = null;
const loaded = new Map<FaceApiNet, Promise<void>>();

export async function loadFaceApi(nets: readonly FaceApiNet[]): Promise<FaceApi> {
  api ??= (async () => {
    const require = createRequire(import.meta.url);
    const faceApi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
    await faceApi.tf.setBackend('wasm');
    await faceApi.tf.ready();
    return faceApi;
  })().catch((error: unknown) => {
    api = null;
    throw error;
  });
  const faceApi = await api;
  const require = createRequire(import.meta.url);
  const modelDir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  await Promise.all(nets.map((net) => {
    let loading = loaded.get(net);
    if (!loading) {
      loading = faceApi.nets[net].loadFromDisk(modelDir).catch((error: unknown) => {
        loaded.delete(net);
        throw error;
      });
      loaded.set(net, loading);
    }
    return loading;
  }));
  return faceApi;
}
