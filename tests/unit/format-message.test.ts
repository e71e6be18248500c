import { describe, expect, it } from 'vitest';
import { type FormatNode, formatMessage } from '@/lib/format-message';

const text = (value: string): FormatNode => ({ kind: 'text', text: value });

/** What a reader sees, as a string: markers gone, formatting shown as tags. */
function shown(nodes: FormatNode[]): string {
  return nodes
    .map((node) => {
      switch (node.kind) {
        case 'text':
          return node.text;
        case 'link':
          return `<a ${node.href}>${node.text}</a>`;
        case 'code':
          return `<code>${node.text}</code>`;
        case 'block':
          return `<pre>${node.text}</pre>`;
        default:
          return `<${node.kind}>${shown(node.children)}</${node.kind}>`;
      }
    })
    .join('');
}

describe('formatMessage', () => {
  it('leaves plain text as one text node', () => {
    expect(formatMessage('just words, nothing more')).toEqual([text('just words, nothing more')]);
  });

  it('formats bold, italic and strike, single or doubled, and nested', () => {
    expect(shown(formatMessage('a *bold* b'))).toBe('a <bold>bold</bold> b');
    expect(shown(formatMessage('a **bold** b'))).toBe('a <bold>bold</bold> b');
    expect(shown(formatMessage('_italic_ then ~gone~ and ~~gone too~~'))).toBe('<italic>italic</italic> then <strike>gone</strike> and <strike>gone too</strike>');
    expect(shown(formatMessage('*bold with _italic_ inside*'))).toBe('<bold>bold with <italic>italic</italic> inside</bold>');
    expect(shown(formatMessage('(*yes*), "_quoted_".'))).toBe('(<bold>yes</bold>), "<italic>quoted</italic>".');
  });

  it('leaves markers that do not open and close at word edges as typed', () => {
    for (const typed of ['2*3*4 = 24', 'snake_case_name', 'a * b * c', '*not closed', 'closed not*', '* spaced *', '~/path~x', 'file_name_.txt', '**', '__init__ stays']) {
      expect(shown(formatMessage(typed)), typed).toBe(typed);
    }
  });

  it('does not format across lines', () => {
    expect(shown(formatMessage('*first\nsecond*'))).toBe('*first\nsecond*');
    expect(shown(formatMessage('*one*\n_two_'))).toBe('<bold>one</bold>\n<italic>two</italic>');
  });

  it('keeps links whole, markers in a URL included, and links inside emphasis', () => {
    expect(shown(formatMessage('see https://example.com/a_b_c ok'))).toBe('see <a https://example.com/a_b_c>https://example.com/a_b_c</a> ok');
    expect(shown(formatMessage('*see https://example.com/x*'))).toBe('<bold>see <a https://example.com/x>https://example.com/x</a></bold>');
    expect(shown(formatMessage('_https://example.com/under_score_'))).toBe('<italic><a https://example.com/under_score>https://example.com/under_score</a></italic>');
  });

  it('shows code as typed: nothing inside it is formatted or linked', () => {
    expect(shown(formatMessage('run `npm *ci*` now'))).toBe('run <code>npm *ci*</code> now');
    expect(shown(formatMessage('```\nconst a = b * c;\nvisit https://example.com\n```'))).toBe('<pre>const a = b * c;\nvisit https://example.com</pre>');
    expect(shown(formatMessage('before ```x = *y*``` after *b*'))).toBe('before <pre>x = *y*</pre> after <bold>b</bold>');
    // Empty or unclosed code stays as typed.
    expect(shown(formatMessage('`` and ``` ``` and `open'))).toBe('`` and ``` ``` and `open');
  });

  it('loses no character of the text but the markers', () => {
    const typed = 'Mixed: *b* _i_ ~s~ `c` https://example.com/q?x=1 @bob 😀 2*3 snake_case';
    const visible = (nodes: FormatNode[]): string =>
      nodes.map((node) => ('children' in node ? visible(node.children) : node.text)).join('');
    expect(visible(formatMessage(typed))).toBe('Mixed: b i s c https://example.com/q?x=1 @bob 😀 2*3 snake_case');
  });
});
