import { Type, type Static } from '@sinclair/typebox';

export const FaceConfigSchema = Type.Object(
  {
    driver: Type.Union([Type.Literal('sim'), Type.Literal('camera')], {
      default: 'sim',
      description: "'camera' for a V4L2 camera and the face model; 'sim' plays decisions for demos and tests",
    }),
    device: Type.String({ default: '/dev/video0', description: 'camera: the V4L2 device' }),
    model: Type.Union([Type.Literal('fused'), Type.Literal('fr512'), Type.Literal('dlib')], {
      default: 'fused',
      description: "camera: descriptor model: 'fused' (YuNet; fr512, MobileFaceNet and dlib descriptors of the same face, scored by the weighted mean of their similarities; measured best, docs/face.md), 'fr512' (YuNet + a 512-d ONNX model alone) or 'dlib' (face-api's 128-d ResNet, the earlier engine)",
    }),
    threshold: Type.Optional(Type.Number({
      minimum: 0, maximum: 1,
      description: "Similarity at or above which the live face matches the card photo. Unset: the model's threshold measured for the FAR target on every labelled set (fused 0.42, fr512 0.39, dlib 0.48; docs/face.md). fr512's score is the cosine of its descriptors, dlib's is 1 - descriptor distance, fused's the weighted mean of fr512's, MobileFaceNet's (cosine) and dlib's",
    })),
    targetFar: Type.Number({
      minimum: 0, maximum: 0.5, default: 0.001,
      description: 'False-accept rate the threshold is chosen for (a fraction: 0.001 = 0.1 %); `oqsgw face calibrate` prints the threshold that meets it on a labelled set',
    }),
    source: Type.Union([Type.Literal('v4l2'), Type.Literal('files')], {
      default: 'v4l2',
      description: "camera: where frames come from: 'v4l2' reads `device`; 'files' is the simulated camera that plays `simFrames`",
    }),
    simFrames: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: "camera with source 'files': image files (JPEG, PNG, JPEG 2000) played in turn, looping, as camera frames",
    }),
    simFrameIntervalMs: Type.Integer({ minimum: 1, maximum: 5000, default: 100, description: "camera with source 'files': time between frames" }),
    captureWidth: Type.Integer({ minimum: 160, maximum: 4096, default: 640, description: 'camera: V4L2 capture width in pixels' }),
    captureHeight: Type.Integer({ minimum: 120, maximum: 4096, default: 480, description: 'camera: V4L2 capture height in pixels' }),
    detector: Type.Union([Type.Literal('tiny'), Type.Literal('ssd')], {
      default: 'tiny',
      description: "camera with model 'dlib' only: face-api detector for live frames ('tiny' is about 3x faster; 'ssd' finds small and turned faces more often); models 'fused' and 'fr512' always use YuNet, padding the picture when it finds nothing as it is",
    }),
    minFacePx: Type.Integer({ minimum: 24, maximum: 2000, default: 80, description: 'camera: smallest face width (pixels) compared; smaller faces get "come closer"' }),
    framesToDecide: Type.Integer({ minimum: 1, maximum: 30, default: 3, description: 'camera: usable frames compared before deciding (the score is their median)' }),
    framesToReject: Type.Integer({ minimum: 1, maximum: 100, default: 8, description: 'camera: usable frames below the threshold after which the attempt ends as a mismatch (before the time is up)' }),
    maxFramesPerMatch: Type.Integer({ minimum: 1, maximum: 1000, default: 60, description: 'camera: frames analysed per attempt at most (the flow\'s faceTimeoutMs usually ends it first)' }),
    liveness: Type.Union([Type.Literal('movement'), Type.Literal('off')], {
      default: 'movement',
      description: "camera: presentation-attack check: 'movement' requires the face to move like a head, not like a flat picture (docs/face.md says what it does not stop)",
    }),
    livenessMinMotion: Type.Number({
      minimum: 0, maximum: 1, default: 0.03,
      description: 'camera: least non-affine movement of the steady landmarks across frames, in eye distances, that counts as a live face (default: above the largest a simulated hand-held photo showed; docs/face.md)',
    }),
    simDecisions: Type.Array(Type.Union([Type.Literal('match'), Type.Literal('mismatch'), Type.Literal('no-face'), Type.Literal('spoof')]), {
      default: ['match'],
      description: 'sim: decisions played in turn, one per check-in',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type FaceConfig = Static<typeof FaceConfigSchema>;
