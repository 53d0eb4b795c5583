// Renders every $...$ and $$...$$ block of the Markdown files given as arguments with KaTeX in
// strict mode (an error for anything outside KaTeX's LaTeX subset). Prints
// "katex: N passed, M failed" and exits non-zero on a failure.
"use strict";
const fs = require("fs");
const katex = require("katex");

function blocks(md) {
  const out = [];
  const display = /\$\$([\s\S]*?)\$\$/g;
  let rest = md.replace(display, (_, body) => {
    out.push({ body, display: true });
    return " ";
  });
  // Inline: $...$ not preceded by a backslash (escaped dollars are text).
  const inline = /(^|[^\\])\$([^$\n]+?)\$/g;
  let m;
  while ((m = inline.exec(rest)) !== null) {
    out.push({ body: m[2], display: false });
  }
  return out;
}

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  const md = fs.readFileSync(file, "utf8");
  for (const b of blocks(md)) {
    try {
      katex.renderToString(b.body, {
        displayMode: b.display,
        throwOnError: true,
        strict: "error",
      });
      passed++;
    } catch (e) {
      failed++;
      console.log(`FAIL ${file}: ${e.message}\n  ${b.body.slice(0, 300)}`);
    }
  }
}
console.log(`katex: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
