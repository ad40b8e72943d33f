// Adds an import map for the bare specifiers in dist/ ('zod', '@assemblyscript/loader'),
// pointing at node_modules/ next to this file's folder, so a page can import
// dist/index.js from any static server. Load it with a classic <script src> before any
// module script. Module workers ignore import maps; see serve.mjs for how they load.
{
  const here = document.currentScript.src;
  const map = {
    imports: {
      zod: new URL('../node_modules/zod/index.js', here).href,
      '@assemblyscript/loader': new URL('../node_modules/@assemblyscript/loader/index.js', here).href,
    },
  };
  const script = document.createElement('script');
  script.type = 'importmap';
  script.textContent = JSON.stringify(map);
  document.currentScript.after(script);
}
