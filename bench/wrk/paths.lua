-- The calls one page makes, in turn, with wrk's own headers (-H): each request is the next path of the arguments.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

function init(args)
  paths = {}
  for i = 1, #args do
    table.insert(paths, args[i])
  end
  turn = id
end

function request()
  turn = turn + 1
  return wrk.format("GET", paths[(turn % #paths) + 1])
end
