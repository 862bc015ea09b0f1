/** Order events as the retailer sends them to a running system: signed (Standard Webhooks), POSTed. */
import { Webhook } from 'standardwebhooks';

/** The headers of one signed event; `at` is its timestamp. */
export function signedEventHeaders(secret: string, id: string, body: string, at = new Date()) {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

/** POSTs one signed event to `${baseUrl}/webhooks/orders`. */
export function postOrderEvent(baseUrl: string, secret: string, id: string, body: string): Promise<Response> {
  return fetch(`${baseUrl}/webhooks/orders`, {
    method: 'POST',
    body,
    headers: signedEventHeaders(secret, id, body),
  });
}
