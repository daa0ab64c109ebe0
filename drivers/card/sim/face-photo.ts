// Test face photos for the virtual cards: a synthetic portrait per person (drawn here, so no real
// person's face is involved), encoded to JPEG 2000 with opj_compress and cached in the test PKI
// tree. Without opj_compress the virtual card simply has no card-surface AP (photo: null).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const WIDTH = 96;
const HEIGHT = 120;

/** A deterministic "portrait" (PPM): background, a face ellipse, eyes and mouth, tinted per person. */
export function drawPortrait(seed: string): Buffer {
  const h = createHash('sha256').update(seed).digest();
  const bg = [h[0]! | 0x80, h[1]! | 0x80, h[2]! | 0x80];
  const skin = [200 + (h[3]! % 50), 160 + (h[4]! % 50), 120 + (h[5]! % 50)];
  const header = Buffer.from(`P6\n${WIDTH} ${HEIGHT}\n255\n`, 'ascii');
  const px = Buffer.alloc(WIDTH * HEIGHT * 3);
  const cx = WIDTH / 2, cy = HEIGHT / 2, rx = 30 + (h[6]! % 8), ry = 40 + (h[7]! % 8);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const inFace = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
      const eye = (Math.hypot(x - (cx - 12), y - (cy - 10)) < 4) || (Math.hypot(x - (cx + 12), y - (cy - 10)) < 4);
      const mouth = Math.abs(y - (cy + 18)) < 2 && Math.abs(x - cx) < 12;
      const c = eye || mouth ? [40, 30, 30] : inFace ? skin : bg;
      px.set(c, (y * WIDTH + x) * 3);
    }
  }
  return Buffer.concat([header, px]);
}

/** The person's JPEG 2000 photo, made once into `<pkiDir>/card-photos/<id>.jp2`; null if it
 * cannot be made here. */
export function loadFacePhoto(pkiDir: string, id: string): Buffer | null {
  const dir = join(pkiDir, 'card-photos');
  const out = join(dir, `${id}.jp2`);
  if (!existsSync(out)) {
    mkdirSync(dir, { recursive: true });
    const ppm = join(dir, `${id}.${process.pid}.ppm`);
    const tmp = join(dir, `${id}.${process.pid}.jp2`);
    try {
      writeFileSync(ppm, drawPortrait(id));
      const r = spawnSync('opj_compress', ['-i', ppm, '-o', tmp, '-r', '20'], { stdio: 'ignore', timeout: 20000 });
      if (r.status !== 0 || !existsSync(tmp)) return null;
      renameSync(tmp, out); // atomic: parallel loaders never see half a file
    } finally {
      rmSync(ppm, { force: true });
      rmSync(tmp, { force: true });
    }
  }
  return readFileSync(out);
}
