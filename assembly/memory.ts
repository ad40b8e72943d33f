// Caller-owned scratch memory: a bump arena over linear memory.
// Kernels never allocate; the TypeScript facade reserves every buffer here and
// hands kernels pointers and lengths. mark()/release() give stack discipline, so a
// finished computation returns its memory. The AssemblyScript runtime allocator is
// never used (no `new` anywhere in assembly/), so nothing else touches the heap.

const ALIGN: usize = 16; // v128 alignment

let top: usize = (__heap_base + ALIGN - 1) & ~(ALIGN - 1);

/** Reserves `bytes` bytes, 16-byte aligned, growing memory when needed. May detach JS views. */
export function alloc(bytes: usize): usize {
  const ptr = top;
  const end = (ptr + bytes + ALIGN - 1) & ~(ALIGN - 1);
  const have = (<usize>memory.size()) << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) unreachable(); // out of memory: the facade turns this into an error
  }
  top = end;
  return ptr;
}

/** Current arena top; pass to release() to free everything reserved after it. */
export function mark(): usize {
  return top;
}

export function release(m: usize): void {
  top = m;
}
