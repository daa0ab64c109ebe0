import { Type, type Static } from '@sinclair/typebox';

/** card.front: where pictures of the card's front come from, to read 照合番号B (face match with a real reader). */
export const CardFrontConfigSchema = Type.Object(
  {
    source: Type.Union([Type.Literal('none'), Type.Literal('v4l2'), Type.Literal('files')], {
      default: 'none',
      description:
        "Pictures of the card's front for 照合番号B (needed for face match with a real reader): 'v4l2' reads `device` (a document camera over the card tray); 'files' plays `files` (tests); 'none': the pcsc driver cannot open the photo and face match falls back to the PIN",
    }),
    device: Type.String({ default: '/dev/video1', description: "source 'v4l2': the document camera's V4L2 device" }),
    captureWidth: Type.Integer({ minimum: 640, maximum: 4096, default: 1920, description: "source 'v4l2': capture width in pixels (the card should be at least 520 px wide in the picture)" }),
    captureHeight: Type.Integer({ minimum: 480, maximum: 4096, default: 1080, description: "source 'v4l2': capture height in pixels" }),
    files: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: "source 'files': image files (JPEG, PNG) played in turn, looping, as frames of the front",
    }),
    timeLimitMs: Type.Integer({
      minimum: 1000, maximum: 60000, default: 8000,
      description: 'How long to try to read the front, counted from the certificate read (the front is read while the patient chooses face or PIN), before falling back to the PIN (the panel asks to place the card flat / hold still meanwhile)',
    }),
    tessdataDir: Type.String({ default: '/usr/share/tesseract-ocr/5/tessdata', description: 'Folder holding jpn.traineddata (Debian tesseract-ocr-jpn)' }),
  },
  { additionalProperties: false, default: {} },
);
export type CardFrontConfig = Static<typeof CardFrontConfigSchema>;
