import { describe, expect, it } from 'vitest';
import { businessDays, isoWeek } from './cli';

describe('date utils', () => {
  it('counts business days', () => expect(businessDays(new Date('2025-03-03'), new Date('2025-03-07'))).toBe(5));
  it('iso week at year end', () => expect(isoWeek(new Date('2025-12-29'))).toBe(1));
});
