import { describe, expect, it } from 'vitest';
import { metadataLocationFromFlags } from '../../../src/cli/commands/metadata.js';
import { BadInputError } from '../../../src/model/errors.js';
import { describeMetadataLocation, parseMetadataLocation } from '../../../src/metadata/metadata-location.js';
import { decodeRecordLines, encodeRecordLines } from '../../../src/metadata/record-lines.js';
import { invokeRecord, taskRecord, transferRecord } from './record-fixtures.js';

describe('metadata locations', () => {
  it('parses redis URLs, memory: and directories', () => {
    expect(parseMetadataLocation('redis://h:6380/0')).toEqual({ kind: 'redis', url: 'redis://h:6380/0' });
    expect(parseMetadataLocation('rediss://h')).toEqual({ kind: 'redis', url: 'rediss://h' });
    expect(parseMetadataLocation('memory:')).toEqual({ kind: 'memory' });
    expect(parseMetadataLocation('some/dir')).toEqual({ kind: 'file', dir: 'some/dir' });
    expect(() => parseMetadataLocation('s3://bucket')).toThrow(BadInputError);
    expect(() => parseMetadataLocation('  ')).toThrow(BadInputError);
  });

  it('never prints a password', () => {
    expect(describeMetadataLocation({ kind: 'redis', url: 'redis://user:secret@h:1' })).toBe('redis://user:***@h:1');
  });

  it('CLI flags win over env, env over the default under the working directory', () => {
    const cwd = '/work/x';
    expect(metadataLocationFromFlags({}, {}, cwd)).toEqual({ kind: 'file', dir: '/work/x/.wukong/metadata' });
    expect(metadataLocationFromFlags({}, { WUKONG_METADATA: 'redis://e:1' }, cwd)).toEqual({ kind: 'redis', url: 'redis://e:1' });
    expect(metadataLocationFromFlags({ metadataDir: 'm' }, { WUKONG_METADATA: 'redis://e:1' }, cwd)).toEqual({ kind: 'file', dir: '/work/x/m' });
    expect(metadataLocationFromFlags({ metadata: 'redis://f:2' }, { WUKONG_METADATA: 'redis://e:1' }, cwd)).toEqual({ kind: 'redis', url: 'redis://f:2' });
    expect(() => metadataLocationFromFlags({ metadata: 'a', metadataDir: 'b' }, {}, cwd)).toThrow(/not both/);
  });
});

describe('record JSON lines', () => {
  it('round-trip every record type and reject bad lines by number', () => {
    const records = [taskRecord(), transferRecord(), invokeRecord()];
    const text = `${encodeRecordLines(records)}\n{"type":"task"}\n{oops\n`;
    const decoded = decodeRecordLines(text);
    expect(decoded.records).toEqual(records);
    expect(decoded.rejected).toEqual([
      { line: 5, reason: expect.stringMatching(/runId/) },
      { line: 6, reason: 'not JSON' },
    ]);
  });

  it('drop unknown fields (history from a newer version still loads)', () => {
    const decoded = decodeRecordLines(JSON.stringify({ ...invokeRecord(), region: 'us-east-1' }));
    expect(decoded.records).toEqual([invokeRecord()]);
  });
});
