// A small markdown renderer for shop readmes. The original inserted python-markdown output with
// `|safe`, so a readme could carry <script>. Here every character of the input is HTML-escaped
// before any markdown is recognised, so the only tags in the output are the ones this file writes:
// h1-h6, p, ul, ol, li, pre, code, blockquote, hr, strong, em, and a with an http(s) href.
// Supported: ATX headings, paragraphs, bullet and numbered lists, fenced and indented code, block
// quotes, rules, inline code, links, bold and italic. Images render as their alt text.

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => htmlEscapes[char] ?? char);
}

/** Renders a readme to HTML that is safe to insert into a page. */
export function renderMarkdown(markdown: string): string {
  // NUL is the placeholder delimiter in `renderInline`; no readme needs one.
  const lines = escapeHtml(markdown.replace(/\0/g, '\uFFFD')).replace(/\r\n?/g, '\n').split('\n');
  return renderBlocks(lines).join('\n');
}

const fence = /^ {0,3}(`{3,}|~{3,})/;
const heading = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$/;
const rule = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const bullet = /^ {0,3}[-*+][ \t]+(.*)$/;
const numbered = /^ {0,3}[0-9]{1,9}[.)][ \t]+(.*)$/;
const quote = /^ {0,3}&gt; ?(.*)$/;

function isBlank(line: string): boolean {
  return line.trim() === '';
}

/** Four spaces or a tab start an indented code line; the indentation is removed. */
function unindent(line: string): string | undefined {
  if (line.startsWith('\t')) return line.slice(1);
  if (line.startsWith('    ')) return line.slice(4);
  return undefined;
}

function renderBlocks(lines: readonly string[]): string[] {
  const html: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (isBlank(line)) { i += 1; continue; }

    const fenceMatch = fence.exec(line);
    if (fenceMatch !== null) {
      const marker = fenceMatch[1] ?? '```';
      const body: string[] = [];
      i += 1;
      while (i < lines.length && !(lines[i] ?? '').trimStart().startsWith(marker)) body.push(lines[i++] ?? '');
      i += 1; // the closing fence (or the end of the text)
      html.push(`<pre><code>${body.join('\n')}</code></pre>`);
      continue;
    }
    if (unindent(line) !== undefined) {
      const body: string[] = [];
      while (i < lines.length && (unindent(lines[i] ?? '') !== undefined || isBlank(lines[i] ?? ''))) {
        body.push(unindent(lines[i] ?? '') ?? '');
        i += 1;
      }
      while (body.length > 0 && isBlank(body[body.length - 1] ?? '')) body.pop();
      html.push(`<pre><code>${body.join('\n')}</code></pre>`);
      continue;
    }
    const headingMatch = heading.exec(line);
    if (headingMatch !== null) {
      const level = (headingMatch[1] ?? '#').length;
      html.push(`<h${level}>${renderInline(headingMatch[2] ?? '')}</h${level}>`);
      i += 1;
      continue;
    }
    if (rule.test(line)) { html.push('<hr>'); i += 1; continue; }
    if (quote.test(line)) {
      const body: string[] = [];
      while (i < lines.length && quote.test(lines[i] ?? '')) body.push(quote.exec(lines[i++] ?? '')?.[1] ?? '');
      html.push(`<blockquote>\n${renderBlocks(body).join('\n')}\n</blockquote>`);
      continue;
    }
    const listPattern = bullet.test(line) ? bullet : numbered.test(line) ? numbered : undefined;
    if (listPattern !== undefined) {
      const tag = listPattern === bullet ? 'ul' : 'ol';
      const items: string[] = [];
      while (i < lines.length) {
        const current = lines[i] ?? '';
        const item = listPattern.exec(current);
        if (item !== null) items.push(item[1] ?? '');
        else if (!isBlank(current) && /^\s/.test(current) && items.length > 0) items[items.length - 1] += `\n${current.trim()}`;
        else break;
        i += 1;
      }
      html.push(`<${tag}>\n${items.map((item) => `<li>${renderInline(item)}</li>`).join('\n')}\n</${tag}>`);
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && !isBlank(lines[i] ?? '') && !startsBlock(lines[i] ?? '')) paragraph.push((lines[i++] ?? '').trim());
    html.push(`<p>${renderInline(paragraph.join('\n'))}</p>`);
  }
  return html;
}

/** Lines that end a paragraph. Indented code does not: in markdown it cannot interrupt one. */
function startsBlock(line: string): boolean {
  return fence.test(line) || heading.test(line) || rule.test(line) || quote.test(line) || bullet.test(line) || numbered.test(line);
}

const safeUrl = /^https?:\/\/[^\s]+$/i;

/** Inline markdown on already-escaped text. Code and links are set aside so emphasis skips them. */
function renderInline(text: string): string {
  const stash: string[] = [];
  const keep = (html: string): string => `\0${stash.push(html) - 1}\0`;
  let out = text.replace(/`([^`\n]+)`/g, (_, code: string) => keep(`<code>${code}</code>`));
  out = out.replace(/!\[([^\]\n]*)\]\(([^\s()]*)\)/g, (_, alt: string) => alt);
  out = out.replace(/\[([^\]\n]+)\]\(([^\s()]+)\)/g, (_, label: string, url: string) =>
    safeUrl.test(url) ? keep(`<a href="${url}" rel="nofollow noopener noreferrer">${emphasis(label)}</a>`) : emphasis(label));
  out = emphasis(out);
  return out.replace(/\0([0-9]+)\0/g, (_, index: string) => stash[Number(index)] ?? '');
}

function emphasis(text: string): string {
  return text
    .replace(/\*\*(?=\S)([^*\n]{1,1000}?)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\w])__(?=\S)([^_\n]{1,1000}?)__(?![\w])/g, '$1<strong>$2</strong>')
    .replace(/\*(?=\S)([^*\n]{1,1000}?)\*/g, '<em>$1</em>')
    // Underscores inside words (snake_case names) are not emphasis.
    .replace(/(^|[^\w])_(?=\S)([^_\n]{1,1000}?)_(?![\w])/g, '$1<em>$2</em>');
}
