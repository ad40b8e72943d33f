// Caller-owned scratch memory: a bump arena over linear memory.
// Kernels never allocate; the TypeScript facade reserves every buffer here and
// hands kernels pointers and lengths. mark()/release() give stack discipline, so a
// finished computation returns its memory. The AssemblyScript runtime allocator is
// never used (no `new` anywhere in assembly/), so nothing else touches the heap.
//
// Pointers and sizes are usize (u32): the raw bindings hand them to JavaScript as signed
// i32, so the facade reads every one with `>>> 0`. A request that cannot be met — its end
// would pass 2^32, or memory.grow refuses the pages — aborts rather than returning a
// wrapped pointer; the size asked for stays in `allocFailed` for the facade's message.

const ALIGN: usize = 16; // v128 alignment
const PAGE_BITS: usize = 16; // 64 KiB Wasm pages

let top: usize = (__heap_base + ALIGN - 1) & ~(ALIGN - 1);

/** The size of the last request alloc could not meet (0: none). */
let failed: usize = 0;

/** Reserves `bytes` bytes, 16-byte aligned, growing memory when needed. May detach JS views. */
export function alloc(bytes: usize): usize {
  const ptr = top;
  // ptr + bytes + ALIGN − 1 must not wrap around 2^32
  if (bytes > <usize>-1 - ptr - (ALIGN - 1)) return refuse(bytes);
  const end = (ptr + bytes + ALIGN - 1) & ~(ALIGN - 1);
  const have = (<u64>memory.size()) << PAGE_BITS;
  if (<u64>end > have) {
    const pages = <i32>((<u64>end - have + 0xffff) >> PAGE_BITS);
    if (memory.grow(pages) < 0) return refuse(bytes);
  }
  top = end;
  return ptr;
}

function refuse(bytes: usize): usize {
  failed = bytes;
  abort('alloc: out of Wasm memory');
  return 0;
}

/** The size (bytes) of the last request alloc refused; 0 if none. */
export function allocFailed(): usize {
  return failed;
}

/** Current arena top; pass to release() to free everything reserved after it. */
export function mark(): usize {
  return top;
}

export function release(m: usize): void {
  top = m;
}
