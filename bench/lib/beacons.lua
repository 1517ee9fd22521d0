-- wrk script: POST /beacon with a body of its own per request (a purchase or visit beacon
-- with a unique event id and customer), its event id also sent as X-Request-Id so that the
-- answer (which echoes it) says which beacon was acknowledged.
--
--   wrk -t1 -c50 -d10s -s beacons.lua http://host:port -- <tag> <kind> <key> <service>
--       <origin> <out.json> [rate/s, 0 = as fast as possible] [amount, 0 = no limit]
--
-- Writes <out.json> (figures) and <out.json>.ids (acknowledged ids, one a line) when done.

local threads = {}
local next_tid = 0

function setup(thread)
  next_tid = next_tid + 1
  thread:set("tid", next_tid)
  table.insert(threads, thread)
end

local tag, kind, key, service, origin
local amount = 0
local counter, completed = 0, 0
local time_ms
local headers
acked = {}
statuses = {}

function init(args)
  tag, kind, key, service, origin, out = args[1], args[2], args[3], args[4], args[5], args[6]
  -- Requests per second for this thread (the caller divides the total among threads).
  local rate = tonumber(args[7] or "0")
  amount = tonumber(args[8] or "0")
  time_ms = os.time() * 1000
  headers = {
    ["Content-Type"] = "text/plain;charset=UTF-8",
    ["Origin"] = origin,
  }
  if rate > 0 then
    -- A thread-wide schedule: each request waits for the next free slot, so the thread
    -- sends at `rate / threads` per second whatever its connections' latencies.
    local ffi = require("ffi")
    ffi.cdef([[
      typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
      int clock_gettime(int clock, bench_timespec *ts);
    ]])
    local ts = ffi.new("bench_timespec")
    local function now()
      ffi.C.clock_gettime(1, ts)
      return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
    end
    local interval = 1000 / rate
    local slot = nil
    function delay()
      local t = now()
      if slot == nil or slot < t then slot = t end
      local wait = slot - t
      slot = slot + interval
      return math.floor(wait)
    end
  end
end

function request()
  counter = counter + 1
  local id = string.format("%s_%d_%08d", tag, tid, counter)
  local body
  if kind == "visit" then
    body = string.format(
      '{"v":1,"type":"visit","id":"%s","key":"%s","service":"%s","ref":{"id":"R-bench","at":%d,"utm":{"source":"marketplace"}},"time":%d}',
      id, key, service, time_ms - 60000, time_ms)
  else
    body = string.format(
      '{"v":1,"type":"purchase","id":"%s","key":"%s","service":"%s","customerId":"cust-%s","ref":{"id":"R-bench","at":%d,"utm":{"source":"marketplace"}},"time":%d}',
      id, key, service, id, time_ms - 60000, time_ms)
  end
  headers["X-Request-Id"] = id
  return wrk.format("POST", "/beacon", headers, body)
end

function response(status, response_headers, _body)
  completed = completed + 1
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 200 and status < 300 then
    local id = response_headers["X-Request-Id"] or response_headers["x-request-id"]
    if id then acked[#acked + 1] = id end
  end
  if amount > 0 and completed >= amount then wrk.thread:stop() end
end

function done(summary, latency, _requests)
  -- This runs in the main Lua state, where init() never ran: the path comes from a thread.
  local out = threads[1]:get("out")
  local ids = io.open(out .. ".ids", "w")
  local counts = {}
  local acknowledged = 0
  for _, thread in ipairs(threads) do
    for _, id in ipairs(thread:get("acked")) do
      ids:write(id, "\n")
      acknowledged = acknowledged + 1
    end
    for status, n in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  ids:close()
  local parts = {}
  for status, n in pairs(counts) do
    parts[#parts + 1] = string.format('"%d":%d', status, n)
  end
  local e = summary.errors
  local f = io.open(out, "w")
  f:write(string.format(
    '{"requests":%d,"durationUs":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d,"acknowledged":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"statuses":{%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, acknowledged, e.connect, e.read, e.write, e.status,
    e.timeout, table.concat(parts, ",")))
  f:close()
end
