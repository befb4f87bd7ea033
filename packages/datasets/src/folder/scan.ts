/**
 * Finding the videos of a class-folder dataset (UCF101 layout):
 *
 *   root/<Class>/<video>.avi            a video file (avi, mp4, mkv, webm, mov, m4v, mpg, mpeg)
 *   root/<Class>/<video>/00001.ppm …    or a folder of pre-extracted PPM/PGM frames
 *
 * Labels are indices into the class folder names sorted case-insensitively, taken over all
 * class folders (not just those a split uses) so train and test agree. A split list holds one
 * `Class/video.ext [label]` per line (UCF101's trainlist01.txt / testlist01.txt); entries match
 * videos by class and name without extension, case-insensitively (UCF101 mixes spellings such
 * as HandstandPushups / HandStandPushups), so a list naming .avi files also selects frame folders.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, isAbsolute, join } from 'node:path';

export const VIDEO_EXTENSIONS = ['.avi', '.mp4', '.mkv', '.webm', '.mov', '.m4v', '.mpg', '.mpeg'];
export const FRAME_EXTENSIONS = ['.ppm', '.pgm'];

export interface VideoEntry {
  /** `Class/name` as on disk, without extension. */
  key: string;
  classIndex: number;
  kind: 'video' | 'frames';
  /** The video file, or the frame folder. */
  path: string;
  /** Frame file paths in order (frame folders only). */
  frameFiles?: string[];
}

export interface ScanResult {
  classes: string[];
  videos: VideoEntry[];
  /** Split-list entries with no matching video on disk. */
  missing: string[];
}

const caseless = (a: string, b: string): number => {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
};

/** Orders frame files by the numbers in their names (frame2 before frame10). */
const natural = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

const normaliseKey = (path: string): string => {
  const p = path.trim().replace(/\\/g, '/').replace(/^\.?\//, '');
  const ext = extname(p);
  return (VIDEO_EXTENSIONS.includes(ext.toLowerCase()) ? p.slice(0, -ext.length) : p).toLowerCase();
};

/** The video keys (lower-cased `class/name`) of a split list, in file order. */
export async function readSplitList(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split(/\r?\n/)
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((p) => p.length > 0)
    .map(normaliseKey);
}

export async function scanFolder(root: string, splitFile?: string): Promise<ScanResult> {
  const top = await readdir(root, { withFileTypes: true }).catch((e: Error) => {
    throw new Error(`folder dataset: cannot read root "${root}": ${e.message}`);
  });
  const classes = top.filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name).sort(caseless);
  if (classes.length === 0) throw new Error(`folder dataset: no class folders under "${root}"`);
  const videos: VideoEntry[] = [];
  for (const [classIndex, cls] of classes.entries()) {
    const entries = (await readdir(join(root, cls), { withFileTypes: true })).sort((a, b) => caseless(a.name, b.name));
    for (const e of entries) {
      const path = join(root, cls, e.name);
      if (e.isFile() && VIDEO_EXTENSIONS.includes(extname(e.name).toLowerCase())) {
        videos.push({ key: `${cls}/${basename(e.name, extname(e.name))}`, classIndex, kind: 'video', path });
      } else if (e.isDirectory()) {
        const frameFiles = (await readdir(path))
          .filter((f) => FRAME_EXTENSIONS.includes(extname(f).toLowerCase()))
          .sort(natural.compare)
          .map((f) => join(path, f));
        if (frameFiles.length > 0) videos.push({ key: `${cls}/${e.name}`, classIndex, kind: 'frames', path, frameFiles });
      }
    }
  }
  if (!splitFile) return { classes, videos, missing: [] };
  const listed = await readSplitList(isAbsolute(splitFile) ? splitFile : join(root, splitFile));
  const byKey = new Map(videos.map((v) => [v.key.toLowerCase(), v]));
  const kept = listed.map((k) => byKey.get(k)).filter((v): v is VideoEntry => v !== undefined);
  const missing = listed.filter((k) => !byKey.has(k));
  if (kept.length === 0) throw new Error(`folder dataset: none of the ${listed.length} entries of split list "${splitFile}" exist under "${root}"`);
  const unique = [...new Set(kept)].sort((a, b) => a.classIndex - b.classIndex || caseless(a.key, b.key));
  return { classes, videos: unique, missing };
}
