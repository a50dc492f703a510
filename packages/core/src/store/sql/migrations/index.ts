/** The ordered list of schema migrations. Append only: never edit one that has shipped. */
import type { Dialect } from '../driver';
import * as tracking from './001-tracking';
import * as registry from './002-registry';
import * as registryGovernance from './004-registry-governance';
import * as webhooks from './005-webhooks';
import * as auth from './006-auth';
import * as itemJson from './007-item-json';

export interface Migration {
  version: number;
  name: string;
  up(dialect: Dialect): string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'tracking', up: tracking.up },
  { version: 2, name: 'registry', up: registry.up },
  { version: 4, name: 'registry-governance', up: registryGovernance.up },
  { version: 5, name: 'webhooks', up: webhooks.up },
  { version: 6, name: 'auth', up: auth.up },
  { version: 7, name: 'item-json', up: itemJson.up },
];
