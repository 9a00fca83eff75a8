// What activities need from the outside world; tests pass real or fake implementations.
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config/config.ts';
import type { Logger } from '../config/logger.ts';
import type { DB } from '../db/connect.ts';
import type { DingTalkApi } from '../dingtalk/types.ts';

export interface ActivityDeps {
  db: DB;
  dingtalk: DingTalkApi;
  temporal: Client;
  config: AppConfig;
  logger: Logger;
}
