/**
 * The one place that says whether the Worker's configuration is complete. Pure: it reads
 * settings and returns what is wrong, so /healthz, the routes that need a setting and the
 * tests all judge the same way. A new rule is one line in RULES.
 */
import { adminTokenProblem } from '../../domain/security/admin-token.ts';
import { decodeWebhookSecret } from '../orders/signature.ts';
import type { Setting } from '../../domain/config/secrets.ts';
import { signingKeyProblem } from '../requests/signing.ts';

export interface ConfigProblem {
  setting: Setting;
  problem: string;
}

/** A rule answers why a setting's value is unusable, or null when it is fine. */
interface Rule {
  setting: Setting;
  check: (value: string, environment: unknown) => string | null;
}

const RULES: readonly Rule[] = [
  { setting: 'VISITOR_HASH_SECRET', check: present },
  { setting: 'ORDER_WEBHOOK_SECRET', check: present },
  { setting: 'ORDER_WEBHOOK_SECRET', check: webhookSecretForm },
  { setting: 'ADMIN_TOKEN', check: present },
  { setting: 'ADMIN_TOKEN', check: (value) => adminTokenProblem(value) },
  { setting: 'REQUEST_SIGNING_KEY', check: present },
  { setting: 'REQUEST_SIGNING_KEY', check: signingKeyProblem },
];

function present(value: string): string | null {
  return value.trim() === '' ? 'missing (not set or empty)' : null;
}

function webhookSecretForm(value: string): string | null {
  return value.startsWith('whsec_') && decodeWebhookSecret(value) !== null
    ? null
    : 'malformed: must be "whsec_" followed by base64 (as the order sender shows it)';
}

type Settings = Partial<Record<Setting | 'ENVIRONMENT', unknown>>;

/**
 * The last judgement per setting in this isolate: a setting changes only with a deploy, so an
 * order event does not base64-decode the webhook secret again (a changed value is judged anew).
 */
const judged = new Map<Setting, { value: string; environment: unknown; problem: ConfigProblem | null }>();

/** The first rule of `setting` its value fails, or null. */
function firstProblem(env: Settings, setting: Setting): ConfigProblem | null {
  const raw = env[setting];
  const value = typeof raw === 'string' ? raw : '';
  const last = judged.get(setting);
  if (last && last.value === value && last.environment === env.ENVIRONMENT) return last.problem;
  let problem: ConfigProblem | null = null;
  for (const rule of RULES) {
    if (rule.setting !== setting) continue;
    const found = rule.check(value, env.ENVIRONMENT);
    if (found !== null) {
      problem = { setting, problem: found };
      break;
    }
  }
  judged.set(setting, { value, environment: env.ENVIRONMENT, problem });
  return problem;
}

/** Every problem with the configuration, at most one per setting (the first rule it fails). */
export function configProblems(env: Settings): ConfigProblem[] {
  const settings = [...new Set(RULES.map((rule) => rule.setting))];
  return settings.flatMap((setting) => firstProblem(env, setting) ?? []);
}

/**
 * The problem with one setting, or null when it is usable. Runs only that setting's rules: a
 * click checks VISITOR_HASH_SECRET without base64-decoding the webhook secret (issue 26).
 */
export function settingProblem(env: Settings, setting: Setting): ConfigProblem | null {
  return firstProblem(env, setting);
}

/** "ADMIN_TOKEN is missing (not set or empty)", for logs and error answers. */
export function describeProblem(problem: ConfigProblem): string {
  return `${problem.setting} is ${problem.problem}`;
}
