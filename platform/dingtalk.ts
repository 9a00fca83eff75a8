// The DingTalk client for this configuration: the real API with credentials, the local fake otherwise.
import type { AppConfig } from '../config/config.ts';
import { DingTalkClient } from '../dingtalk/client.ts';

export function createDingTalk(config: AppConfig): DingTalkClient {
  const d = config.dingtalk;
  return new DingTalkClient({
    oapiUrl: d.oapiUrl,
    apiUrl: d.apiUrl,
    appKey: d.appKey,
    appSecret: d.appSecret,
    agentId: d.agentId,
  });
}
