--[[
  Claims a key for an owner. The holder's repeated claim succeeds again (and renews the TTL);
  anyone else's fails.

  KEYS[1] the claim key
  ARGV[1] owner
  ARGV[2] TTL in seconds

  Returns 1 when ARGV[1] holds the claim after the call, else 0.
]]
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
