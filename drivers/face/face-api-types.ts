// The small part of @vladmandic/face-api (and the TensorFlow.js it bundles) that the face engine
// uses, typed here so that the rest of the code does not depend on its 4,500-line declarations.

export interface Point { readonly x: number; readonly y: number }
export interface Rect { readonly x: number; readonly y: number; readonly width: number; readonly height: number }

export interface Tensor { dispose(): void }
export interface Tensor3D extends Tensor { readonly shape: readonly number[] }

export interface FaceDetection { readonly box: Rect; readonly score: number }

export interface FaceLandmarks68 {
  readonly positions: readonly Point[];
  shiftBy(x: number, y: number): FaceLandmarks68;
  align(detection?: null, options?: { useDlibAlignment?: boolean; minBoxPadding?: number }): Rect;
}

interface Net { loadFromDisk(dir: string): Promise<void>; readonly isLoaded: boolean }

export interface FaceApi {
  readonly version: string;
  readonly tf: {
    setBackend(name: string): Promise<boolean>;
    ready(): Promise<void>;
    getBackend(): string;
    tensor3d(values: Uint8Array | Int32Array, shape: [number, number, number], dtype: 'int32'): Tensor3D;
    memory(): { numTensors: number; numBytes: number };
    env(): { set(flag: string, value: boolean | number): void };
  };
  readonly nets: {
    readonly tinyFaceDetector: Net;
    readonly ssdMobilenetv1: Net;
    readonly faceLandmark68Net: Net & { detectLandmarks(input: Tensor3D): Promise<FaceLandmarks68> };
    readonly faceRecognitionNet: Net & { computeFaceDescriptor(input: Tensor3D): Promise<Float32Array> };
  };
  readonly TinyFaceDetectorOptions: new (o: { inputSize: number; scoreThreshold: number }) => object;
  readonly SsdMobilenetv1Options: new (o: { minConfidence: number; maxResults: number }) => object;
  /** face-api's own box class: extractFaceTensors() needs its methods, a plain object will not do. */
  readonly Rect: new (x: number, y: number, width: number, height: number) => Rect;
  detectAllFaces(input: Tensor3D, options: object): PromiseLike<FaceDetection[]>;
  extractFaceTensors(input: Tensor3D, rects: Rect[]): Promise<Tensor3D[]>;
}
