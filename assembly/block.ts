// Caller-owned blocks: a header followed by its buffers, 16-byte aligned. One walk over the
// buffers both measures a block and lays it out: with a header address it stores each buffer's
// address into the header's field, with header 0 it only advances, so the bytes a block needs
// and the addresses it gets come from the same sequence of `take`s.

/** p rounded up to the next multiple of 16 (v128 alignment). */
@inline export function align(p: usize): usize {
  return (p + 15) & ~15;
}

/**
 * Reserves `doubles` doubles at p for the header field at byte offset `field` (offsetof<H>('name'))
 * and returns where the next buffer starts. With header = 0 nothing is written: the walk measures.
 */
@inline export function take(header: usize, field: usize, p: usize, doubles: i32): usize {
  if (header != 0) store<usize>(header + field, p);
  return align(p + (<usize>doubles << 3));
}
