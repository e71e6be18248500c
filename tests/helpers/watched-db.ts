import type { PrismaClient } from '@/server/db/generated/client';

/** A call made through the watched client: `model.method` (or `$method`) and its arguments. */
export type DbCall = { name: string; args: unknown[] };

type Hold = { when: 'before' | 'after'; reached: () => void; gate: Promise<void>; where?: (args: unknown[]) => boolean };

/**
 * The real Prisma client behind a Proxy that every query still goes through to the real database.
 * It only watches: it logs each call, and can hold the next call of one kind until the test
 * releases it, to make one step slow deterministically (a race made to happen, not hoped for).
 */
export function watchDb(real: PrismaClient) {
  const calls: DbCall[] = [];
  const holds = new Map<string, Hold>();
  const observers = new Map<string, ((args: unknown[]) => void)[]>();

  const watched = (name: string, fn: (...args: unknown[]) => unknown, self: unknown) =>
    (...args: unknown[]) => {
      calls.push({ name, args });
      for (const observe of observers.get(name) ?? []) observe(args);
      const hold = holds.get(name);
      // Untouched unless held: Prisma's lazy promise goes back to the caller as it is.
      if (!hold || (hold.where && !hold.where(args))) return fn.apply(self, args);
      holds.delete(name);
      return (async () => {
        if (hold.when === 'before') {
          hold.reached();
          await hold.gate;
          return fn.apply(self, args);
        }
        const result = await fn.apply(self, args);
        hold.reached();
        await hold.gate;
        return result;
      })();
    };

  const db = new Proxy(real, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof prop !== 'string') return value;
      if (typeof value === 'function') return prop.startsWith('$') ? watched(prop, value, target) : value.bind(target);
      if (value && typeof value === 'object' && !prop.startsWith('$')) {
        // A model delegate (db.user, db.roomMember, …): watch its methods.
        return new Proxy(value, {
          get(delegate, method) {
            const member = Reflect.get(delegate, method);
            if (typeof method !== 'string' || typeof member !== 'function') return member;
            return watched(`${prop}.${method}`, member, delegate);
          },
        });
      }
      return value;
    },
  });

  return {
    db,
    calls,
    /** Calls of one kind (e.g. `deviceSession.findUnique`) made so far, optionally only those `where` matches. */
    count(name: string, where?: (args: unknown[]) => boolean) {
      return calls.filter((call) => call.name === name && (!where || where(call.args))).length;
    },
    /** Runs `observe` synchronously as each call of this kind is made; returns a stop function. */
    onCall(name: string, observe: (args: unknown[]) => void) {
      observers.set(name, [...(observers.get(name) ?? []), observe]);
      return () => observers.set(name, (observers.get(name) ?? []).filter((other) => other !== observe));
    },
    /**
     * Holds the next call of this kind: `before` it reaches the database, or `after` its real result
     * is in (so the caller acts on what was true then). `reached` resolves once the call is held.
     * With `where`, the next call of this kind that `where` matches.
     */
    holdNext(name: string, when: 'before' | 'after' = 'before', where?: (args: unknown[]) => boolean) {
      let release: () => void = () => {};
      let reached: () => void = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      const atHold = new Promise<void>((resolve) => (reached = resolve));
      holds.set(name, { when, reached, gate, where });
      return { reached: atHold, release: () => release() };
    },
  };
}

export type WatchedDb = ReturnType<typeof watchDb>;
