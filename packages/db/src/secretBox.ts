// Encryption at rest of stored secrets (API keys, hook secrets) with a master key: AES-256-GCM, stored as
// `enc:v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url), so a plaintext row (no master key, or written before one
// was set) is told apart and keeps working.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const PREFIX = "enc:v1:";
const KEY_BYTES = 32;

export interface MasterKeys {
  /** Encrypts new secrets and every stored one at start; without it secrets are stored as issued. */
  current?: Uint8Array;
  /** Older keys still accepted for decryption (rotation): rows under them are re-encrypted with `current` at start. */
  previous?: readonly Uint8Array[];
}

/** A secret cannot be read: encrypted under a master key this process was not given. Startup stops on it. */
export class MasterKeyError extends Error {
  override readonly name = "MasterKeyError";
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** A short public name of a key (never the key): first 8 hex of SHA-256 over a label and the key. */
export function masterKeyId(key: Uint8Array): string {
  return createHash("sha256").update("cuitty-master-key\0").update(key).digest("hex").slice(0, 8);
}

function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

/** The master key id of a sealed value, or undefined for plaintext. */
function sealedKeyId(stored: string): string | undefined {
  return isSealed(stored) ? stored.slice(PREFIX.length).split(":")[0] : undefined;
}

const MAX_CACHED = 4096;

export class SecretBox {
  readonly #keys = new Map<string, Buffer>();
  readonly #currentId: string | undefined;
  /** Decrypted values by stored value: auth opens the same few keys on every request. */
  readonly #cache = new Map<string, string>();

  constructor(keys: MasterKeys = {}) {
    for (const key of [...(keys.current ? [keys.current] : []), ...(keys.previous ?? [])]) {
      if (key.length !== KEY_BYTES) throw new Error(`a master key must be ${KEY_BYTES} bytes, got ${key.length}`);
      const id = masterKeyId(key);
      if (!this.#keys.has(id)) this.#keys.set(id, Buffer.from(key));
    }
    this.#currentId = keys.current ? masterKeyId(keys.current) : undefined;
  }

  /** The id of the key new secrets are encrypted with, or undefined when they are stored as issued. */
  get currentKeyId(): string | undefined {
    return this.#currentId;
  }

  /** What to store for `plain`: ciphertext under the current key, or `plain` itself without one. */
  seal(plain: string): string {
    if (!this.#currentId) return plain;
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#keys.get(this.#currentId)!, iv);
    const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), data].map((b) => b.toString("base64url"));
    return `${PREFIX}${this.#currentId}:${parts.join(":")}`;
  }

  /** The secret a stored value holds; plaintext passes through. Throws MasterKeyError when it cannot be read. */
  open(stored: string): string {
    if (!isSealed(stored)) return stored;
    const cached = this.#cache.get(stored);
    if (cached !== undefined) return cached;
    const [keyId, iv, tag, data, extra] = stored.slice(PREFIX.length).split(":");
    const key = keyId === undefined ? undefined : this.#keys.get(keyId);
    if (!key) throw missingKeyError(keyId ?? "?", this.#currentId);
    if (iv === undefined || tag === undefined || data === undefined || extra !== undefined) {
      throw new MasterKeyError("a stored secret is not in the enc:v1 format", "restore the data directory from a backup");
    }
    let plain: string;
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      plain = Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      throw new MasterKeyError(
        `a stored secret encrypted with master key ${keyId} does not decrypt: it was altered`,
        "restore the data directory from a backup",
      );
    }
    if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
    this.#cache.set(stored, plain);
    return plain;
  }

  /** What a stored value should become under the current keys (re-encrypted, encrypted or decrypted), or undefined when it is right as it is. */
  reseal(stored: string): string | undefined {
    const keyId = sealedKeyId(stored);
    if (keyId === this.#currentId) return undefined; // both undefined: plaintext with no key; or already current
    return this.seal(this.open(stored));
  }
}

function missingKeyError(keyId: string, currentId: string | undefined): MasterKeyError {
  return new MasterKeyError(
    currentId
      ? `stored secrets are encrypted with master key ${keyId}, but the configured master key is ${currentId}`
      : `stored secrets are encrypted with master key ${keyId}, but no master key is configured`,
    currentId
      ? "set CUITTY_MASTER_KEY (or CUITTY_MASTER_KEY_FILE) to the key they were encrypted with; when rotating, pass that one as CUITTY_MASTER_KEY_PREVIOUS"
      : "set CUITTY_MASTER_KEY or CUITTY_MASTER_KEY_FILE to the key the data directory was encrypted with",
  );
}
