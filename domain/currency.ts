/**
 * ISO 4217 minor-unit exponents for the currencies the program accepts.
 * Intl's CLDR data is not used because it rounds some currencies for display
 * (e.g. it reports 0 digits for IDR, whose ISO exponent is 2).
 */
export const CURRENCY_EXPONENTS = {
  USD: 2,
  CAD: 2,
  MXN: 2,
  BRL: 2,
  EUR: 2,
  GBP: 2,
  SEK: 2,
  PLN: 2,
  INR: 2,
  AUD: 2,
  SGD: 2,
  AED: 2,
  SAR: 2,
  EGP: 2,
  TRY: 2,
  JPY: 0,
  KWD: 3,
  BHD: 3,
} as const;

export type Currency = keyof typeof CURRENCY_EXPONENTS;

export const CURRENCIES = Object.keys(CURRENCY_EXPONENTS) as [Currency, ...Currency[]];

export function isCurrency(code: string): code is Currency {
  return Object.hasOwn(CURRENCY_EXPONENTS, code);
}
