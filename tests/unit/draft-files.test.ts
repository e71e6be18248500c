import { describe, expect, it } from 'vitest';
import { parseDraftFiles } from '@/lib/drafts';

describe('parseDraftFiles', () => {
  it('reads the files a draft keeps', () => {
    const files = [
      { id: 'a1', name: 'plan.txt', size: 8, contentType: 'text/plain' },
      { id: 'a2', name: 'cat.png', size: 900, contentType: 'image/png', width: 40, height: 30 },
    ];
    expect(parseDraftFiles(JSON.stringify(files))).toEqual(files);
  });

  it('finds nothing in a missing, broken or foreign value rather than failing the composer', () => {
    expect(parseDraftFiles(null)).toEqual([]);
    expect(parseDraftFiles('{not json')).toEqual([]);
    expect(parseDraftFiles(JSON.stringify({ id: 'a1' }))).toEqual([]);
    expect(parseDraftFiles(JSON.stringify([{ id: 'a1', name: 'no size' }]))).toEqual([]);
  });
});
