import { Type, type Static } from '@sinclair/typebox';

export const FaceConfigSchema = Type.Object(
  {
    driver: Type.Union([Type.Literal('sim'), Type.Literal('camera')], {
      default: 'sim',
      description: "'camera' for a V4L2 camera and the face model; 'sim' plays decisions for demos and tests",
    }),
    device: Type.String({ default: '/dev/video0', description: 'camera: the V4L2 device' }),
    threshold: Type.Number({
      minimum: 0, maximum: 1, default: 0.5,
      description: 'Similarity at or above which the live face matches the card photo',
    }),
    simDecisions: Type.Array(Type.Union([Type.Literal('match'), Type.Literal('mismatch'), Type.Literal('no-face'), Type.Literal('spoof')]), {
      default: ['match'],
      description: 'sim: decisions played in turn, one per check-in',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type FaceConfig = Static<typeof FaceConfigSchema>;
