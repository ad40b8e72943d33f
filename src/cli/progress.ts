// A progress line on stderr for long runs: rewritten in place on a terminal, one line
// every few seconds otherwise (logs), and nothing for runs that end quickly.
export function progressReporter(stream: NodeJS.WriteStream, everyMs = stream.isTTY ? 200 : 5000): (fraction: number, t: number) => void {
  const start = Date.now();
  let last = start;
  let finished = false;
  return (fraction, t) => {
    const now = Date.now();
    const final = fraction >= 1;
    if (finished || now - (final ? start : last) < everyMs) return;
    last = now;
    finished = final;
    const line = `t = ${t.toPrecision(4)}  ${(100 * fraction).toFixed(1)}%  ${((now - start) / 1000).toFixed(1)} s`;
    stream.write(stream.isTTY ? `\r${line}${final ? '\n' : ''}` : `${line}\n`);
  };
}
