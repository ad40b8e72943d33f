// Numbers for people: three significant digits, scientific outside [1e-3, 1e5).
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : Number(v.toPrecision(3)).toString();
}

/** An index in Unicode subscript digits, for plain text and HTML: R₁₂. */
export function subscript(k: number | string): string {
  return String(k).replace(/\d/g, (d) => String.fromCharCode(0x2080 + Number(d)));
}
