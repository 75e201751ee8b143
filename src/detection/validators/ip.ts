import { isIPv4, isIPv6 } from 'node:net';

export function ipv4Valid(value: string): boolean {
  return isIPv4(value);
}

export function ipv6Valid(value: string): boolean {
  return isIPv6(value);
}
