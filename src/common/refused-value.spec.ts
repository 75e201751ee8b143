import { isRefusedValue } from './refused-value';

const driverError = (code: string) =>
  Object.assign(new Error('query failed'), { code, driverError: { code } });

describe('values the database cannot hold', () => {
  it.each(['22003', '22021', '22P05'])('treats SQLSTATE %s as the caller’s value (400)', (code) => {
    expect(isRefusedValue(driverError(code))).toBe(true);
    expect(isRefusedValue({ code })).toBe(true);
  });

  it.each(['42P01', '08006', '23505', undefined])('leaves %s to the other mappings', (code) => {
    expect(isRefusedValue(code === undefined ? new Error('x') : driverError(code))).toBe(false);
  });

  it('ignores what is not an error object', () => {
    expect(isRefusedValue(null)).toBe(false);
    expect(isRefusedValue('22003')).toBe(false);
  });
});
