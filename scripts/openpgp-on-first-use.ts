// openpgp.js builds its AES tables (two of 65,536 entries each, for its own AES code) as it is
// imported: about 14 ms of the main thread at every start on Node 18 (CPU profiles of `verify`), for
// code that verification never runs (key files are public; a secret key is decrypted only by `sign`
// and `keys`). Measured side by side, a FreePBX 14-shape `verify` took 3% less time on Node 18 and 20. scripts/bundle.js makes them on first use instead: each table becomes an
// object whose properties compute the table when one of them is first read (openpgp.js only
// destructures them). openpgp.js is pinned in package.json, and the text replaced must be in its
// minified build exactly once, or the build fails: a new openpgp.js gets looked at again.

const TABLES =
  'const nr=/* @__PURE__ */rr(Xt,(e=>Wt(e,3)<<24|e<<16|e<<8|Wt(e,2))),ir=/* @__PURE__ */rr($t,(e=>Wt(e,11)<<24|Wt(e,13)<<16|Wt(e,9)<<8|Wt(e,14)))';
const TABLES_ON_FIRST_USE =
  'const nr=__pbxsigOnFirstUse(()=>rr(Xt,(e=>Wt(e,3)<<24|e<<16|e<<8|Wt(e,2)))),ir=__pbxsigOnFirstUse(()=>rr($t,(e=>Wt(e,11)<<24|Wt(e,13)<<16|Wt(e,9)<<8|Wt(e,14))))';
// The properties of what openpgp.js's table maker returns.
const ON_FIRST_USE =
  "function __pbxsigOnFirstUse(make){let t;const o={};for(const k of ['sbox','sbox2','T0','T1','T2','T3','T01','T23'])Object.defineProperty(o,k,{get:()=>(t??=make())[k]});return o}\n";

/** openpgp.min.mjs's source with its AES tables made on first use; throws when the text is not there once. */
export function aesTablesOnFirstUse(source: string, file: string): string {
  const at = source.indexOf(TABLES);
  if (at === -1 || source.indexOf(TABLES, at + 1) !== -1)
    throw new Error(`${file}: openpgp.js's AES tables are not there exactly once; see scripts/openpgp-on-first-use.ts`);
  return ON_FIRST_USE + source.slice(0, at) + TABLES_ON_FIRST_USE + source.slice(at + TABLES.length);
}
