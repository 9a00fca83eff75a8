// The DingTalk client for this configuration: the real API with credentials, the local fake otherwise.
import type { AppConfig } from '../config/config.ts';
import type { Logger } from '../config/logger.ts';
import { DingTalkClient } from '../dingtalk/client.ts';
import { dingtalkEndpoint, observeDingTalkCall } from './metrics.ts';
import { inClientSpan, tracingEnabled } from './tracing.ts';

export function createDingTalk(config: AppConfig, logger?: Logger): DingTalkClient {
  const d = config.dingtalk;
  return new DingTalkClient({
    oapiUrl: d.oapiUrl,
    apiUrl: d.apiUrl,
    appKey: d.appKey,
    appSecret: d.appSecret,
    agentId: d.agentId,
    maxQpsPerApi: d.maxQpsPerApi,
    // A rising count means DINGTALK_MAX_QPS_PER_API is above what this company's edition allows.
    onThrottled: (api, errcode, count) =>
      logger?.warn(
        { api, errcode, throttledTotal: count, maxQpsPerApi: d.maxQpsPerApi },
        'DingTalk throttled a call',
      ),
    onCall: observeDingTalkCall,
    // a client span per call when tracing is on (none at all otherwise)
    aroundCall: tracingEnabled()
      ? (api, call) =>
          inClientSpan(
            `dingtalk ${dingtalkEndpoint(api)}`,
            { 'dingtalk.endpoint': dingtalkEndpoint(api) },
            () => call(),
          )
      : undefined,
  });
}
