import { describe, expect, it } from 'vitest';
import { thumbnailSize } from '@/lib/thumbnail';

describe('thumbnailSize', () => {
  it.each([
    [600, 800, 240, 320],
    [4000, 3000, 320, 240],
    [100, 50, 100, 50], // never enlarged
    [2000, 10, 320, 10], // a strip: its short side kept, its length cropped
    [8000, 200, 320, 64], // long and thin: a fifth of the size high, cropped from the middle
    [40, 9000, 40, 320],
    [1, 1, 1, 1],
  ])('%i × %i → %i × %i', (width, height, thumbWidth, thumbHeight) => {
    expect(thumbnailSize(width, height)).toEqual({ width: thumbWidth, height: thumbHeight });
  });
});
