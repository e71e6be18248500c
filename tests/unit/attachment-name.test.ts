import { describe, expect, it } from 'vitest';
import { cleanName } from '@/server/attachments/upload-attachment';

describe('an uploaded file name', () => {
  it('keeps only the last path part, without control or direction characters, and never ends in half an emoji', () => {
    expect(cleanName('../../etc/pass\u0000wd')).toBe('passwd');
    expect(cleanName('C:\\Users\\me\\photo\u202egnp.exe')).toBe('photognp.exe');
    expect(cleanName(`${'a'.repeat(199)}😀.png`)).toBe('a'.repeat(199));
    expect(cleanName(`${'a'.repeat(198)}😀.png`)).toBe(`${'a'.repeat(198)}😀`);
    // Not text at all: shown as the replacement character Postgres would store anyway.
    expect(cleanName('x\ud800y.txt')).toBe('x\ufffdy.txt');
    expect(cleanName(' \u0007 ')).toBe('file');
    // The name rules: C1 controls, line separators and hiding annotation marks go too.
    expect(cleanName('re\u0085port\u2028\u009B31m.pdf\uFFF9')).toBe('report31m.pdf');
  });
});
