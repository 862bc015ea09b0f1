/**
 * The development key pair for request signatures, published on purpose: `npm start` writes the
 * private key into .dev.vars (scripts/lib/dev-vars.ts) and the sample content/program.yaml
 * carries its public key, so request branches made locally verify. The worker refuses it outside
 * development (worker/requests/signing.ts); a deployment makes its own pair (docs/requests.md).
 */
export const DEV_REQUEST_SIGNING_KEY = 'MC4CAQAwBQYDK2VwBCIEIMTgzQYGOqoXLiw7dJBiOH1ijOAjZKcgVdjDCXvpIQnY';
export const DEV_REQUEST_PUBLIC_KEY = 'lrZPNdx1lr3UD6EcY5NyiaYaucCf3OG7vDFBCcgoTWA=';
