import type { OpDefinition } from '../op-definition.js';
import { tableRead, tableWrite } from './read-write-ops.js';
import { tableAggregate, tableConcat, tableFilter, tableJoin, tableProject, tableSql } from './transform-ops.js';

/** The table ops (Arrow tables in and out, run by the embedded engine), in `wukong ops` order. */
export const TABLE_OPS: readonly OpDefinition[] = [tableRead, tableWrite, tableFilter, tableProject, tableJoin, tableAggregate, tableConcat, tableSql] as readonly OpDefinition[];
