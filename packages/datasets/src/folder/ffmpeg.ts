/**
 * Video decoding through the `ffmpeg` / `ffprobe` executables found on PATH (Debian:
 * `apt-get install ffmpeg`). Frames come back over a pipe as a PPM stream (rgb24 with a small
 * header per frame), so the frame size needs no separate probe.
 */
import { spawn } from 'node:child_process';
import { open, stat } from 'node:fs/promises';
import { parsePnmStream, type RgbFrame } from './ppm.js';

export class FfmpegMissingError extends Error {
  constructor(tool: string) {
    super(`${tool} was not found on PATH: decoding videos needs ffmpeg (Debian/Ubuntu: apt-get install ffmpeg), or pre-extract frames as PPM folders (ffmpeg -i video.avi video/%05d.ppm)`);
    this.name = 'FfmpegMissingError';
  }
}

/** Runs a tool and collects stdout; rejects with its stderr on a non-zero exit. */
function run(tool: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new FfmpegMissingError(tool) : e));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`${tool} exited with code ${code}: ${Buffer.concat(err).toString().trim().slice(-2000)}`));
    });
  });
}

/** True when `ffmpeg` and `ffprobe` both run. */
export async function ffmpegAvailable(): Promise<boolean> {
  try {
    await run('ffmpeg', ['-version']);
    await run('ffprobe', ['-version']);
    return true;
  } catch {
    return false;
  }
}

/**
 * Number of frames of a video's first video stream, counted from its packets (fast: no
 * decoding). For the intra/inter codecs of UCF101-like data one packet is one frame.
 */
export async function probeFrameCount(path: string): Promise<number> {
  // Training and every evaluation repeat open the same folder in one process: count once per file version.
  const { size, mtimeMs } = await stat(path);
  const key = `${path}\u0000${size}\u0000${mtimeMs}`;
  let count = frameCounts.get(key);
  if (count === undefined) {
    count = aviFrameCount(path).then((n) => n ?? countPackets(path));
    count.catch(() => frameCounts.delete(key));
    frameCounts.set(key, count);
  }
  return count;
}

const frameCounts = new Map<string, Promise<number>>();

/**
 * The frame count an AVI file states in its main header (avih.dwTotalFrames, or the OpenDML
 * dmlh.dwTotalFrames of files past 1 GB), read without starting a process: UCF101 is AVI, and
 * one ffprobe per video is most of the cost of opening a large folder. null when the file is not
 * a plain AVI (then ffprobe counts the packets).
 */
export async function aviFrameCount(path: string): Promise<number | null> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(16_384);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    const b = head.subarray(0, bytesRead);
    const tag = (at: number) => b.toString('latin1', at, at + 4);
    if (b.length < 52 || tag(0) !== 'RIFF' || tag(8) !== 'AVI ' || tag(12) !== 'LIST' || tag(20) !== 'hdrl' || tag(24) !== 'avih') return null;
    const dmlh = b.indexOf('dmlh', 32, 'latin1');
    // Writers may leave dmlh at 0 (ffmpeg does for files under 1 GB): then avih holds the count.
    const odml = dmlh >= 0 && dmlh + 12 <= b.length ? b.readUInt32LE(dmlh + 8) : 0;
    const total = odml > 0 ? odml : b.readUInt32LE(48);
    return total > 0 ? total : null;
  } finally {
    await file.close();
  }
}

async function countPackets(path: string): Promise<number> {
  const out = await run('ffprobe', [
    '-v', 'error', '-select_streams', 'v:0', '-count_packets',
    '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', path,
  ]);
  const n = Number.parseInt(out.toString().trim(), 10);
  if (!Number.isFinite(n)) throw new Error(`ffprobe could not count the frames of ${path}: "${out.toString().trim()}"`);
  return n;
}

/**
 * Decodes the frames start, start+stride, … (count of them) as RGB. ffmpeg's select filter
 * drops every other frame before conversion and stops after `count`, so only the clip is held.
 */
export async function decodeVideoFrames(path: string, start: number, stride: number, count: number): Promise<RgbFrame[]> {
  const end = start + (count - 1) * stride;
  const select = `select='between(n\\,${start}\\,${end})*not(mod(n-${start}\\,${stride}))'`;
  const out = await run('ffmpeg', [
    '-nostdin', '-v', 'error', '-i', path, '-an', '-vf', select, '-fps_mode', 'passthrough',
    '-frames:v', String(count), '-f', 'image2pipe', '-c:v', 'ppm', '-pix_fmt', 'rgb24', '-',
  ]);
  return parsePnmStream(out);
}

export interface ClipRequest {
  path: string;
  start: number;
  stride: number;
  count: number;
}

/**
 * Decodes several clips in one ffmpeg process: one input and one output pipe (fd 3, 4, …) per
 * clip, the same frame selection as `decodeVideoFrames`. Starting ffmpeg costs more than
 * decoding a short clip, so batching clips divides that cost; one unreadable input fails the
 * whole call (callers then decode clip by clip).
 */
export function decodeVideoClips(requests: readonly ClipRequest[]): Promise<RgbFrame[][]> {
  if (requests.length === 1) return decodeVideoFrames(requests[0]!.path, requests[0]!.start, requests[0]!.stride, requests[0]!.count).then((f) => [f]);
  const args = ['-nostdin', '-v', 'error'];
  for (const r of requests) args.push('-i', r.path);
  const graph = requests.map((r, i) => `[${i}:v]select='between(n\\,${r.start}\\,${r.start + (r.count - 1) * r.stride})*not(mod(n-${r.start}\\,${r.stride}))'[c${i}]`).join(';');
  args.push('-an', '-filter_complex', graph);
  requests.forEach((r, i) => args.push('-map', `[c${i}]`, '-fps_mode', 'passthrough', '-frames:v', String(r.count), '-f', 'image2pipe', '-c:v', 'ppm', '-pix_fmt', 'rgb24', `pipe:${i + 3}`));
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe', ...requests.map(() => 'pipe' as const)] });
    const outs = requests.map((): Buffer[] => []);
    const err: Buffer[] = [];
    requests.forEach((_, i) => (child.stdio[i + 3] as NodeJS.ReadableStream).on('data', (b: Buffer) => outs[i]!.push(b)));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new FfmpegMissingError('ffmpeg') : e));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`ffmpeg exited with code ${code}: ${Buffer.concat(err).toString().trim().slice(-2000)}`));
      else resolve(outs.map((o) => parsePnmStream(Buffer.concat(o))));
    });
  });
}
