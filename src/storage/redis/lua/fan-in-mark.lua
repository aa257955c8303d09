--[[
  Marks one parent done for a fan-in; idempotent per parent. Exactly one parent becomes the
  completer (the one whose mark made the set complete); a repeated mark by the completer (a
  retried executor) answers "complete" again, anyone else's answers "not complete".

  KEYS[1] the set of marked parents
  KEYS[2] the completer of the fan-in (absent until the set is complete)
  ARGV[1] parent id
  ARGV[2] expected number of distinct parents
  ARGV[3] TTL in seconds, given to both keys

  Returns { complete (0|1), marked parents, duplicate (0|1) }
]]
local added = redis.call('SADD', KEYS[1], ARGV[1])
local marked = redis.call('SCARD', KEYS[1])
local completer = redis.call('GET', KEYS[2])
if not completer and marked >= tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[3])
  completer = ARGV[1]
elseif completer then
  redis.call('EXPIRE', KEYS[2], ARGV[3])
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
local complete = 0
if completer == ARGV[1] then complete = 1 end
return { complete, marked, 1 - added }
