// Parse a JavaScript file as ECMAScript 3 with the acorn parser bundled in Node.
// usage: node --expose-internals es3_check.js FILE   (exit 0: ES3; 1: not, with line:column)
"use strict";

const fs = require("fs");
let acorn;
try {
    acorn = require("internal/deps/acorn/acorn/dist/acorn");
} catch (err) {
    process.stderr.write(`this Node has no bundled acorn (${err.message})\n`);
    process.exit(2);
}
const file = process.argv[2];
try {
    acorn.parse(fs.readFileSync(file, "utf8"), {ecmaVersion: 3, locations: true});
} catch (err) {
    process.stdout.write(`${file}:${err.loc ? err.loc.line + ":" + (err.loc.column + 1) : "?"}: ` +
                         `${err.message}\n`);
    process.exit(1);
}
