import { open } from 'node:fs/promises';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { AppError } from '@/lib/errors';
import { thumbnailSize } from '@/lib/thumbnail';

/** The raster formats shown inline: re-encoded here, so what is served is pixels we wrote. */
const IMAGE_FORMATS = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif' } as const;
type ImageType = keyof typeof IMAGE_FORMATS;

export const isInlineImage = (contentType: string): contentType is ImageType => contentType in IMAGE_FORMATS;

const SNIFF_BYTES = 64 * 1024;
// Decompression bombs: refuse images of more pixels than this (a 10,000 × 5,000 photo fits).
const MAX_PIXELS = 50_000_000;
// An animation is decoded and re-encoded whole: its frames together may hold this many (a 16-second
// 480 × 270 clip at 25 fps holds 52 million; this is a 20-second 720p one), about 25 s of one core here.
const MAX_ANIMATION_PIXELS = 200_000_000;

export type Inspected = { contentType: string; width?: number; height?: number; thumb: boolean };

/**
 * Decides the type from the bytes (never the name or the claimed type). An image is re-encoded from
 * `source` into `imageOut`, upright and without EXIF/GPS or other metadata (sharp keeps none unless
 * asked), and gets a webp thumbnail in `thumbOut`. Anything else is kept as uploaded.
 */
export async function inspectFile(source: string, imageOut: string, thumbOut: string): Promise<Inspected> {
  const contentType = await sniffType(source);
  if (!isInlineImage(contentType)) return { contentType, thumb: false };
  const animated = contentType === 'image/gif' || contentType === 'image/webp';
  await refuseTooManyPixels(source, animated);
  try {
    await sharp(source, { animated, limitInputPixels: animated ? MAX_ANIMATION_PIXELS : MAX_PIXELS })
      .rotate()
      .toFormat(IMAGE_FORMATS[contentType])
      .toFile(imageOut);
    const meta = await sharp(imageOut).metadata();
    // Of an animation, the first frame.
    const height = meta.pageHeight ?? meta.height;
    await sharp(imageOut, { limitInputPixels: MAX_PIXELS })
      .resize({ ...thumbnailSize(meta.width, height), fit: 'cover' })
      .webp({ quality: 75 })
      .toFile(thumbOut);
    // An animation's frames are stacked: one frame's height is pageHeight.
    return { contentType, width: meta.width, height, thumb: true };
  } catch {
    throw new AppError('bad_request', 'The image could not be read.');
  }
}

/** A profile picture's side in pixels: 256, twice the largest it is shown, for sharp screens. */
export const AVATAR_SIZE = 256;

/**
 * A profile picture from an upload, by the same rules as attachments (type from the bytes, the pixel
 * limit, upright, no metadata): only the four raster formats (415 otherwise), written to `out` as a
 * square WebP cropped to cover, of an animation its first frame.
 */
export async function renderAvatar(source: string, out: string): Promise<void> {
  if (!isInlineImage(await sniffType(source))) {
    throw new AppError('unsupported_media_type', 'A profile picture must be a PNG, JPEG, WebP or GIF image.');
  }
  await refuseTooManyPixels(source, false);
  try {
    // sharp reads one page (the first frame) unless asked for more.
    await sharp(source, { limitInputPixels: MAX_PIXELS })
      .rotate()
      .resize({ width: AVATAR_SIZE, height: AVATAR_SIZE, fit: 'cover' })
      .webp({ quality: 80 })
      .toFile(out);
  } catch {
    throw new AppError('bad_request', 'The image could not be read.');
  }
}

/** The type the bytes show (never the name or the claimed type): a known format, else text or octet-stream. */
async function sniffType(source: string): Promise<string> {
  const head = await readHead(source);
  const detected = (await fileTypeFromBuffer(head))?.mime;
  return detected ?? (looksLikeText(head) ? 'text/plain' : 'application/octet-stream');
}

/**
 * Said as a size the user can act on, from the header alone (nothing decoded), where decoding would refuse
 * it unexplained: one frame's pixels, and, where every frame is decoded, all frames together. Reading the
 * header needs no pixel limit (sharp's default one, 268 million, would make a bigger header unreadable, not refused).
 */
async function refuseTooManyPixels(source: string, everyFrame: boolean) {
  const { width = 0, height = 0, pages = 1 } = await sharp(source, { limitInputPixels: false })
    .metadata()
    .catch(() => ({ width: 0, height: 0, pages: 1 }));
  const megapixels = (pixels: number) => Math.round(pixels / 1_000_000);
  if (width * height > MAX_PIXELS) {
    throw new AppError('too_large', `Images can be at most ${megapixels(MAX_PIXELS)} megapixels; this one is ${megapixels(width * height)}.`);
  }
  if (everyFrame && width * height * pages > MAX_ANIMATION_PIXELS) {
    throw new AppError(
      'too_large',
      `Animations can be at most ${megapixels(MAX_ANIMATION_PIXELS)} megapixels in all their frames together; this one has ${pages} frames, ${megapixels(width * height * pages)} megapixels in all.`,
    );
  }
}

async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

// Valid UTF-8 with no control characters but tab, newlines and form feed. A head cut short of the whole
// file may end inside a character: decoded as a stream, that tail is not an error.
function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return false;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: head.length === SNIFF_BYTES });
    return !/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/.test(text);
  } catch {
    return false;
  }
}
