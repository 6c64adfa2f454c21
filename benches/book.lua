-- wrk script of benches/load.rs for the `book` operation: POSTs the booking
-- form in $WRK_BODY_FILE, each request under an Idempotency-Key never used
-- before, so that every request stores a new booking request.
--
-- A key is $WRK_KEY_PREFIX (one per wrk run; the bench sets it), the number of
-- the wrk thread, and the thread's own request counter: `load-1-t2-1234`.
local path = assert(os.getenv("WRK_BODY_FILE"), "WRK_BODY_FILE must name the request body")
local file = assert(io.open(path, "rb"))
local body = file:read("*a")
file:close()
local prefix = os.getenv("WRK_KEY_PREFIX") or ("wrk-" .. os.time())

-- Runs once per thread, in the main interpreter, before the threads start.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

-- Runs in each thread's own interpreter, so `sent` counts per thread.
local sent = 0
function request()
  sent = sent + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
    ["Idempotency-Key"] = string.format("%s-t%d-%d", prefix, thread_number, sent),
  }
  return wrk.format("POST", nil, headers, body)
end
