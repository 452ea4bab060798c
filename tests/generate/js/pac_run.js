// Evaluate a PAC file in Node for many calls at once, the way an old PAC engine would.
//
// stdin: {"pac": TEXT, "my_ip": "a.b.c.d", "hosts": {name: ip}, "calls": [[FUNCTION, ARG...]...]}
// stdout: {"results": [VALUE or {"error": MESSAGE}, ...], "removed": [NAME, ...]}
//
// The PAC runs in a fresh context from which the built-ins ECMAScript 5 and later added are
// deleted first (a PAC relying on one fails here as it would in an ES3 engine), then the PAC
// helper functions of pac_helpers.js are defined, then the PAC itself.
"use strict";

const fs = require("fs");
const path = require("path");
const vm = require("vm");

const LATER_BUILTINS = {
    "this": ["JSON", "Map", "Set", "WeakMap", "WeakSet", "Symbol", "Promise", "Proxy", "Reflect",
             "ArrayBuffer", "SharedArrayBuffer", "DataView", "Int8Array", "Uint8Array",
             "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
             "Float32Array", "Float64Array", "BigInt", "BigInt64Array", "BigUint64Array",
             "Atomics", "WeakRef", "FinalizationRegistry", "globalThis"],
    "Math": ["imul", "clz32", "fround", "trunc", "sign", "cbrt", "expm1", "log1p", "log10",
             "log2", "hypot", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh"],
    "Array": ["isArray", "from", "of"],
    "Array.prototype": ["indexOf", "lastIndexOf", "forEach", "map", "filter", "reduce",
                        "reduceRight", "some", "every", "find", "findIndex", "findLast",
                        "findLastIndex", "includes", "fill", "keys", "values", "entries", "flat",
                        "flatMap", "copyWithin", "at"],
    "String": ["fromCodePoint", "raw"],
    "String.prototype": ["trim", "trimStart", "trimEnd", "trimLeft", "trimRight", "startsWith",
                         "endsWith", "includes", "repeat", "padStart", "padEnd", "codePointAt",
                         "normalize", "at", "replaceAll", "matchAll"],
    "Object": ["keys", "create", "defineProperty", "defineProperties", "getPrototypeOf",
               "setPrototypeOf", "getOwnPropertyNames", "getOwnPropertyDescriptor", "freeze",
               "isFrozen", "seal", "isSealed", "preventExtensions", "isExtensible", "assign",
               "entries", "values", "is", "fromEntries"],
    "Function.prototype": ["bind"],
    "Date": ["now"],
    "Date.prototype": ["toISOString", "toJSON"],
    "Number": ["isInteger", "isFinite", "isNaN", "isSafeInteger", "parseFloat", "parseInt"],
};

function strip(context) {
    const removed = [];
    for (const owner of Object.keys(LATER_BUILTINS)) {
        for (const name of LATER_BUILTINS[owner]) {
            const where = owner === "this" ? "this" : owner;
            const gone = vm.runInContext(
                `(function () { var o = ${where}; if (!(${JSON.stringify(name)} in o)) ` +
                `return "absent"; delete o[${JSON.stringify(name)}]; ` +
                `return (${JSON.stringify(name)} in o) ? "kept" : "deleted"; })()`, context);
            if (gone === "kept") {
                throw new Error(`could not delete ${owner}.${name}`);
            }
            if (gone === "deleted") {
                removed.push(`${owner}.${name}`);
            }
        }
    }
    return removed;
}

function main() {
    const request = JSON.parse(fs.readFileSync(0, "utf8"));
    const context = vm.createContext({});
    const removed = strip(context);
    vm.runInContext(fs.readFileSync(path.join(__dirname, "pac_helpers.js"), "utf8"), context,
                    {filename: "pac_helpers.js"});
    context.PAC_TEST_MY_IP = request.my_ip || "127.0.0.1";
    const hosts = vm.runInContext("PAC_TEST_HOSTS", context);
    for (const name of Object.keys(request.hosts || {})) {
        hosts[name] = request.hosts[name];
    }
    vm.runInContext(request.pac, context, {filename: "proxy.pac"});
    const results = [];
    for (const call of request.calls) {
        const fn = context[call[0]];
        try {
            results.push(fn.apply(null, call.slice(1)));
        } catch (err) {
            results.push({"error": String(err)});
        }
    }
    process.stdout.write(JSON.stringify({"results": results, "removed": removed}));
}

main();
