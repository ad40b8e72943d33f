// FNV-1a (64-bit) over the bytes of typed arrays, in plain JavaScript so that every engine
// computes it the same way. The 64-bit state is held as four 16-bit limbs: multiplying by
// the FNV prime 2^40 + 0x1b3 is then h·0x1b3 + (h << 40), whose partial products stay below
// 2^31 before the carries are propagated.

/** Hex digest of the bytes of `arrays` (typed arrays; byte order of the platform, little-endian everywhere we run). */
export function fnv1a64(...arrays) {
  let h0 = 0x2325, h1 = 0x8422, h2 = 0x9ce4, h3 = 0xcbf2; // offset basis 0xcbf29ce484222325
  for (const array of arrays) {
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    for (let i = 0; i < bytes.length; i++) {
      h0 ^= bytes[i];
      const t0 = h0 * 0x1b3;
      const t1 = h1 * 0x1b3 + (t0 >>> 16);
      const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
      const t3 = h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16);
      h0 = t0 & 0xffff;
      h1 = t1 & 0xffff;
      h2 = t2 & 0xffff;
      h3 = t3 & 0xffff;
    }
  }
  return [h3, h2, h1, h0].map((x) => x.toString(16).padStart(4, '0')).join('');
}
