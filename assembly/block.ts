// Caller-owned blocks: a header followed by its buffers, 16-byte aligned. One walk over the
// buffers both measures a block and lays it out: with a header address it stores each buffer's
// address into the header's field, with header 0 it only advances, so the bytes a block needs
// and the addresses it gets come from the same sequence of `take`s. Positions are u64, so that a
// measure past 4 GiB is exact (the host refuses such a block before reserving anything).

/** p rounded up to the next multiple of 16 (v128 alignment). */
@inline export function align(p: u64): u64 {
  return (p + 15) & ~15;
}

/**
 * Reserves `doubles` doubles at p for the header field at byte offset `field` (offsetof<H>('name'))
 * and returns where the next buffer starts. With header = 0 nothing is written: the walk measures.
 */
@inline export function take(header: usize, field: usize, p: u64, doubles: i64): u64 {
  if (header != 0) store<usize>(header + field, <usize>p);
  return align(p + (<u64>doubles << 3));
}
