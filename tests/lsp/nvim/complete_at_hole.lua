-- Runs after the README's Neovim snippet was loaded as init.lua: opens a Python file (whose
-- FileType autocommand starts holepilot), waits for that client, asks for completions at a hole
-- and writes what came back as JSON. Inputs come from the environment (see test_neovim.py).
local env = function(name) return os.getenv("HOLEPILOT_NVIM_" .. name) end
local out_path = env("OUT")
local timeout_ms = tonumber(env("TIMEOUT_MS"))

local function finish(result)
  local handle = assert(io.open(out_path, "w"))
  handle:write(vim.json.encode(result))
  handle:close()
  vim.cmd("qall!")
end

local function attached_client(buf)
  local client
  local ready = vim.wait(timeout_ms, function()
    client = vim.lsp.get_clients({ bufnr = buf, name = "holepilot" })[1]
    return client ~= nil and client.initialized == true
  end, 20)
  return ready and client or nil
end

local function request(buf, client, method, params)
  local answers = vim.lsp.buf_request_sync(buf, method, params, timeout_ms)
  return answers and answers[client.id] or vim.NIL
end

local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(env("FILE")))
  local buf = vim.api.nvim_get_current_buf()
  local client = attached_client(buf)
  if client == nil then
    return finish({
      error = "no initialized holepilot client on the buffer (filetype '" .. vim.bo[buf].filetype .. "')",
    })
  end
  local position = { line = tonumber(env("LINE")), character = tonumber(env("CHARACTER")) }
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = position }
  local completion = request(buf, client, "textDocument/completion", params)
  local expected = request(buf, client, "textDocument/expectedType", params)
  params.context = { triggerKind = 1 }
  local inline = request(buf, client, "textDocument/inlineCompletion", params)
  finish({
    version = tostring(vim.version()),
    cmd = client.config.cmd,
    root_dir = client.root_dir or vim.NIL,
    init_options = client.config.init_options or vim.empty_dict(),
    completion = completion,
    expected = expected,
    inline = inline,
  })
end)
if not ok then finish({ error = tostring(err) }) end
