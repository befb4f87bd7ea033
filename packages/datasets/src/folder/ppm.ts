/**
 * Netpbm frames: binary PPM (P6, RGB) and PGM (P5, grey), 8-bit (maxval ≤ 255). They need no
 * decoder dependency, ffmpeg writes them (`ffmpeg -i v.avi frames/%05d.ppm`) and ffmpeg's
 * `image2pipe -c:v ppm` output is a concatenation of P6 frames, so one parser reads both
 * pre-extracted frame folders and decoded videos.
 */

export interface RgbFrame {
  width: number;
  height: number;
  /** [height, width, 3] interleaved bytes. */
  data: Uint8Array;
}

const isSpace = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;

/** Parses one P6/P5 image starting at `offset`; returns it and the offset just past it. */
export function parsePnm(buf: Uint8Array, offset = 0): { frame: RgbFrame; next: number } {
  let pos = offset;
  const token = (): string => {
    for (;;) {
      while (pos < buf.length && isSpace(buf[pos]!)) pos++;
      if (buf[pos] !== 0x23) break; // '#': comment to end of line
      while (pos < buf.length && buf[pos] !== 0x0a) pos++;
    }
    const start = pos;
    while (pos < buf.length && !isSpace(buf[pos]!)) pos++;
    if (start === pos) throw new Error(`PNM: unexpected end of header at byte ${start}`);
    return String.fromCharCode(...buf.subarray(start, pos));
  };
  const magic = token();
  if (magic !== 'P6' && magic !== 'P5') throw new Error(`PNM: expected a binary PPM (P6) or PGM (P5), got "${magic.slice(0, 8)}"`);
  const width = Number(token());
  const height = Number(token());
  const maxval = Number(token());
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) throw new Error(`PNM: bad size ${width}×${height}`);
  if (!(Number.isInteger(maxval) && maxval > 0 && maxval <= 255)) throw new Error(`PNM: only 8-bit images are supported (maxval ${maxval})`);
  pos++; // the single whitespace byte that ends the header
  const channels = magic === 'P6' ? 3 : 1;
  const n = width * height * channels;
  if (pos + n > buf.length) throw new Error(`PNM: truncated pixel data (${buf.length - pos} of ${n} bytes)`);
  const src = buf.subarray(pos, pos + n);
  const data = new Uint8Array(width * height * 3);
  const rescale = maxval === 255 ? 1 : 255 / maxval;
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) {
      const v = src[channels === 3 ? i * 3 + c : i]!;
      data[i * 3 + c] = rescale === 1 ? v : Math.round(v * rescale);
    }
  }
  return { frame: { width, height, data }, next: pos + n };
}

/** Every image in a concatenated PNM stream (ffmpeg's image2pipe output). */
export function parsePnmStream(buf: Uint8Array): RgbFrame[] {
  const frames: RgbFrame[] = [];
  let offset = 0;
  while (offset < buf.length) {
    while (offset < buf.length && isSpace(buf[offset]!)) offset++;
    if (offset >= buf.length) break;
    const { frame, next } = parsePnm(buf, offset);
    frames.push(frame);
    offset = next;
  }
  return frames;
}

/** Encodes an RGB frame as binary PPM (P6). */
export function encodePpm(frame: RgbFrame): Uint8Array {
  const header = new TextEncoder().encode(`P6\n${frame.width} ${frame.height}\n255\n`);
  const out = new Uint8Array(header.length + frame.data.length);
  out.set(header);
  out.set(frame.data, header.length);
  return out;
}
