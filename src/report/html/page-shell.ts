import { escapeHtml } from './escape-html.js';
import { PAGE_CSS, PAGE_SCRIPT } from './page-assets.js';

/**
 * A self-contained page: inline CSS, JS and SVG only; the Content-Security-Policy forbids every
 * network request. `body` is markup already escaped by its renderers.
 */
export function renderPage(title: string, body: readonly string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${PAGE_CSS}</style></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    ...body,
    '<div id="tooltip" role="tooltip"></div>',
    `<script>${PAGE_SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
