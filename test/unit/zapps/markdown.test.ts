import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderMarkdown } from '../../../zapps/shop/markdown.js';

const allowedTags = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'ul', 'ol', 'li', 'pre', 'code', 'blockquote', 'hr', 'strong', 'em', 'a']);

/** Every tag in the output is one the renderer writes; the only attributes are a safe href and rel. */
function assertSafe(html: string): void {
  for (const [, name = '', attributes = ''] of html.matchAll(/<\/?([a-zA-Z0-9]+)([^>]*)>/g)) {
    assert.ok(allowedTags.has(name), `tag <${name}> in ${html}`);
    const rest = attributes.replace(/^ href="https?:\/\/[^"\s]*" rel="nofollow noopener noreferrer"$/, '');
    assert.equal(rest, '', `attributes ${attributes}`);
  }
  assert.doesNotMatch(html, /<[^>]*\son[a-z]+=/i);
}

void describe('readme markdown', () => {
  void it('renders headings, paragraphs, lists, code, links and emphasis', () => {
    const html = renderMarkdown([
      '# Spark ZApp', '', 'URL: [the repo](https://example.org/zapp)', 'and **bold**, *italic*, `code` and snake_case_names.', '',
      '## Lists', '* one', '* two', '  continued', '', '1. first', '2. second', '',
      '    indented code <b>', '\tmore', '', '```', 'fenced *not emphasis*', '```', '', '> quoted', '', '---',
    ].join('\n'));
    assert.equal(html, [
      '<h1>Spark ZApp</h1>',
      '<p>URL: <a href="https://example.org/zapp" rel="nofollow noopener noreferrer">the repo</a>\nand <strong>bold</strong>, <em>italic</em>, <code>code</code> and snake_case_names.</p>',
      '<h2>Lists</h2>',
      '<ul>\n<li>one</li>\n<li>two\ncontinued</li>\n</ul>',
      '<ol>\n<li>first</li>\n<li>second</li>\n</ol>',
      '<pre><code>indented code &lt;b&gt;\nmore</code></pre>',
      '<pre><code>fenced *not emphasis*</code></pre>',
      '<blockquote>\n<p>quoted</p>\n</blockquote>',
      '<hr>',
    ].join('\n'));
    assertSafe(html);
  });

  const attacks = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[click](javascript:alert(1))',
    '[click](JaVaScRiPt:alert(1))',
    '[click](data:text/html;base64,PHNjcmlwdD4=)',
    '[x](http://a.example/"onmouseover="alert(1))',
    '[x](https://a.example/?q=<script>)',
    '![x](https://tracker.example/pixel.png" onload="alert(1))',
    '<a href="javascript:alert(1)">x</a>',
    '`<script>`',
    '```\n</code></pre><script>alert(1)</script>\n```',
    '# <svg onload=alert(1)>',
    '* <iframe src="https://evil.example"></iframe>',
    '**<style>body{display:none}</style>**',
    '\u0000 0 \u0000 <script>',
    '<!-- comment --> &lt;already escaped&gt;',
  ];
  for (const attack of attacks) {
    void it(`neutralises ${JSON.stringify(attack.slice(0, 50))}`, () => {
      const html = renderMarkdown(attack);
      assertSafe(html);
      assert.doesNotMatch(html, /<(script|img|iframe|style|svg)/i);
      assert.doesNotMatch(html, /href="(?!https?:)/i);
    });
  }

  void it('keeps the text of links it refuses', () => {
    assert.equal(renderMarkdown('[click](javascript:alert(1))'), '<p>[click](javascript:alert(1))</p>');
    assert.equal(renderMarkdown('[click](ftp://host/file)'), '<p>click</p>');
  });

  void it('shows images as their alt text (no remote requests from the shop page)', () => {
    assert.equal(renderMarkdown('![Spark logo](https://example.org/x.png)'), '<p>Spark logo</p>');
  });

  void it('renders a long hostile line quickly', () => {
    const started = performance.now();
    assertSafe(renderMarkdown(`${'**a '.repeat(50_000)}${'_b '.repeat(50_000)}${'[x]('.repeat(20_000)}`));
    assert.ok(performance.now() - started < 3000);
  });
});
