import { describe, expect, it } from 'vitest';
import type { Lobby, LobbyData } from './lobby.js';
import {
  LIST_QUERY_RULES,
  lobbyPage,
  matchesLobbyQuery,
  parseLobbyListQuery,
  type LobbyListQuery,
} from './lobby-list-query.js';

function queryOf(raw: Record<string, unknown>): LobbyListQuery | undefined {
  const parsed = parseLobbyListQuery(raw);
  if (!parsed.ok) return expect.fail(`refused: ${parsed.errors.join(' ')}`);
  return parsed.query;
}

function errorsOf(raw: Record<string, unknown>): string[] {
  const parsed = parseLobbyListQuery(raw);
  if (parsed.ok) return expect.fail('expected the query to be refused');
  return parsed.errors;
}

function lobby(
  id: string,
  createdAt: number,
  {
    data,
    members = 1,
    maxMembers = 4,
    password = false,
  }: Partial<{
    data: LobbyData;
    members: number;
    maxMembers: number;
    password: boolean;
  }> = {},
): Lobby {
  return {
    id,
    name: `${id} lobby`,
    isPublic: true,
    maxMembers,
    hostId: `${id}-0`,
    members: Array.from({ length: members }, (_, i) => ({ clientId: `${id}-${i}`, name: `m${i}` })),
    locked: false,
    createdAt,
    ...(data && { data }),
    ...(password && { passwordHash: 'scrypt$hash' }),
  };
}

describe('parseLobbyListQuery', () => {
  it('finds no query in an empty one, or in parameters it does not know', () => {
    expect(queryOf({})).toBeUndefined();
    expect(queryOf({ sort: 'name', page: '2', Limit: '0', data: 'x', 'data[mode]': 'ctf' })).toBe(
      undefined,
    );
  });

  it('reads each filter and the paging, with a page of 50 unless told', () => {
    expect(queryOf({ notFull: 'true' })).toEqual({ data: [], notFull: true, limit: 50 });
    expect(
      queryOf({
        'data.mode': 'ctf',
        'data.players': '4',
        'data.players.min': '2',
        'data.ping.max': '-1.5e2',
        'data.min': 'a key named min',
        hasPassword: 'false',
        limit: '100',
        after: ' k3z9q ',
        unknown: 'ignored',
      }),
    ).toEqual({
      data: [
        { key: 'mode', kind: 'equals', text: 'ctf' },
        { key: 'players', kind: 'equals', text: '4' },
        { key: 'players', kind: 'min', bound: 2 },
        { key: 'ping', kind: 'max', bound: -150 },
        { key: 'min', kind: 'equals', text: 'a key named min' },
      ],
      hasPassword: false,
      limit: 100,
      after: 'K3Z9Q',
    });
  });

  it.each([
    [{ limit: '0' }, LIST_QUERY_RULES.limit],
    [{ limit: '500' }, LIST_QUERY_RULES.limit],
    [{ limit: '101' }, LIST_QUERY_RULES.limit],
    [{ limit: '2.5' }, LIST_QUERY_RULES.limit],
    [{ limit: '' }, LIST_QUERY_RULES.limit],
    [{ limit: ' 5' }, LIST_QUERY_RULES.limit],
    [{ after: 'K3Z9' }, LIST_QUERY_RULES.after],
    [{ after: 'K3Z9Q!' }, LIST_QUERY_RULES.after],
    [{ hasPassword: 'yes' }, LIST_QUERY_RULES.boolean('hasPassword')],
    [{ notFull: '1' }, LIST_QUERY_RULES.boolean('notFull')],
    [{ notFull: 'TRUE' }, LIST_QUERY_RULES.boolean('notFull')],
    [{ 'data.players.min': 'two' }, LIST_QUERY_RULES.bound('data.players.min')],
    [{ 'data.players.max': '' }, LIST_QUERY_RULES.bound('data.players.max')],
    [{ 'data.players.max': '0x10' }, LIST_QUERY_RULES.bound('data.players.max')],
    [{ 'data.players.max': 'Infinity' }, LIST_QUERY_RULES.bound('data.players.max')],
    [{ 'data.players.max': '1e999' }, LIST_QUERY_RULES.bound('data.players.max')],
    [{ 'data.': 'x' }, LIST_QUERY_RULES.dataName],
    [{ 'data.a.b': 'x' }, LIST_QUERY_RULES.dataName],
    [{ 'data.a.min.max': '1' }, LIST_QUERY_RULES.dataName],
    [{ 'data.a b': 'x' }, LIST_QUERY_RULES.dataName],
    [{ [`data.${'k'.repeat(33)}`]: 'x' }, LIST_QUERY_RULES.dataName],
    [{ 'data.motd': 'm'.repeat(129) }, LIST_QUERY_RULES.value('data.motd')],
    [{ limit: ['5', '6'] }, LIST_QUERY_RULES.repeated('limit')],
    [{ 'data.mode': ['ctf', 'dm'] }, LIST_QUERY_RULES.repeated('data.mode')],
    [{ 'data.a.b': ['x', 'y'] }, LIST_QUERY_RULES.dataName],
  ])('refuses %j', (raw, message) => {
    expect(errorsOf(raw)).toEqual([message]);
  });

  it('allows 16 data filters and refuses 17', () => {
    const filters = (count: number) =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`data.k${i}`, 'v']));
    expect(queryOf(filters(16))?.data).toHaveLength(16);
    expect(errorsOf(filters(17))).toEqual([LIST_QUERY_RULES.tooManyFilters]);
  });

  it('names every malformed parameter once, and not many more than that', () => {
    expect(errorsOf({ limit: '0', notFull: 'maybe', 'data.x.min': 'a' })).toEqual([
      LIST_QUERY_RULES.limit,
      LIST_QUERY_RULES.boolean('notFull'),
      LIST_QUERY_RULES.bound('data.x.min'),
    ]);
    const garbage = Object.fromEntries(
      Array.from({ length: 500 }, (_, i) => [`data.k${i}.min`, 'x']),
    );
    expect(errorsOf(garbage)).toHaveLength(16);
  });
});

describe('matchesLobbyQuery', () => {
  const data = { mode: 'ctf', version: '1.4.2', players: 4, ratio: 1.4, label: '4' };
  const matches = (raw: Record<string, string>, target = lobby('AAAAA', 1, { data })) =>
    matchesLobbyQuery(target, queryOf(raw)!);

  it('matches a string value exactly', () => {
    expect(matches({ 'data.mode': 'ctf' })).toBe(true);
    expect(matches({ 'data.mode': 'CTF' })).toBe(false);
    expect(matches({ 'data.mode': 'ctf ' })).toBe(false);
    expect(matches({ 'data.version': '1.4.2', 'data.mode': 'ctf' })).toBe(true);
    expect(matches({ 'data.version': '1.4.2', 'data.mode': 'dm' })).toBe(false);
  });

  it('matches a number value by the number the text writes', () => {
    for (const text of ['4', '4.0', '4e0', '0.4e1'])
      expect(matches({ 'data.players': text })).toBe(true);
    for (const text of ['5', ' 4', '4 ', '+4', '0x4', '', 'four']) {
      expect(matches({ 'data.players': text }), text).toBe(false);
    }
    expect(matches({ 'data.ratio': '1.4' })).toBe(true);
    // The string "4" matches the text 4 as a string.
    expect(matches({ 'data.label': '4' })).toBe(true);
    expect(matches({ 'data.label': '4.0' })).toBe(false);
  });

  it('bounds number values only, inclusively', () => {
    expect(matches({ 'data.players.min': '4', 'data.players.max': '4' })).toBe(true);
    expect(matches({ 'data.players.min': '4.5' })).toBe(false);
    expect(matches({ 'data.players.max': '3.99' })).toBe(false);
    expect(matches({ 'data.ratio.min': '1', 'data.ratio.max': '2' })).toBe(true);
    expect(matches({ 'data.label.min': '0' })).toBe(false);
    expect(matches({ 'data.mode.max': '1e300' })).toBe(false);
  });

  it('never matches a key the lobby lacks, nor one it inherits', () => {
    expect(matches({ 'data.map': 'harbor' })).toBe(false);
    expect(matches({ 'data.map.min': '-1e300' })).toBe(false);
    expect(matches({ 'data.mode': 'ctf' }, lobby('BBBBB', 1))).toBe(false);
    expect(matches({ 'data.constructor.min': '0' })).toBe(false);
    expect(matches({ 'data.toString': 'function toString() { [native code] }' })).toBe(false);
  });

  it('filters on the password and on a free seat', () => {
    const locked = lobby('AAAAA', 1, { password: true, members: 2, maxMembers: 2 });
    const open = lobby('BBBBB', 1, { members: 1, maxMembers: 2 });
    expect(matches({ hasPassword: 'true' }, locked)).toBe(true);
    expect(matches({ hasPassword: 'false' }, locked)).toBe(false);
    expect(matches({ hasPassword: 'false' }, open)).toBe(true);
    expect(matches({ notFull: 'true' }, locked)).toBe(false);
    expect(matches({ notFull: 'false' }, locked)).toBe(true);
    expect(matches({ notFull: 'true' }, open)).toBe(true);
  });
});

describe('lobbyPage', () => {
  // Created out of order, two in the same millisecond; every third one is full.
  const lobbies = ['EEEEE', 'AAAAA', 'DDDDD', 'CCCCC', 'BBBBB', 'FFFFF'].map((id, i) =>
    lobby(id, id === 'BBBBB' ? 30 : 10 * (i + 1), { members: i % 3 === 0 ? 4 : 1 }),
  );
  const page = (raw: Record<string, string>) => {
    const result = lobbyPage(lobbies, queryOf(raw)!);
    return result.outcome === 'page'
      ? { ids: result.lobbies.map((l) => l.id), next: result.next }
      : result.outcome;
  };

  it('orders by creation time, then by id, and pages with next until null', () => {
    expect(page({ limit: '100' })).toEqual({
      ids: ['EEEEE', 'AAAAA', 'BBBBB', 'DDDDD', 'CCCCC', 'FFFFF'],
      next: null,
    });
    expect(page({ limit: '2' })).toEqual({ ids: ['EEEEE', 'AAAAA'], next: 'AAAAA' });
    expect(page({ limit: '2', after: 'AAAAA' })).toEqual({
      ids: ['BBBBB', 'DDDDD'],
      next: 'DDDDD',
    });
    expect(page({ limit: '2', after: 'DDDDD' })).toEqual({ ids: ['CCCCC', 'FFFFF'], next: null });
    expect(page({ limit: '2', after: 'FFFFF' })).toEqual({ ids: [], next: null });
  });

  it('pages through the matching lobbies only, resuming after a cursor that no longer matches', () => {
    expect(page({ notFull: 'true', limit: '2' })).toEqual({
      ids: ['AAAAA', 'BBBBB'],
      next: 'BBBBB',
    });
    expect(page({ notFull: 'true', limit: '2', after: 'BBBBB' })).toEqual({
      ids: ['DDDDD', 'FFFFF'],
      next: null,
    });
    // EEEEE is full: as a cursor it still marks a place.
    expect(page({ notFull: 'true', limit: '1', after: 'EEEEE' })).toEqual({
      ids: ['AAAAA'],
      next: 'AAAAA',
    });
  });

  it('answers cursor_gone for a lobby that is not listed', () => {
    expect(page({ after: 'ZZZZZ' })).toBe('cursor_gone');
  });
});
