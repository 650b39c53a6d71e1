-- Attach holepilot through Neovim's built-in LSP client, ask for completions at a hole and
-- write what came back as JSON. Inputs come from the environment (see test_neovim.py).
local env = function(name) return os.getenv("HOLEPILOT_NVIM_" .. name) end
local out_path = env("OUT")
local timeout_ms = tonumber(env("TIMEOUT_MS"))

local function finish(result)
  local handle = io.open(out_path, "w")
  handle:write(vim.fn.json_encode(result))
  handle:close()
  vim.cmd("qall!")
end

local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(env("FILE")))
  local buf = vim.api.nvim_get_current_buf()
  local config = {
    name = "holepilot",
    cmd = vim.split(env("CMD"), "\t"),
    root_dir = env("ROOT"),
    init_options = { backend = "static", debounceMs = 0 },
  }
  local id
  if vim.lsp.start then
    id = vim.lsp.start(config)
  else
    id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(buf, id)
  end
  local client = vim.lsp.get_client_by_id(id)
  if not vim.wait(timeout_ms, function() return client.initialized end, 20) then
    return finish({ error = "not initialized" })
  end
  local position = { line = tonumber(env("LINE")), character = tonumber(env("CHARACTER")) }
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = position }
  local completion = vim.lsp.buf_request_sync(buf, "textDocument/completion", params, timeout_ms)
  local expected = vim.lsp.buf_request_sync(buf, "textDocument/expectedType", params, timeout_ms)
  params.context = { triggerKind = 1 }
  local inline = vim.lsp.buf_request_sync(buf, "textDocument/inlineCompletion", params, timeout_ms)
  finish({
    completion = completion and completion[id] or vim.NIL,
    expected = expected and expected[id] or vim.NIL,
    inline = inline and inline[id] or vim.NIL,
  })
end)
if not ok then finish({ error = tostring(err) }) end
