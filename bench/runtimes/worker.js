// Runs one job in a module Web Worker: receives { module, args }, imports the module (a plain
// ES module under the served repository) and posts back { result } from its `main(args)`,
// or { error }. A fresh worker per job, so each job starts in a fresh realm.
self.onmessage = async ({ data }) => {
  try {
    const { main } = await import(data.module);
    postMessage({ result: await main(data.args) });
  } catch (e) {
    postMessage({ error: `${e?.name ?? 'Error'}: ${e?.message ?? String(e)}` });
  }
};
