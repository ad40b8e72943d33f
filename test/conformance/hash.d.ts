export function fnv1a64(...arrays: ArrayBufferView[]): string;
