// DingTalk's error codes, mapped once to "retry later" or "give up".

/** errcodes DingTalk uses for throttling and transient failures */
const RETRYABLE_ERRCODES = new Set([
  -1, // 系统繁忙
  90002, // 接口调用频率超限 (per minute)
  90018, // 当前企业调用该接口的QPS超出限制
  90006, // 服务器内部错误
  410100, // 机器人发送过快 (20/min)
  130101, // 机器人发送过快 (legacy code)
]);
/** errcodes that mean "too many calls": DingTalk refused and did nothing */
const THROTTLE_ERRCODES = new Set([90002, 90018, 410100, 130101]);
/** access token expired or invalid: fetch a new one and retry once */
export const TOKEN_ERRCODES = new Set([40014, 42001, 40001]);

export class DingTalkError extends Error {
  override readonly name = 'DingTalkError';
  constructor(
    readonly api: string,
    readonly errcode: number | string,
    readonly errmsg: string,
    readonly retryable: boolean,
    readonly httpStatus?: number,
    /**
     * true when DingTalk's answer was never read (timeout, connection reset): the call may have
     * taken effect. Any answer DingTalk gave — an errcode, an HTTP error status — means it did not.
     */
    readonly outcomeUnknown = false,
  ) {
    super(`DingTalk ${api} failed: ${errcode} ${errmsg}`);
  }
}

export function isThrottling(err: DingTalkError): boolean {
  return (
    (typeof err.errcode === 'number' && THROTTLE_ERRCODES.has(err.errcode)) ||
    err.httpStatus === 429 ||
    err.errcode === 'Forbidden.AccessDenied.QpsLimitForApi'
  );
}

/** A throttling answer by its errcode as the call counter sees it (a string) and HTTP status. */
export function isThrottleAnswer(status: number, errcode: string): boolean {
  return (
    status === 429 ||
    errcode === 'Forbidden.AccessDenied.QpsLimitForApi' ||
    THROTTLE_ERRCODES.has(Number(errcode))
  );
}

export function errorFromOapi(api: string, errcode: number, errmsg: string): DingTalkError {
  return new DingTalkError(api, errcode, errmsg, RETRYABLE_ERRCODES.has(errcode));
}

/** v1.0 APIs answer with HTTP status + {code, message} */
export function errorFromV1(api: string, status: number, code: string, message: string): DingTalkError {
  const retryable = status === 429 || status >= 500 || code === 'Forbidden.AccessDenied.QpsLimitForApi';
  return new DingTalkError(api, code, message, retryable, status);
}
