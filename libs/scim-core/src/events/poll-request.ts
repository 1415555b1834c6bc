import { ScimError } from '../errors';
import { isObject } from '../resource/json';

/** RFC 8936 §2.4: a poll request. */
export interface PollRequest {
  maxEvents: number;
  returnImmediately: boolean;
  ack: string[];
  setErrs: Record<string, { err: string; description: string }>;
}

export const POLL_DEFAULT_MAX_EVENTS = 100;
export const POLL_MAX_EVENTS = 1000;
const MAX_ACKS = 10_000;
const JTI = /^[\w.:-]{1,128}$/;

/** Validates a poll request; an empty body is a plain poll (defaults per RFC 8936 §2.4). */
export function parsePollRequest(body: unknown): PollRequest {
  if (body === undefined || body === null || (isObject(body) && !Object.keys(body).length)) {
    return { maxEvents: POLL_DEFAULT_MAX_EVENTS, returnImmediately: false, ack: [], setErrs: {} };
  }
  if (!isObject(body)) throw ScimError.invalidSyntax('A poll request is a JSON object');
  const { maxEvents = POLL_DEFAULT_MAX_EVENTS, returnImmediately = false, ack = [], setErrs = {} } = body;
  if (typeof maxEvents !== 'number' || !Number.isInteger(maxEvents) || maxEvents < 0 || maxEvents > POLL_MAX_EVENTS) {
    throw ScimError.invalidValue(`maxEvents must be a whole number from 0 to ${POLL_MAX_EVENTS}`);
  }
  if (typeof returnImmediately !== 'boolean') throw ScimError.invalidValue('returnImmediately must be a boolean');
  if (!Array.isArray(ack) || ack.length > MAX_ACKS || !ack.every((jti) => typeof jti === 'string' && JTI.test(jti))) {
    throw ScimError.invalidValue(`ack must be an array of at most ${MAX_ACKS} SET identifiers`);
  }
  if (!isObject(setErrs) || Object.keys(setErrs).length > MAX_ACKS) throw ScimError.invalidValue('setErrs must be an object keyed by SET identifier');
  const errors: PollRequest['setErrs'] = {};
  for (const [jti, error] of Object.entries(setErrs)) {
    if (
      !JTI.test(jti) ||
      !isObject(error) ||
      typeof error.err !== 'string' ||
      error.err.length > 64 ||
      (error.description !== undefined && typeof error.description !== 'string')
    ) {
      throw ScimError.invalidValue(`setErrs.${jti.slice(0, 64)} must be {"err": string, "description": string}`);
    }
    errors[jti] = { err: error.err, description: String(error.description ?? '').slice(0, 1000) };
  }
  return { maxEvents, returnImmediately, ack: ack as string[], setErrs: errors };
}
