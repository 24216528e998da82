// Bounds on key material. Key files come from audited trees (admin/libraries/BMO/*.key is
// attacker-controlled) and from keyservers' flooded copies (the SKS certificate flooding of 2019), so
// the work a key file can cause is bounded here, in one place. What happens at each bound: the file,
// or the key, is skipped with a warning that names it, and verification goes on (a signer whose key
// was skipped is then "unknown-signer": the bound can make a module fail, never pass). A key file the
// user named on the command line that cannot be used at all stops the command instead (exit 2).
//
// openpgp.js parses about 4 to 6 MB of key packets a second, so these bounds keep a hostile key
// directory under about a second of work; FreePBX's real keys are about 4 to 6 KB each.

/** A larger key file is not read. FreePBX's keys are 4-6 KB; a GnuPG export of a hundred keys fits. */
export const MAX_KEY_FILE_BYTES = 1024 * 1024;

/** Keys read from one file; the rest of the file is skipped. */
export const MAX_KEYS_PER_FILE = 100;

/** Key files read from one directory (FreePBX's BMO directory holds about seven); the rest are skipped. */
export const MAX_KEY_FILES_PER_DIRECTORY = 64;

/** Bytes of key files read from one directory; files beyond it are skipped. */
export const MAX_KEY_BYTES_PER_DIRECTORY = 2 * 1024 * 1024;

/**
 * Signatures kept on one key, all its copies merged: self-signatures, subkey bindings, revocations
 * and the certifications by anchors (certifications by other keys are dropped as keys load when the
 * anchors are known, so a flooded key stays usable). A copy that would go beyond it is skipped.
 * FreePBX's keys carry 3 to 6.
 */
export const MAX_SIGNATURES_PER_KEY = 100;

/** User IDs and subkeys of one key, all its copies merged. A copy that would go beyond it is skipped. */
export const MAX_COMPONENTS_PER_KEY = 64;
