-- Shortcodes of this paper, for Quarto and for the render without it alike.
--
--   {{< fig name >}}  places figure `name`: image, id fig-<name>, numbered
--                     caption, alt text and (HTML only) its provenance line;
--   {{< tbl name >}}  places generated table `name` the same way;
--   {{< value key >}} prints a value the workflow declares (analysis/values.py)
--                     in the document's language: plain text in the PDF, and
--                     in HTML a span that knows where the number comes from
--                     (data-origins.js shows it when the reader points at it).
--
-- The workflow writes each one, per language, as plain Markdown under
-- _generated/figures/ and _generated/tables/ (rule paper_tables); these
-- shortcodes read the file for the document's language. Quarto turns
-- figures and tables with fig-/tbl- ids into cross-reference targets before
-- shortcodes run, so the shortcode builds the target itself with Quarto's
-- public constructor (quarto.FloatRefTarget); Quarto's filters then number,
-- caption and cross-reference it like any other.

local function language(meta)
  local lang = meta.lang and pandoc.utils.stringify(meta.lang) or "en"
  return lang:match("^([^-]+)")
end

local function caption_of(caption)
  return pandoc.Plain(pandoc.utils.blocks_to_inlines(caption.long or {}))
end

-- A Figure or Table with a fig-/tbl- id as a cross-reference target.
local function as_float(block)
  if block.t == "Figure" and block.identifier:match("^fig%-") then
    return quarto.FloatRefTarget({
      attr = block.attr, type = "Figure", content = block.content,
      caption_long = caption_of(block.caption) })
  elseif block.t == "Table" and block.identifier:match("^tbl%-") then
    local caption = caption_of(block.caption)
    local id = block.identifier
    block.caption = pandoc.Caption()
    block.identifier = ""
    return quarto.FloatRefTarget({
      attr = pandoc.Attr(id), type = "Table", content = pandoc.Blocks({ block }),
      caption_long = caption })
  end
  return block
end

-- Conditional content in the generated file (the provenance line is for HTML
-- only). Quarto resolves .content-visible/.content-hidden divs before
-- shortcodes run, so the shortcode keeps or drops them itself.
local function conditional(block)
  if block.t ~= "Div" then
    return block
  end
  local when = block.attributes["when-format"]
  if when and block.classes:includes("content-visible") then
    return quarto.doc.is_format(when) and block.content or {}
  elseif when and block.classes:includes("content-hidden") then
    return quarto.doc.is_format(when) and {} or block.content
  end
  return block
end

local function generated(kind, args, meta)
  local name = args[1] and pandoc.utils.stringify(args[1])
  if not name or name == "" then
    error(kind .. " shortcode: name the " .. kind .. ", e.g. {{< " .. kind .. " my_name >}}")
  end
  local offset = quarto.project.offset or "."
  local folder = kind == "fig" and "figures" or "tables"
  local path = offset .. "/_generated/" .. folder .. "/" .. name .. "." .. language(meta) .. ".md"
  local file = io.open(path, "r")
  if file == nil then
    error(kind .. " shortcode: " .. path .. " not found (is '" .. name .. "' a "
      .. folder:sub(1, -2) .. " the workflow makes? run snakemake first)")
  end
  local text = file:read("a")
  file:close()
  local blocks = pandoc.read(text, "markdown").blocks
  if offset ~= "." then  -- generated paths are relative to the project folder
    blocks = blocks:walk({ Image = function(img)
      if not img.src:match("^%a+:") and not img.src:match("^/") then
        img.src = offset .. "/" .. img.src
      end
      return img
    end })
  end
  local out = {}
  for _, block in ipairs(blocks) do
    local kept = conditional(block)
    if kept.t then
      table.insert(out, (as_float(kept)))  -- the constructor returns more than the node
    else
      for _, inner in ipairs(kept) do table.insert(out, inner) end
    end
  end
  return out
end

-- The document's values: _variables.yml (as Quarto's var reads it, under
-- _quarto-vars) and where each comes from (_generated/origins.<lang>.json).
local origins_cache = nil
local origins_included = false

local function origins(lang)
  if origins_cache == nil then
    local path = (quarto.project.offset or ".") .. "/_generated/origins." .. lang .. ".json"
    local file = io.open(path, "r")
    origins_cache = file and quarto.json.decode(file:read("a")) or { values = {}, origins = {} }
    if file then file:close() end
  end
  return origins_cache
end

local function lookup(meta, lang, key)
  local node = meta["_quarto-vars"]
  node = node and node[lang]
  for part in key:gmatch("[^.]+") do
    if node == nil then return nil end
    node = node[part]
  end
  return node
end

local function value(args, kwargs, meta)
  local key = args[1] and pandoc.utils.stringify(args[1])
  local lang = language(meta)
  local text = key and lookup(meta, lang, key)
  if text == nil then
    -- as Quarto's var does for an unknown key: a warning (the build stops on it) and ?value:key
    quarto.log.warning("Unknown value " .. tostring(key) .. " (not declared in analysis/values.py)")
    return pandoc.Strong({ pandoc.Str("?value:" .. tostring(key)) })
  end
  text = pandoc.utils.stringify(text)
  local table_ = origins(lang)
  local id = table_.values[key]
  if id == nil or not quarto.doc.is_format("html") then
    return pandoc.Str(text)
  end
  if not origins_included then
    origins_included = true
    local json = quarto.json.encode(table_.origins):gsub("</", "<\\/")
    quarto.doc.include_text("after-body",
      '<script type="application/json" id="data-origins">' .. json .. "</script>")
  end
  return pandoc.Span({ pandoc.Str(text) }, pandoc.Attr("", { "data-value" }, { ["data-origin"] = id }))
end

return {
  fig = function(args, kwargs, meta) return generated("fig", args, meta) end,
  tbl = function(args, kwargs, meta) return generated("tbl", args, meta) end,
  value = value,
}
