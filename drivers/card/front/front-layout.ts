// Where things are on the card's front, in millimetres from the top-left corner of the card
// (ID-1: 85.60 × 53.98 mm). The reader cuts its fields here and the generator prints there.
// Positions are approximations of the published card (sources and what is not confirmed in
// drivers/card/README.md, "Card front"): the reader's regions are deliberately generous so that
// a municipality's small offsets and an imperfect deskew still keep each line whole.

export const CARD_MM = { width: 85.6, height: 53.98 } as const;
/** Resolution of the deskewed card the reader works on (12 px/mm ≈ 305 dpi). */
export const PX_PER_MM = 12;
export const CARD_PX = { width: Math.round(CARD_MM.width * PX_PER_MM), height: Math.round(CARD_MM.height * PX_PER_MM) } as const;

export interface MmRect { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number }

/** Regions the reader OCRs. The date lines are left of the photo; the code is under the photo. */
export const FRONT_REGIONS = {
  birth: { x0: 2, y0: 20.8, x1: 56.5, y1: 27 },
  expiry: { x0: 2, y0: 27.4, x1: 56.5, y1: 33.8 },
  code: { x0: 66, y0: 37.3, x1: 84, y1: 43.2 },
} as const satisfies Record<string, MmRect>;

/** What the generator prints (baselines and em sizes in mm). */
export const FRONT_PRINT = {
  nameLabel: { x: 2.5, baseline: 8, size: 2 },
  name: { x: 9, baseline: 8.5, size: 4 },
  addressLabel: { x: 2.5, baseline: 16, size: 2 },
  address: { x: 9, baseline: 16, size: 2.6 },
  birth: { x: 9, baseline: 25, size: 2.8 },
  sex: { x: 42, baseline: 25, size: 2.8 },
  expiry: { x: 9, baseline: 31.5, size: 2.8 },
  certLabel: { x: 2.5, baseline: 36.5, size: 1.6 },
  certBox: { x0: 2.5, y0: 38, x1: 50, y1: 46 },
  organ: { x: 2.5, baseline: 50, size: 1.6 },
  title: { x: 30, baseline: 50.5, size: 3 },
  mayor: { x: 62, baseline: 50, size: 2 },
  photo: { x0: 57, y0: 5, x1: 82, y1: 36 },
  code: { x: 72, baseline: 41.5, size: 3 },
  serial: { x: 57, baseline: 45, size: 1.5 },
} as const;
