// Reads an outbound answer's body up to a byte cap: a health endpoint, hook receiver, Prometheus or GitHub that
// answers without end cannot fill the server's memory. Past the cap the rest is cancelled, never buffered.
export interface CappedBody {
  text: string;
  /** The answer went on past the cap (the text holds its first `maxBytes` bytes). */
  truncated: boolean;
}

export async function readCappedBody(res: Response, maxBytes: number): Promise<CappedBody> {
  if (!res.body) return { text: "", truncated: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = maxBytes - size;
      if (value.byteLength > room) {
        chunks.push(value.subarray(0, room));
        truncated = true;
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    if (truncated) await reader.cancel().catch(() => {});
    else reader.releaseLock();
  }
  return { text: Buffer.concat(chunks).toString("utf8"), truncated };
}
