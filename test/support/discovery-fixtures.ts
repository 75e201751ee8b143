import net from 'node:net';
import { faker } from '@faker-js/faker';
import type { Client } from 'pg';
import { luhnComplete } from './luhn';

/** A valid SSN: area 001-665 or 667-899, group and serial non-zero. */
function ssn(): string {
  let area = faker.number.int({ min: 1, max: 899 });
  if (area === 666) area = 667;
  const group = faker.number.int({ min: 1, max: 99 });
  const serial = faker.number.int({ min: 1, max: 9999 });
  return `${String(area).padStart(3, '0')}-${String(group).padStart(2, '0')}-${String(serial).padStart(4, '0')}`;
}

function usPhone(): string {
  const area = faker.number.int({ min: 201, max: 989 });
  const exchange = faker.number.int({ min: 200, max: 989 });
  const line = String(faker.number.int({ min: 0, max: 9999 })).padStart(4, '0');
  return faker.helpers.arrayElement([
    `(${area}) ${exchange}-${line}`,
    `${area}-${exchange}-${line}`,
    `+1 ${area} ${exchange} ${line}`,
  ]);
}

async function insertRows(
  client: Client,
  table: string,
  columns: string[],
  rows: unknown[][],
): Promise<void> {
  for (let start = 0; start < rows.length; start += 200) {
    const chunk = rows.slice(start, start + 200);
    const values: unknown[] = [];
    const tuples = chunk.map((row) => {
      const slots = row.map((v) => {
        values.push(v);
        return `$${values.length}`;
      });
      return `(${slots.join(', ')})`;
    });
    await client.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`,
      values,
    );
  }
}

/**
 * Realistic tables of a small business with PII where it lives in real schemas (customers,
 * patients with notes, payments, logs) and look-alike negatives (product names, SKUs, prices,
 * order numbers and timestamps, status codes).
 */
export async function seedBusinessDatabase(client: Client, rows = 300): Promise<void> {
  faker.seed(20261201);
  await client.query(`
    CREATE TABLE customers (
      id serial PRIMARY KEY, first_name text, last_name text, email varchar(200), phone text,
      ssn char(11), date_of_birth date, city text, zip text, alt_emails text[],
      status text NOT NULL, loyalty_points integer, created_at timestamptz NOT NULL
    );
    CREATE TABLE patients (
      id serial PRIMARY KEY, full_name text, mrn text, dob date, admitted_at timestamp,
      notes text, photo bytea
    );
    CREATE TABLE payments (
      id serial PRIMARY KEY, order_id integer, card_number text, cardholder text,
      amount numeric(10, 2), currency char(3), paid_at timestamptz
    );
    CREATE TABLE orders (
      id serial PRIMARY KEY, order_number text, status text, total numeric(10, 2),
      ordered_at timestamptz, shipping_address text, metadata jsonb
    );
    CREATE TABLE products (
      id serial PRIMARY KEY, sku text, name text, category text, price numeric(10, 2),
      stock integer, image bytea
    );
    CREATE TABLE access_logs (
      id bigserial PRIMARY KEY, logged_at timestamptz, level text, message text,
      client_ip inet, status_code integer
    );
  `);
  const statuses = ['active', 'inactive', 'pending', 'closed'];
  await insertRows(
    client,
    'customers',
    [
      'first_name',
      'last_name',
      'email',
      'phone',
      'ssn',
      'date_of_birth',
      'city',
      'zip',
      'alt_emails',
      'status',
      'loyalty_points',
      'created_at',
    ],
    Array.from({ length: rows }, () => {
      const first = faker.person.firstName();
      const last = faker.person.lastName();
      return [
        first,
        last,
        faker.internet.email({ firstName: first, lastName: last }).toLowerCase(),
        usPhone(),
        ssn(),
        faker.date.birthdate().toISOString().slice(0, 10),
        faker.location.city(),
        faker.location.zipCode('#####'),
        faker.datatype.boolean() ? [faker.internet.email(), faker.internet.email()] : null,
        faker.helpers.arrayElement(statuses),
        faker.number.int({ min: 0, max: 5000 }),
        faker.date.recent({ days: 400 }).toISOString(),
      ];
    }),
  );
  await insertRows(
    client,
    'patients',
    ['full_name', 'mrn', 'dob', 'admitted_at', 'notes'],
    Array.from({ length: rows }, () => {
      const name = faker.person.fullName();
      const doctor = `${faker.person.firstName()} ${faker.person.lastName()}`;
      const mrn = String(faker.number.int({ min: 1000000, max: 9999999 }));
      return [
        name,
        mrn,
        faker.date.birthdate().toISOString().slice(0, 10),
        faker.date.recent({ days: 90 }).toISOString(),
        faker.helpers.arrayElement([
          `Patient ${name} seen for follow-up of hypertension. Reviewed by Dr. ${doctor}.`,
          `${name} reports chest pain since Monday; call back at ${usPhone()}.`,
          `Discharged home in stable condition, MRN ${mrn}. Follow-up with Dr. ${doctor} in two weeks.`,
        ]),
      ];
    }),
  );
  await insertRows(
    client,
    'payments',
    ['order_id', 'card_number', 'cardholder', 'amount', 'currency', 'paid_at'],
    Array.from({ length: rows }, (_, i) => {
      const prefix = faker.helpers.arrayElement(['4', '51', '37']);
      const digits = luhnComplete(
        prefix + faker.string.numeric(15 - prefix.length - (prefix === '37' ? 1 : 0)),
      );
      return [
        i + 1,
        digits,
        faker.person.fullName(),
        faker.commerce.price({ min: 1, max: 900 }),
        faker.helpers.arrayElement(['USD', 'EUR', 'GBP']),
        faker.date.recent({ days: 60 }).toISOString(),
      ];
    }),
  );
  await insertRows(
    client,
    'orders',
    ['order_number', 'status', 'total', 'ordered_at', 'shipping_address', 'metadata'],
    Array.from({ length: rows }, (_, i) => [
      `ORD-2026-${String(100000 + i)}`,
      faker.helpers.arrayElement(['shipped', 'delivered', 'processing', 'cancelled']),
      faker.commerce.price({ min: 5, max: 2000 }),
      faker.date.recent({ days: 60 }).toISOString(),
      `${faker.location.buildingNumber()} ${faker.location.street()}`,
      JSON.stringify({
        channel: faker.helpers.arrayElement(['web', 'app', 'phone']),
        contact: { email: faker.internet.email().toLowerCase() },
        gift: faker.datatype.boolean(),
      }),
    ]),
  );
  await insertRows(
    client,
    'products',
    ['sku', 'name', 'category', 'price', 'stock'],
    Array.from({ length: rows }, () => [
      `SKU-${faker.string.alphanumeric({ length: 8, casing: 'upper' })}`,
      faker.commerce.productName(),
      faker.commerce.department(),
      faker.commerce.price(),
      faker.number.int({ min: 0, max: 500 }),
    ]),
  );
  await insertRows(
    client,
    'access_logs',
    ['logged_at', 'level', 'message', 'client_ip', 'status_code'],
    Array.from({ length: rows }, () => {
      const ip = faker.internet.ipv4();
      return [
        faker.date.recent({ days: 7 }).toISOString(),
        faker.helpers.arrayElement(['info', 'warn', 'error']),
        faker.helpers.arrayElement([
          `login ok for ${faker.internet.email().toLowerCase()} from ${ip}`,
          `GET /api/v1/orders/${faker.number.int({ min: 1, max: 9999 })} 200 ${faker.number.int({ min: 1, max: 900 })}ms`,
          `password reset requested by ${faker.internet.email().toLowerCase()}`,
        ]),
        ip,
        faker.helpers.arrayElement([200, 201, 204, 301, 404, 500]),
      ];
    }),
  );
  await client.query('ANALYZE');
}

/**
 * The same database through TCP on 127.0.0.1: the test server's URL may name its Unix socket
 * (`?host=/dir`), which discovery refuses. The server listens on both, on the same port.
 */
export function tcpUrl(url: string): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.searchParams.delete('host');
  return u.toString();
}

/** A TCP listener on 127.0.0.1 that is not PostgreSQL: it answers anything with `reply`, then closes. */
export async function notPostgres(
  reply: string,
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end(reply));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
