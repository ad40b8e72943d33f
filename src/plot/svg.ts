// The few SVG-writing helpers the charts share.

/** Escapes text for SVG content and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A coordinate with 0.1 px precision, never NaN/Infinity (callers drop undrawable points first). */
export function px(v: number): string {
  const r = Math.round(Math.min(Math.max(v, -1e6), 1e6) * 10) / 10;
  return String(r === 0 ? 0 : r);
}

const font = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

/** Rough width of `chars` characters at `size` px in a sans-serif font (SVG strings cannot be measured). */
export function textWidth(chars: number, size: number): number {
  return chars * size * 0.58;
}

/** A standalone SVG document of the given size with a white background. */
export function svgDocument(width: number, height: number, body: string, title?: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${font}>`
    + (title ? `<title>${esc(title)}</title>` : '')
    + `<rect width="${width}" height="${height}" fill="#fff"/>${body}</svg>`;
}
