import { describe, expect, it } from 'vitest';
import { cleanName } from '@/server/attachments/upload-attachment';

describe('an uploaded file name', () => {
  it('keeps only the last path part, without control or direction characters, and never ends in half an emoji', () => {
    expect(cleanName('../../etc/pass\u0000wd')).toBe('passwd');
    expect(cleanName('C:\\Users\\me\\photo\u202egnp.exe')).toBe('photognp.exe');
    // Cut to 200 before the extension, never in half an emoji.
    expect(cleanName(`${'a'.repeat(195)}😀.png`)).toBe(`${'a'.repeat(195)}.png`);
    expect(cleanName(`${'a'.repeat(194)}😀.png`)).toBe(`${'a'.repeat(194)}😀.png`);
    expect(cleanName(`${'a'.repeat(199)}😀`)).toBe('a'.repeat(199));
    expect(cleanName(`${'a'.repeat(300)}.tar.gz`)).toBe(`${'a'.repeat(197)}.gz`);
    // A name that shows nothing is no name.
    expect(cleanName('\u200b\u200d.')).toBe('\u200b\u200d.');
    expect(cleanName('\u200b\u2060')).toBe('file');
    // Not text at all: shown as the replacement character Postgres would store anyway.
    expect(cleanName('x\ud800y.txt')).toBe('x\ufffdy.txt');
    expect(cleanName(' \u0007 ')).toBe('file');
    // The name rules: C1 controls, line separators and hiding annotation marks go too.
    expect(cleanName('re\u0085port\u2028\u009B31m.pdf\uFFF9')).toBe('report31m.pdf');
  });
});
