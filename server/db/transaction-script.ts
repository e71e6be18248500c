import pg from 'pg';
import type { DbClient } from './client-types';
import type { Prisma } from './generated/client';

/**
 * Runs statements as one transaction in one round trip to the database, and returns the rows of the
 * last. Each statement still runs on its own snapshot, taken when it starts (read committed), so
 * statements that lock rows first see what committed before those locks, exactly as when each is
 * sent on its own; the only difference is the three round trips (BEGIN, each statement, COMMIT) it
 * saves, each a system call for the node and a wake-up for Postgres.
 */
export type TransactionScript = <Row>(statements: (Prisma.Sql | PreparedSql)[]) => Promise<Row[]>;

/**
 * A statement Postgres plans once per connection instead of once per run: it is prepared on each
 * connection the first time it goes out there, and then run with `EXECUTE`, its values bound. Its text
 * must not change; its values must all be typed by casts (`${ids}::text[]`), which is how `PREPARE`
 * learns their types. Scripts holding one run their prepared statements on generic plans: the
 * batches' statements take arrays, whose length only a custom plan sees, so for small batches Postgres
 * would otherwise plan each run anew, which costs more than running it (docs/performance.md,
 * "Fourteenth round").
 */
export class PreparedSql {
  constructor(readonly name: string, readonly sql: Prisma.Sql) {}
}
export const prepared = (name: string, sql: Prisma.Sql) => new PreparedSql(name, sql);

/**
 * One prepared statement's rows: through the script where there is one (Postgres), planned once per
 * connection; through Prisma otherwise (PGlite), planned each time. Counts come back as text through a
 * script and as bigint through Prisma.
 */
export const queryPrepared = <Row>(db: DbClient, script: TransactionScript | null | undefined, statement: PreparedSql): Promise<Row[]> =>
  script ? script<Row>([statement]) : db.$queryRaw<Row[]>(statement.sql);

const isPrepared = (statement: Prisma.Sql | PreparedSql): statement is PreparedSql => statement instanceof PreparedSql;

// What Prisma's transactions allow a batch (server/messages/append-batch.ts), for the same reasons.
const CONNECT_TIMEOUT_MS = 10_000;
const SCRIPT_TIMEOUT_MS = 20_000;

/**
 * On a node-postgres pool: the simple query protocol carries several statements in one message, but no
 * bound values, so the values go in as quoted literals, in the same text form a bound value has, and
 * typed by the same casts. A script that fails is rolled back before its connection goes back.
 */
export function poolTransactionScript(pool: pg.Pool): TransactionScript {
  // What each connection has prepared: a connection the pool replaces is a new client, and prepares anew.
  const preparedOn = new WeakMap<pg.PoolClient, Map<string, string>>();
  return async <Row>(statements: (Prisma.Sql | PreparedSql)[]) => {
    const client = await connectWithin(pool, CONNECT_TIMEOUT_MS);
    let broken: Error | undefined;
    try {
      const toPrepare = statements.filter(isPrepared);
      const known = preparedOn.get(client) ?? new Map<string, string>();
      preparedOn.set(client, known);
      for (const { name, sql } of toPrepare) {
        if (known.get(name) === sql.text) continue;
        if (known.has(name)) throw new Error(`The prepared statement ${name} was given another text.`);
        await client.query({ text: `PREPARE ${name} AS ${sql.text}`, query_timeout: SCRIPT_TIMEOUT_MS } as pg.QueryConfig);
        known.set(name, sql.text);
      }
      const planning = toPrepare.length > 0 ? ['SET LOCAL plan_cache_mode = force_generic_plan'] : [];
      const text = ['BEGIN', ...planning, ...statements.map(scriptText), 'COMMIT'].join(';\n');
      const results = (await client.query({ text, types, query_timeout: SCRIPT_TIMEOUT_MS } as pg.QueryConfig)) as unknown as pg.QueryResult[];
      return results.at(-2)!.rows as Row[];
    } catch (error) {
      await client.query('ROLLBACK').catch((failed: Error) => (broken = failed));
      throw error;
    } finally {
      client.release(broken);
    }
  };
}

/** A statement as the script sends it: a prepared one as its EXECUTE, any other with its values in place. */
export function scriptText(statement: Prisma.Sql | PreparedSql): string {
  if (!isPrepared(statement)) return inlineValues(statement);
  const { values } = statement.sql;
  return values.length > 0 ? `EXECUTE ${statement.name}(${values.map(literal).join(', ')})` : `EXECUTE ${statement.name}`;
}

/** The statement's text with each value in place, as a quoted literal (NULL for null). */
function inlineValues(statement: Prisma.Sql): string {
  return statement.strings.reduce((text, part, index) => text + (index > 0 ? literal(statement.values[index - 1]) : '') + part, '');
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) return quote(`{${value.map(arrayElement).join(',')}}`);
  if (value instanceof Date) return quote(value.toISOString());
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return quote(String(value));
  throw new Error(`A ${typeof value} cannot be inlined into a script.`);
}

/**
 * The text quoted as pg.escapeLiteral quotes it (quotes doubled; with a backslash, E'…' and backslashes
 * doubled, right whatever standard_conforming_strings says), but with native replaces: escapeLiteral
 * builds its result a character at a time, 1.3 ms for the 73 KB of a look-up of 500 receipts.
 */
function quote(text: string): string {
  const quotesDoubled = text.replaceAll("'", "''");
  return text.includes('\\') ? ` E'${quotesDoubled.replaceAll('\\', '\\\\')}'` : `'${quotesDoubled}'`;
}

// An element of an array literal: double-quoted, with backslashes and double quotes escaped.
const arrayElement = (value: unknown) =>
  value === null || value === undefined ? 'NULL' : `"${String(value).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

// Timestamps without a zone are UTC here, as Prisma reads them; node-postgres would read them as local time.
const TIMESTAMP_OID = 1114;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMP_OID ? (value: string) => new Date(`${value.replace(' ', 'T')}Z`) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

async function connectWithin(pool: pg.Pool, ms: number): Promise<pg.PoolClient> {
  let timer: NodeJS.Timeout | undefined;
  const connecting = pool.connect();
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no database connection free in ${ms} ms (timeout)`)), ms);
  });
  try {
    return await Promise.race([connecting, late]);
  } catch (error) {
    // A connection that comes after all goes straight back.
    connecting.then((client) => client.release(), () => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
