-- wrk script for the cache-miss run: the harness's chat.lua (copied next to this file as
-- chat-base.lua) with one change — every request's user message starts with a unique tag, so a
-- gateway's response cache never finds a stored answer and identical calls never coalesce.
-- The mock upstream answers every body the same way, so the direct baseline is unaffected.
local dir = assert(os.getenv("BODY_FILE"), "BODY_FILE not set"):match("^(.*/)")
dofile(dir .. "chat-base.lua")

local base = wrk.body
local marker = '"content":"In two'
local at = assert(base:find(marker, 1, true), "request body has no user message to tag")
local head = base:sub(1, at + #'"content":"' - 1)
local tail = base:sub(at + #'"content":"')
math.randomseed(os.time())
local run = tostring(math.random(100000, 999999))
local n = 0

request = function()
    n = n + 1
    return wrk.format(nil, nil, nil, head .. "[" .. run .. "-" .. n .. "] " .. tail)
end
