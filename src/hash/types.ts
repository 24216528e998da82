// Names of the hashing engines and algorithms, shared by the lanes and the commands.

export type EngineName = 'node' | 'wasm';
export type EngineChoice = EngineName | 'auto';
/** FreePBX manifests list SHA-256 only; the type leaves room for more. */
export type HashAlgorithm = 'sha256';
