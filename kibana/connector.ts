import { expectStatus, kibanaRequest, type KibanaTarget } from './client.js';

/** Where the connector sends: Vigil's responder API and a token of role `responder` (api/run-routes.ts `startRun`). */
export interface PlaybookEndpoint {
  /** The responder API's base URL, as Kibana reaches it. */
  vigilUrl: string;
  token: string;
  playbook: string;
}

export interface ConnectorSpec {
  id: string;
  name: string;
  config: Record<string, unknown>;
  secrets: Record<string, unknown>;
}

/**
 * A `.webhook` connector that starts one playbook: `POST <vigil>/api/playbooks/<id>/runs`. A rule
 * or case action gives the body, e.g. `{"incident": "{{context.…}}"}`. The webhook connector of
 * Kibana 8.x keeps headers in its plain config (encrypted headers arrive in 9.2), so the bearer
 * token is readable by whoever may read connectors: give it a responder token of its own.
 */
export function playbookConnector(prefix: string, e: PlaybookEndpoint): ConnectorSpec {
  return {
    id: `${prefix}-playbook-${e.playbook}`,
    name: `Vigil: start playbook ${e.playbook}`,
    config: {
      url: `${e.vigilUrl.replace(/\/+$/, '')}/api/playbooks/${encodeURIComponent(e.playbook)}/runs`,
      method: 'post',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${e.token}` },
      hasAuth: false,
    },
    secrets: {},
  };
}

/**
 * Creates the connector with its id (`POST /api/actions/connector/<id>`, 200), or updates it when
 * the id exists (409 → `PUT /api/actions/connector/<id>`, which takes no connector type).
 */
export async function upsertConnector(target: KibanaTarget, c: ConnectorSpec): Promise<'created' | 'updated'> {
  const path = `/api/actions/connector/${encodeURIComponent(c.id)}`;
  const created = await kibanaRequest(target, 'POST', path, {
    json: { name: c.name, connector_type_id: '.webhook', config: c.config, secrets: c.secrets },
  });
  if (created.status !== 409) {
    expectStatus(created, [200], `create connector ${c.id}`);
    return 'created';
  }
  const updated = await kibanaRequest(target, 'PUT', path, { json: { name: c.name, config: c.config, secrets: c.secrets } });
  expectStatus(updated, [200], `update connector ${c.id}`);
  return 'updated';
}
