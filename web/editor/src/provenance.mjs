// After the bundle is built: writes, beside it, LICENSES.txt (the licence of every package
// whose code is in the bundle, as each package ships it) and PROVENANCE.md (those packages and
// their exact versions). Run by `npm run build`; reads the metafile esbuild wrote.
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const out = join(root, "..", "static", "vendor", "codemirror");
const meta = JSON.parse(readFileSync(join(root, "node_modules", ".bundle-meta.json"), "utf8"));

// The packages the bundle's inputs come from (node_modules/NAME or node_modules/@scope/NAME).
const names = new Set();
for (const input of Object.keys(meta.inputs)) {
  const found = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (found) names.add(found[1]);
}
const packages = [...names].sort().map((name) => {
  const folder = join(root, "node_modules", name);
  const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  const licenceFile = readdirSync(folder).find((f) => /^(LICEN[CS]E|COPYING)/i.test(f));
  if (!licenceFile) throw new Error(`${name}: no licence file in the package`);
  return { name, version: manifest.version, license: manifest.license,
           text: readFileSync(join(folder, licenceFile), "utf8").trim() };
});

writeFileSync(join(out, "LICENSES.txt"), packages.map((p) =>
  `${p.name} ${p.version} (${p.license})\n${"-".repeat(72)}\n${p.text}\n`).join("\n"));

const tool = JSON.parse(readFileSync(join(root, "node_modules", "esbuild", "package.json"), "utf8"));
writeFileSync(join(out, "PROVENANCE.md"), `# codemirror.min.js

CodeMirror 6 with its SPARQL mode, for the editor of the /sparql page. Built from the npm
packages below by \`npm ci && npm run build\` in \`web/editor/\` (entry \`web/editor/src/codemirror.js\`,
bundled and minified by esbuild ${tool.version}); do not edit the bundle by hand. The licence
texts of these packages are in \`LICENSES.txt\` beside this file.

| package | version | licence |
| --- | --- | --- |
${packages.map((p) => `| ${p.name} | ${p.version} | ${p.license} |`).join("\n")}
`);
console.log(`${packages.length} packages: LICENSES.txt and PROVENANCE.md written`);
