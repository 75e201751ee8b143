import { Client } from 'pg';

/** The embedded cluster's login for the service: owner of its database, not a superuser. */
export const SERVICE_ROLE = 'pii_vault';

/** The database the service uses in the embedded cluster (older data dirs hold their data here). */
export const SERVICE_DATABASE = 'postgres';

/** Schemas of PostgreSQL itself, whose objects stay the superuser's. */
const USER_SCHEMA = `n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'`;

const NOT_IN_EXTENSION = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass
     AND d.objid = ${oid} AND d.deptype = 'e')`;

/**
 * One ALTER … OWNER statement per object of the service's database that a superuser owns: data
 * dirs from before the service role existed were created and migrated by the superuser. Indexes,
 * sequences of serial and identity columns and row types follow their table.
 */
const SUPERUSER_OWNED_OBJECTS = `
WITH superusers AS (SELECT oid FROM pg_roles WHERE rolsuper)
SELECT format('ALTER SCHEMA %I OWNER TO %I', n.nspname, $1::text) AS statement
  FROM pg_namespace n
 WHERE n.nspowner IN (SELECT oid FROM superusers) AND ${USER_SCHEMA}
   AND ${NOT_IN_EXTENSION('pg_namespace', 'n.oid')}
UNION ALL
SELECT format('ALTER %s %s OWNER TO %I',
         CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
           WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
         c.oid::regclass, $1::text)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relowner IN (SELECT oid FROM superusers) AND ${USER_SCHEMA}
   AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND ${NOT_IN_EXTENSION('pg_class', 'c.oid')}
   AND (c.relkind <> 'S' OR NOT EXISTS (SELECT 1 FROM pg_depend d
         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
           AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))
UNION ALL
SELECT format('ALTER ROUTINE %s OWNER TO %I', p.oid::regprocedure, $1::text)
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE p.proowner IN (SELECT oid FROM superusers) AND ${USER_SCHEMA}
   AND ${NOT_IN_EXTENSION('pg_proc', 'p.oid')}
UNION ALL
SELECT format('ALTER %s %s OWNER TO %I', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
         t.oid::regtype, $1::text)
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE t.typowner IN (SELECT oid FROM superusers) AND ${USER_SCHEMA}
   AND ${NOT_IN_EXTENSION('pg_type', 't.oid')}
   AND (t.typtype IN ('e', 'd', 'r')
        OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))`;

/**
 * Creates (or resets) the service role and hands it the service's database and everything in it.
 * Run by the launcher as the superuser on every start; idempotent. The role gets no attribute
 * and no membership (pg_read_server_files and the like): it cannot read the server's files,
 * `/proc` included, nor run programs.
 */
export async function provisionServiceRole(superuserUrl: string, password: string): Promise<void> {
  const client = new Client({
    connectionString: superuserUrl,
    application_name: 'pii-vault-launcher',
  });
  await client.connect();
  try {
    await client.query('BEGIN');
    const role = client.escapeIdentifier(SERVICE_ROLE);
    const existing = await client.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [
      SERVICE_ROLE,
    ]);
    await client.query(
      `${existing.rowCount ? 'ALTER' : 'CREATE'} ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB
         NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${client.escapeLiteral(password)}`,
    );
    const memberships = await client.query<{ granted: string }>(
      `SELECT m.roleid::regrole::text AS granted FROM pg_auth_members m
        WHERE m.member = $1::regrole`,
      [SERVICE_ROLE],
    );
    for (const { granted } of memberships.rows)
      await client.query(`REVOKE ${granted} FROM ${role}`);
    await client.query(
      `ALTER DATABASE ${client.escapeIdentifier(SERVICE_DATABASE)} OWNER TO ${role}`,
    );
    const objects = await client.query<{ statement: string }>(SUPERUSER_OWNED_OBJECTS, [
      SERVICE_ROLE,
    ]);
    for (const { statement } of objects.rows) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
