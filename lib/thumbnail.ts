/** The longer side of an image's thumbnail, in pixels (the server makes it; the client shows it smaller). */
export const THUMB_SIZE = 320;
// A thumbnail's shorter side is kept at least this share of THUMB_SIZE, so a long strip (a panorama, a
// screenshot of one row) shows as a cropped band, not as a line a pixel high.
const SHORT_SIDE_SHARE = 0.2;

/**
 * The size of an image's thumbnail: the whole picture within THUMB_SIZE square, never enlarged; for a
 * picture so long and thin that its short side would fall below a fifth of that, the middle of it,
 * cropped to THUMB_SIZE along its length. One rule for the server's thumbnail and the client's box.
 */
export function thumbnailSize(width: number, height: number): { width: number; height: number } {
  const short = Math.min(width, height);
  let scale = Math.min(1, THUMB_SIZE / Math.max(width, height));
  if (short * scale < THUMB_SIZE * SHORT_SIDE_SHARE) scale = Math.min(1, (THUMB_SIZE * SHORT_SIDE_SHARE) / short);
  const side = (length: number) => Math.max(1, Math.min(THUMB_SIZE, Math.round(length * scale)));
  return { width: side(width), height: side(height) };
}
