-- wrk script of benches/load.rs for the read operations: each request is a
-- POST of the GraphQL request (query, variables, operation name) kept in the
-- file $WRK_BODY_FILE names.
local path = assert(os.getenv("WRK_BODY_FILE"), "WRK_BODY_FILE must name the request body")
local file = assert(io.open(path, "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
