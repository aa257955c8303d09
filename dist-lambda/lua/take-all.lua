--[[
  Takes every message of an inbox at once.

  KEYS[1] the inbox list

  Returns the messages in arrival order (possibly none).
]]
local messages = redis.call('LRANGE', KEYS[1], 0, -1)
if #messages > 0 then redis.call('DEL', KEYS[1]) end
return messages
