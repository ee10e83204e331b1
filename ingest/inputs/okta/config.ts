import { boolean, number, object, string, type Infer } from '../../../core/config/dsl.js';
import { componentId } from '../../../core/config/fields.js';
import { defaultsOf } from '../../../core/config/check.js';

export const schema = object({
  description: 'Polls the Okta System Log API (`/api/v1/logs`).',
  fields: {
    id: componentId('input'),
    url: string({ description: 'The Okta org URL, `https://<org>.okta.com`.', format: 'http-url' }),
    token: string({ description: 'Okta API token, sent as `Authorization: SSWS <token>`.', minLength: 1, sensitive: true }),
    stateFile: string({
      description: 'Checkpoint file (last published time and uuid). Default `.vigil/state/<id>.json`.',
      minLength: 1,
      optional: true,
    }),
    pollIntervalSeconds: number({ description: 'Seconds between polls once caught up.', int: true, min: 1, max: 3600, default: 60 }),
    limit: number({ description: 'Events per page.', int: true, min: 1, max: 1000, default: 1000 }),
    initialLookbackMinutes: number({
      description: 'With no checkpoint, how far back the first poll starts, in minutes.',
      int: true,
      min: 1,
      max: 129600,
      default: 60,
    }),
    keepOriginal: boolean({ description: "Keep each event's JSON in `event.original`.", default: true }),
  },
});

/** A `type: okta` input, as loaded. */
export type OktaInputConfig = { type: 'okta' } & Infer<typeof schema>;

/** What the schema declares as defaults, for code that builds a `OktaInputConfig` without the loader. */
export const OKTA_DEFAULTS = defaultsOf(schema) satisfies Partial<OktaInputConfig>;

export function withOktaDefaults(cfg: Pick<OktaInputConfig, 'id' | 'url' | 'token'> & Partial<OktaInputConfig>): OktaInputConfig {
  return { type: 'okta', ...OKTA_DEFAULTS, ...cfg };
}
