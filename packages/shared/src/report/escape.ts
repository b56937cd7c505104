const htmlEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text for an HTML table cell (the job summary is HTML). Line breaks become <br>: a blank line inside the
 * table's HTML would end the HTML block and let the rest render as Markdown.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => htmlEntities[c] ?? c).replace(/\r?\n/g, '<br>');
}

// Characters that would split a Markdown table cell (|), open HTML (<, &), or start inline formatting
// or links. Numeric entities, not backslashes: GFM splits table rows on '|' before it reads escapes.
const markdownEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '|': '&#124;',
  '\\': '&#92;',
  '`': '&#96;',
  '*': '&#42;',
  '[': '&#91;',
  ']': '&#93;',
};

/** Text for one cell of a Markdown table: stays in its cell, on one line, and renders literally. */
export function escapeMarkdownCell(text: string): string {
  return text.replace(/[&<>|\\`*[\]]/g, (c) => markdownEntities[c] ?? c).replace(/\r?\n/g, '<br>');
}
