// Texts written one after another as UTF-8 into a single growing byte buffer, with the
// offset where each ends: many short texts held as one block outside the JS heap, which
// crosses to another thread by transfer (no copy, no string made there).

/** A new buffer's size: it doubles as it fills. */
const INITIAL_BYTES = 1 << 16;

export class TextBytes {
  private buffer: Uint8Array;
  private length = 0;
  /** Where each text ends (the first starts at 0). */
  readonly ends: number[] = [];
  private readonly encoder = new TextEncoder();

  /** `buffer`: where to start writing (its contents are overwritten); replaced by a larger one as needed. */
  constructor(buffer?: Uint8Array) {
    this.buffer = buffer ?? new Uint8Array(INITIAL_BYTES);
  }

  add(text: string): void {
    let { read, written } = this.encoder.encodeInto(text, this.buffer.subarray(this.length));
    this.length += written;
    if (read < text.length) {
      // UTF-8 takes at most 3 bytes per UTF-16 unit
      const rest = text.slice(read);
      const grown = new Uint8Array(Math.max(this.length + 3 * rest.length, 2 * this.buffer.length));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
      ({ written } = this.encoder.encodeInto(rest, this.buffer.subarray(this.length)));
      this.length += written;
    }
    this.ends.push(this.length);
  }

  /** The bytes written, as a view of the buffer (whose spare end goes with it). */
  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}
