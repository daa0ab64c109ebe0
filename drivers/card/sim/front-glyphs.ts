// Text for the synthetic card fronts: glyph outlines from a system font (fontkit reads the
// Debian Noto CJK collections), flattened to polygons and filled with the nonzero rule into a
// coverage mask, 4 × 4 supersampled for smooth edges. OpenCV cannot draw CJK text itself.
import { createRequire } from 'node:module';

interface PathCommand { readonly command: string; readonly args: readonly number[] }
interface Glyph { readonly path: { readonly commands: readonly PathCommand[] } }
interface GlyphRun { readonly glyphs: readonly Glyph[]; readonly positions: readonly { xAdvance: number; xOffset: number; yOffset: number }[] }
export interface GlyphFont { layout(text: string): GlyphRun; readonly unitsPerEm: number }
interface FontCollection { getFont?(postscriptName: string): GlyphFont | null }

export const NOTO_SANS_CJK = { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', name: 'NotoSansCJKjp-Regular' } as const;
export const NOTO_SERIF_CJK = { file: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', name: 'NotoSerifCJKjp-Regular' } as const;

const fonts = new Map<string, GlyphFont>();

/** Opens a font (a face of a collection by its PostScript name); cached for the process. */
export function openFont(file: string, name: string): GlyphFont {
  const cacheKey = `${file}#${name}`;
  const cached = fonts.get(cacheKey);
  if (cached) return cached;
  const fontkit = createRequire(import.meta.url)('fontkit') as { openSync(path: string): FontCollection & GlyphFont };
  const opened = fontkit.openSync(file);
  const font = opened.getFont ? opened.getFont(name) : opened;
  if (!font) throw new Error(`font ${name} not in ${file} (install fonts-noto-cjk)`);
  fonts.set(cacheKey, font);
  return font;
}

type Pt = readonly [number, number];
const SS = 4;

function flatten(commands: readonly PathCommand[], at: (x: number, y: number) => Pt): Pt[][] {
  const polygons: Pt[][] = [];
  let current: Pt[] = [];
  let last: Pt = [0, 0];
  let start: Pt = [0, 0];
  const add = (x: number, y: number): void => {
    current.push(at(x, y));
    last = [x, y];
  };
  const close = (): void => {
    if (current.length > 2) polygons.push(current);
    current = [];
  };
  for (const { command, args } of commands) {
    const a = args as number[];
    if (command === 'moveTo') {
      close();
      start = [a[0] ?? 0, a[1] ?? 0];
      add(start[0], start[1]);
    } else if (command === 'lineTo') add(a[0] ?? 0, a[1] ?? 0);
    else if (command === 'quadraticCurveTo') {
      const [x1 = 0, y1 = 0, x = 0, y = 0] = a;
      const [x0, y0] = last;
      for (let i = 1; i <= 6; i++) {
        const t = i / 6;
        const u = 1 - t;
        add(u * u * x0 + 2 * u * t * x1 + t * t * x, u * u * y0 + 2 * u * t * y1 + t * t * y);
      }
    } else if (command === 'bezierCurveTo') {
      const [x1 = 0, y1 = 0, x2 = 0, y2 = 0, x = 0, y = 0] = a;
      const [x0, y0] = last;
      for (let i = 1; i <= 8; i++) {
        const t = i / 8;
        const u = 1 - t;
        add(u * u * u * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x, u * u * u * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y);
      }
    } else if (command === 'closePath') {
      close();
      last = start;
    }
  }
  close();
  return polygons;
}

/** Adds the coverage (0..1 per pixel) of `text` to `mask` (width × height), its baseline starting
 * at (x, baseline) in pixels, `size` the em size in pixels. Returns the advance in pixels. */
export function drawText(mask: Float32Array, width: number, height: number, font: GlyphFont, text: string, x: number, baseline: number, size: number): number {
  const run = font.layout(text);
  const scale = size / font.unitsPerEm;
  const edges: [number, number, number, number, number][] = [];
  let pen = 0;
  run.glyphs.forEach((glyph, i) => {
    const pos = run.positions[i] ?? { xAdvance: 0, xOffset: 0, yOffset: 0 };
    const ox = x + (pen + pos.xOffset) * scale;
    for (const poly of flatten(glyph.path.commands, (gx, gy) => [(ox + gx * scale) * SS, (baseline - (gy + pos.yOffset) * scale) * SS])) {
      for (let k = 0; k < poly.length; k++) {
        const p = poly[k] as Pt;
        const q = poly[(k + 1) % poly.length] as Pt;
        if (p[1] === q[1]) continue;
        edges.push(p[1] < q[1] ? [p[0], p[1], q[0], q[1], 1] : [q[0], q[1], p[0], p[1], -1]);
      }
    }
    pen += pos.xAdvance;
  });
  if (edges.length === 0) return pen * scale;
  const top = Math.max(0, Math.floor(Math.min(...edges.map((e) => e[1]))));
  const bottom = Math.min(height * SS - 1, Math.ceil(Math.max(...edges.map((e) => e[3]))));
  const crossings: [number, number][] = [];
  for (let sy = top; sy <= bottom; sy++) {
    const cy = sy + 0.5;
    crossings.length = 0;
    for (const e of edges) if (cy >= e[1] && cy < e[3]) crossings.push([e[0] + ((cy - e[1]) / (e[3] - e[1])) * (e[2] - e[0]), e[4]]);
    if (crossings.length < 2) continue;
    crossings.sort((m, n) => m[0] - n[0]);
    const row = Math.floor(sy / SS) * width;
    let winding = 0;
    for (let k = 0; k < crossings.length - 1; k++) {
      winding += (crossings[k] as [number, number])[1];
      if (winding === 0) continue;
      const from = Math.max(0, (crossings[k] as [number, number])[0]);
      const to = Math.min(width * SS, (crossings[k + 1] as [number, number])[0]);
      for (let sx = Math.ceil(from - 0.5); sx + 0.5 < to; sx++) {
        const px = sx >> 2;
        if (px >= 0 && px < width) mask[row + px] = (mask[row + px] ?? 0) + 1 / (SS * SS);
      }
    }
  }
  return pen * scale;
}
