// Connection pool whose every connection works in the deployment's own schema, as the original
// Zoe kept one PostgreSQL schema per deployment.
import pg from 'pg';

export type Pool = pg.Pool;
export type Queryable = pg.Pool | pg.PoolClient;

export function schemaName(deployment: string): string {
  return `zoe_${deployment.replace(/-/g, '_')}`;
}

export function createPool(url: string, deployment: string, max = 10): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    options: `-c search_path=${schemaName(deployment)},public`,
  });
  // An idle connection dropped by the server (restart, failover) must not crash the process:
  // the pool replaces it, and a query in flight fails and is retried by its caller.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `work` in a transaction: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
