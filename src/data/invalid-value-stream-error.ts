import { BadInputError } from '../model/errors.js';

/**
 * Bytes that are not a value stream this codec can read: not Arrow IPC at all, or a stream whose
 * wukong metadata contradicts its contents (a matrix whose length is not rows x cols, ...).
 * Retrying cannot help: the same bytes fail the same way.
 */
export class InvalidValueStreamError extends BadInputError {}
