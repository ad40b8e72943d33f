// The few SVG-writing helpers the charts share.

/** Escapes text for SVG content and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Text with TeX-like subscripts and superscripts as SVG: `t_k`, `R_mf`, `t_{k+1}` set their
 * index in a subscript tspan, `ε^{1/4}`, `R^{2m}`, `10^3` theirs in a superscript one (a `_` or `^`
 * takes a braced group or else the letters and digits after it); the rest is escaped.
 */
export function rich(text: string): string {
  return text.replace(/([^_^]*)([_^])(\{([^}]*)\}|([A-Za-z0-9\u0370-\u03ff*]+))|([^]+)$/gu, (_m, before: string | undefined, mark: string | undefined, _g, braced: string | undefined, bare: string | undefined, tail: string | undefined) => {
    if (tail !== undefined) return esc(tail);
    const shift = mark === '_' ? 'sub' : 'super';
    return `${esc(before ?? '')}<tspan baseline-shift="${shift}" font-size="75%">${esc(braced ?? bare ?? '')}</tspan>`;
  });
}

/** The characters `rich(text)` shows, for width estimates. */
export function plainLength(text: string): number {
  return text.replace(/[_^]\{([^}]*)\}/g, '$1').replace(/[_^]/g, '').length;
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
    + (title ? `<title>${esc(plainTitle(title))}</title>` : '')
    + `<rect width="${width}" height="${height}" fill="#fff"/>${body}</svg>`;
}

/** A title as plain text for the document's <title> element, without rich()'s marks. */
function plainTitle(text: string): string {
  return text.replace(/[_^]\{([^}]*)\}/g, '$1').replace(/_/g, '').replace(/\^/g, '');
}
