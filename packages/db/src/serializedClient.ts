// One libSQL connection per module file, used by one operation at a time.
//
// Statements run synchronously in-process, so a second connection would busy-wait on the event loop
// while our own open transaction holds the write lock, and @libsql/client refuses (TRANSACTION_ACTIVE)
// any call made while its only connection is held by a transaction. This wrapper queues every call
// behind the open transaction instead, FIFO, so concurrent requests wait their turn.
import type { Client, Transaction } from "@libsql/client";

const LOCK_TIMEOUT_MS = 30_000;

/** A FIFO lock for one database file, shared by every in-process connection to it. */
export interface FileLock {
  /** Resolves with a release function once every earlier holder has released. */
  acquire(): Promise<() => void>;
}

export function createFileLock(): FileLock {
  let tail: Promise<void> = Promise.resolve();
  return {
    acquire() {
      let release!: () => void;
      const mine = new Promise<void>((resolve) => (release = resolve));
      const previous = tail;
      tail = previous.then(() => mine);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`database busy for ${LOCK_TIMEOUT_MS} ms (a transaction was left open?)`)),
          LOCK_TIMEOUT_MS,
        );
        timer.unref?.();
      });
      return Promise.race([previous, timeout]).then(
        () => (clearTimeout(timer), release),
        (error) => {
          // Give up our place without blocking those behind us.
          previous.then(release);
          throw error;
        },
      );
    },
  };
}

export function serializedClient(client: Client, lock: FileLock = createFileLock()): Client {
  const acquire = () => lock.acquire();

  const locked =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const release = await acquire();
      try {
        return await fn(...args);
      } finally {
        release();
      }
    };

  const transaction = async (...args: Parameters<Client["transaction"]>): Promise<Transaction> => {
    const release = await acquire();
    let tx: Transaction;
    try {
      tx = await client.transaction(...args);
    } catch (error) {
      release();
      throw error;
    }
    let released = false;
    const finish = () => {
      if (!released) (released = true), release();
    };
    return new Proxy(tx, {
      get(target, prop) {
        if (prop === "commit" || prop === "rollback") {
          return async () => {
            try {
              return await target[prop]();
            } finally {
              finish();
            }
          };
        }
        if (prop === "close") {
          return () => {
            try {
              target.close();
            } finally {
              finish();
            }
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  };

  return new Proxy(client, {
    get(target, prop) {
      if (prop === "transaction") return transaction;
      if (prop === "execute" || prop === "batch" || prop === "executeMultiple" || prop === "migrate") {
        return locked((target[prop] as (...a: unknown[]) => Promise<unknown>).bind(target));
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
