// Counts `any` type keywords in hand-written TypeScript under src/ (src/generated excluded).
import ts from "typescript";
import fs from "node:fs";
import path from "node:path";
const files = [];
const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) { if (p !== "src/generated") walk(p); } else if (p.endsWith(".ts")) files.push(p); } };
walk("src");
let total = 0; const per = [];
for (const f of files) {
  const sf = ts.createSourceFile(f, fs.readFileSync(f, "utf8"), ts.ScriptTarget.Latest, true);
  let n = 0; const v = (node) => { if (node.kind === ts.SyntaxKind.AnyKeyword) n++; ts.forEachChild(node, v); }; v(sf);
  total += n; if (n) per.push([n, f]);
}
per.sort((a, b) => b[0] - a[0]);
if (process.argv[2] === "-v") for (const [n, f] of per) console.log(String(n).padStart(4), f);
console.log("any (type keyword) in hand-written src/:", total, "in", files.length, "files");
