-- Many signed-in users browsing: each request takes the next session cookie and, once every session has
-- had a turn, the next page, so every session visits every page. Args: the cookie file, then the paths.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

function init(args)
  -- One header set a session: wrk's own (-H) plus that session's cookie.
  sessions = {}
  for line in io.lines(args[1]) do
    if #line > 0 then
      local headers = {}
      for name, value in pairs(wrk.headers) do
        headers[name] = value
      end
      headers["Cookie"] = line
      table.insert(sessions, headers)
    end
  end
  paths = {}
  for i = 2, #args do
    table.insert(paths, args[i])
  end
  -- Threads start at different sessions so they do not walk in step.
  turn = id * 7919
end

function request()
  turn = turn + 1
  local headers = sessions[(turn % #sessions) + 1]
  local path = paths[(math.floor(turn / #sessions) % #paths) + 1]
  return wrk.format("GET", path, headers)
end
