/** Facts about the project that content does not carry. */

/** The public repository; set REPO_URL at build time for a fork. */
export const repoUrl = (process.env.REPO_URL ?? 'https://github.com/shopfront/shopfront').replace(/\/+$/, '');

export const contributingUrl = `${repoUrl}/blob/main/CONTRIBUTING.md`;
