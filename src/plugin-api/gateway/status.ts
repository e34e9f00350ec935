/** The HTTP status of each LLMOS code on a gateway (499: the process was killed, nginx's "client closed request"); anything else is a 500. */
const STATUS: Record<string, number> = {
  LLMOS_EINVAL: 400,
  LLMOS_ETOOBIG: 413,
  LLMOS_ECONTEXT: 400,
  LLMOS_ENOMODEL: 404,
  LLMOS_ENOPROC: 404,
  LLMOS_ENOSYS: 404,
  LLMOS_EPERM: 403,
  LLMOS_EQUEUEFULL: 429,
  LLMOS_ERATELIMIT: 429,
  LLMOS_EBUDGET: 429,
  LLMOS_EKILLED: 499,
  LLMOS_ETIMEDOUT: 504,
  LLMOS_EUPSTREAM: 502,
  LLMOS_EUNAVAILABLE: 503,
};

/** A code's HTTP status; `overrides` are a protocol's own choices (Anthropic's 529 for overloaded). */
export const httpStatusOf = (code: string, overrides: Record<string, number> = {}): number => overrides[code] ?? STATUS[code] ?? 500;
