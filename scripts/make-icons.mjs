// Draws the app icons (public/icons/*.png) with a tiny PNG encoder on node:zlib: a rounded square in the
// theme colour with a stylised Manhattan plot (bars of varying height and one peak above a threshold line).
// Run: node scripts/make-icons.mjs
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function encodePng(size, rgba) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const BG = [0x1f, 0x4e, 0x79];
const BAR = [0xe8, 0xf1, 0xf8];
const PEAK = [0xf5, 0xa6, 0x23];
const LINE = [0xd9, 0x4f, 0x4f];
// Bar heights as fractions of the plot area (a Manhattan-like skyline with one peak).
const HEIGHTS = [0.22, 0.3, 0.18, 0.35, 0.25, 0.92, 0.28, 0.2, 0.33, 0.24, 0.3, 0.19];

function draw(size, maskable) {
  const px = Buffer.alloc(size * size * 4);
  const pad = maskable ? 0 : Math.round(size * 0.04);
  const radius = maskable ? 0 : Math.round(size * 0.18);
  const inset = maskable ? 0.2 : 0.16; // maskable icons keep content in the central safe zone
  const x0 = size * inset, x1 = size * (1 - inset), y0 = size * inset, y1 = size * (1 - inset);
  const barW = (x1 - x0) / HEIGHTS.length;
  const threshold = y1 - (y1 - y0) * 0.6;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const o = (y * size + x) * 4;
      // Rounded square mask.
      const cx = Math.min(Math.max(x, pad + radius), size - 1 - pad - radius);
      const cy = Math.min(Math.max(y, pad + radius), size - 1 - pad - radius);
      const inside = x >= pad && y >= pad && x < size - pad && y < size - pad && (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
      if (!inside) continue;
      let c = BG;
      if (x >= x0 && x < x1 && y < y1) {
        const i = Math.floor((x - x0) / barW);
        const within = (x - x0) - i * barW;
        const h = HEIGHTS[i];
        if (within > barW * 0.18 && within < barW * 0.82 && y >= y1 - (y1 - y0) * h) c = h > 0.6 ? PEAK : BAR;
      }
      if (Math.abs(y - threshold) < Math.max(1, size / 128) && x >= x0 && x < x1 && c === BG) c = LINE;
      px[o] = c[0];
      px[o + 1] = c[1];
      px[o + 2] = c[2];
      px[o + 3] = 255;
    }
  }
  return encodePng(size, px);
}

const out = new URL('../public/icons/', import.meta.url);
mkdirSync(out, { recursive: true });
for (const [name, size, maskable] of [
  ['icon-192.png', 192, false],
  ['icon-512.png', 512, false],
  ['icon-maskable-512.png', 512, true],
  ['apple-touch-icon.png', 180, true],
  ['favicon-32.png', 32, false],
]) {
  writeFileSync(new URL(name, out), draw(size, maskable));
  console.log(`wrote public/icons/${name}`);
}
