import 'reflect-metadata';
import { IsString, validateSync, ValidateNested } from 'class-validator';
import { plainToInstance, Type } from 'class-transformer';
import { clientErrorResponse } from './client-error';
import { safeName, validationMessages } from './safe-name';

class Inner {
  @IsString() url!: string;
}
class Outer {
  @IsString() name!: string;
  @ValidateNested() @Type(() => Inner) connection!: Inner;
}

function messagesFor(body: object): string[] {
  const errors = validateSync(plainToInstance(Outer, body), {
    whitelist: true,
    forbidNonWhitelisted: true,
    validationError: { target: false, value: false },
  });
  return validationMessages(errors);
}

describe('names shown in error messages', () => {
  it.each(['name', 'CREDIT_CARD', '*', 'tier-2', 'revealBudgetPerHour', '0', '1234'])(
    'shows %s',
    (name) => {
      expect(safeName(name)).toBe(name);
    },
  );

  it.each([
    'john.smith@example.com',
    '555-123-4567',
    'ssn123456789',
    'x'.repeat(33),
    'Jöhn',
    'a b',
    '',
    '1abc',
    '12345',
  ])('hides %s', (name) => {
    expect(safeName(name)).toBe('[…]');
  });

  it('reports unknown properties without their text and keeps known field messages', () => {
    const messages = messagesFor({
      name: 'ok',
      connection: { url: 'u', 'jane.doe@example.org': 1 },
      'john.smith@x.com': 1,
      nmae: 1,
    });
    expect(messages).toEqual(
      expect.arrayContaining([
        'unknown property',
        'unknown property "nmae"',
        'connection: unknown property',
      ]),
    );
    expect(messages.join(' ')).not.toMatch(/john|jane|@/);
    expect(messagesFor({ name: 1, connection: { url: 2 } })).toEqual([
      'name must be a string',
      'connection.url must be a string',
    ]);
  });
});

describe('answers to requests Node cannot parse', () => {
  it('answers 431 in the error shape', () => {
    const raw = clientErrorResponse('HPE_HEADER_OVERFLOW');
    expect(raw).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as unknown;
    expect(body).toEqual({
      error: { code: 'headers_too_large', message: expect.any(String) as string },
    });
    expect(raw).toContain(`Content-Length: ${Buffer.byteLength(JSON.stringify(body))}\r\n`);
  });

  it('answers 408 and 400 in the error shape', () => {
    expect(clientErrorResponse('ERR_HTTP_REQUEST_TIMEOUT')).toMatch(
      /^HTTP\/1\.1 408 .*request_timeout/s,
    );
    expect(clientErrorResponse('HPE_INVALID_METHOD')).toMatch(/^HTTP\/1\.1 400 .*invalid_request/s);
  });
});
