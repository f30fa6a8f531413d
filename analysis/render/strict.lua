-- strict.lua: a check (ours, not Quarto's) run after Quarto's filters when the
-- build renders strictly. It lists text that would reach the reader although
-- it is not prose: a shortcode Quarto did not expand (Quarto prints unknown
-- ones literally), a stray ::: fence, a cross-reference Quarto could not
-- resolve (it prints ?@id), an @fig-/@tbl-/@sec- reference glued to the
-- word before it (pandoc then reads it as text), or a citation in a document
-- without a bibliography. The driver maps each to the
-- section file and line and stops the build.

local problems = {}

local function note(kind, text)
  table.insert(problems, { kind = kind, text = text })
end

local function check_text(text)
  if text:find("{{<", 1, true) or text:find(">}}", 1, true) then
    note("shortcode not expanded", text)
  elseif text:find("^%?@") then
    note("unresolved cross-reference", text:sub(2))
  elseif text:find("@fig%-") or text:find("@tbl%-") or text:find("@sec%-") then
    note("reference glued to the preceding text", text)
  end
end

local no_citeproc = os.getenv("QUARTO_STRICT_NO_CITEPROC") == "1"

return {
  {
    Str = function(el) check_text(el.text) end,
    Cite = function(el)
      -- with citeproc, pandoc itself warns about unknown keys; without it,
      -- a citation would be printed as typed
      if no_citeproc then
        note("citation without a bibliography", pandoc.utils.stringify(el.content))
      end
    end,
    Para = function(el)
      local first = el.content[1]
      if first and first.t == "Str" and first.text:match("^:::+") then
        note("stray fence", pandoc.utils.stringify(el))
      end
    end,
    Pandoc = function(doc)
      local path = os.getenv("QUARTO_STRICT_REPORT")
      if path then
        local f = io.open(path, "w")
        f:write(pandoc.json.encode(problems))
        f:close()
      end
      return nil
    end,
  }
}
